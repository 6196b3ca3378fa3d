"""The toolchain checked, not trusted (issue #29): Lighthouse's floor fails `make lighthouse`,
the mkdocs-bibtex internals the project reaches into are still there, every runtime dependency
has an upper bound, and `make outdated` informs without failing."""

from __future__ import annotations

import importlib
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from il2ref import cli
from il2ref.tools import lighthouse, outdated


def _result(path: str, **scores: float) -> dict[str, Any]:
    return {"page": path.strip("/") or "home", "path": path,
            **{c: 100 for c in lighthouse.CATEGORIES}, "performance_range": [0, 100],
            "fcp_ms": 1000, "lcp_ms": 1500, "tbt_ms": 10, "cls": 0.0, **scores}


def test_lighthouse_medians_below_the_floor_are_named() -> None:
    assert lighthouse.below_floor([_result("/"), _result("/management/")]) == []
    assert lighthouse.below_floor([_result("/"), _result("/management/", performance=94,
                                                         accessibility=99)]) == [
        "/management/ performance 94", "/management/ accessibility 99"]
    # A report Lighthouse could not finish has no score: it fails, never passes.
    broken = _result("/")
    del broken["seo"]
    assert lighthouse.below_floor([broken]) == ["/ seo 0"]


@pytest.mark.parametrize(("scores", "status"), [({}, 0), ({"performance": 94}, 1),
                                                ({"best-practices": 96}, 1)])
def test_make_lighthouse_fails_when_a_median_is_below_the_floor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        scores: dict[str, float], status: int) -> None:
    """`make lighthouse` runs `il2ref lighthouse`, whose console script exits with what
    il2ref.cli.main returns: 1 fails make. Lighthouse itself is not run (minutes per page)."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # cli.main changes into the project; this puts it back
    monkeypatch.setattr(lighthouse, "run", lambda root: [_result("/"),
                                                         _result("/management/", **scores)])
    assert cli.main(["lighthouse", "--root", str(tmp_path)]) == status
    assert "| /management/ |" in (tmp_path / "bench" / "lighthouse.md").read_text("utf-8")
    assert ("below the floor" in capsys.readouterr().err) == bool(status)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t$(VENV)/bin/il2ref lighthouse\n" in makefile  # no `-`: its failure is make's


# Every name of mkdocs-bibtex the project reaches into, and why (grep il2ref/site and
# il2ref/editions for mkdocs_bibtex). A release that renames or drops one must fail here, with
# the name, rather than build a site whose citations silently vanish.
BIBTEX_NAMES = {
    "mkdocs_bibtex.__version__": "part of the formatted references' cache key (citations.py)",
    "mkdocs_bibtex.citation.Citation": "one key, built by format_cited and plain_texts",
    "mkdocs_bibtex.citation.CitationBlock.from_markdown": "the plugin's own citation parser "
                                                         "(cited_keys, plain.resolve_citations)",
    "mkdocs_bibtex.registry.parse_file": "replaced by share_parse so references.bib is "
                                         "parsed once",
    "mkdocs_bibtex.registry.PandocRegistry": "the one reference formatter (pandoc + AMA CSL)",
    "mkdocs_bibtex.registry.PandocRegistry.validate_citation_blocks": "runs pandoc for the "
                                                                     "references not stored",
    "mkdocs_bibtex.registry.PandocRegistry.reference_text": "a reference's formatted text",
    "mkdocs_bibtex.registry.PandocRegistry.inline_text": "[@key] -> [^key] (plain edition)",
    "mkdocs_bibtex.plugin.BibTexPlugin": "the plugin mkdocs.yml names `bibtex`",
}


def _resolve(dotted: str) -> Any:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ImportError(dotted)


def test_the_mkdocs_bibtex_internals_the_project_relies_on_are_still_there() -> None:
    import mkdocs_bibtex
    from mkdocs_bibtex.config import BibTexConfig
    from mkdocs_bibtex.plugin import BibTexPlugin
    from mkdocs_bibtex.registry import PandocRegistry

    from il2ref.site.citations import default_style

    gone = []
    for name, why in BIBTEX_NAMES.items():
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            gone.append(f"{name} ({why})")
    registry = PandocRegistry(bib_files=[str(ROOT / "references.bib")],
                              csl_file=default_style(), csl_file_encoding=None)
    # The two result dicts format_cited fills from .cache/, and the BibTeX text it sets.
    for attr in ("_inline_cache", "_reference_cache", "bib_data", "csl_file", "footnote_format"):
        if not hasattr(registry, attr):
            gone.append(f"PandocRegistry().{attr} (filled or read by il2ref.site.citations)")
    if not isinstance(PandocRegistry.__dict__.get("bib_data_bibtex"), cached_property):
        gone.append("PandocRegistry.bib_data_bibtex as a cached_property (format_cited sets "
                    "it to references.bib as written)")
    from importlib.metadata import entry_points

    if [e.value for e in entry_points(group="mkdocs.plugins", name="bibtex")] != [
            "mkdocs_bibtex.plugin:BibTexPlugin"]:
        gone.append("the `bibtex` entry point (mkdocs.yml's plugins: - bibtex)")
    if not hasattr(BibTexPlugin(), "registry"):
        gone.append("BibTexPlugin().registry (il2ref.site.build.add_pages reads it)")
    # Options mkdocs.yml sets and the defaults the plain edition writes out by hand.
    options = dict(BibTexConfig._schema)
    for option in ("bib_file", "csl_file", "enable_inline_citations", "bib_by_default"):
        if option not in options:
            gone.append(f"config option {option} (mkdocs.yml, il2ref.site.build.configure)")
    if "bib_command" not in options or options["bib_command"].default != "\\bibliography":
        gone.append("bib_command defaulting to \\bibliography (the templates and "
                    "il2ref.editions.plain.BIB_COMMAND)")
    if "footnote_format" not in options or options["footnote_format"].default != "{key}":
        gone.append("footnote_format defaulting to {key}, so a citation is [^key] "
                    "(il2ref.editions.plain)")
    assert not gone, (f"mkdocs-bibtex {mkdocs_bibtex.__version__} no longer has what the "
                      "project relies on:\n  " + "\n  ".join(gone))


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    assert outdated.unbounded(ROOT / "pyproject.toml") == []
    assert outdated.unbounded(ROOT / "pyproject.toml", "test")  # the check is not blind


def test_make_outdated_sorts_each_release_by_its_pin(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from packaging.requirements import Requirement

    reqs = [(Requirement("mkdocs>=1.6,<2"), "runtime"), (Requirement("pyyaml>=6.0,<7"), "runtime"),
            (Requirement("jinja2>=3.1,<4"), "runtime"), (Requirement("nosuchpkg<1"), "test")]
    installed = {"mkdocs": "1.6.1", "pyyaml": "6.0.1", "jinja2": "3.1.6"}

    def version(name: str) -> str:
        if name not in installed:
            raise outdated.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(outdated, "version", version)
    found = outdated.rows(reqs, {"mkdocs": "2.0.0", "pyyaml": "6.0.3", "jinja2": "3.1.6"})
    assert [r.state for r in found] == [
        "newer, past the pin: test it, then raise the bound",
        "newer, inside the pin: `make setup` picks it up", "up to date",
        "not found on the index"]
    # The index out of reach: it says so and still succeeds.
    monkeypatch.setattr(outdated, "latest_releases", lambda names: {})
    monkeypatch.chdir(ROOT)
    assert outdated.main() == 0
    assert "the index was not reached" in capsys.readouterr().out
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t-@$(VENV)/bin/il2ref outdated\n" in makefile
