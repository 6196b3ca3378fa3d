"""The MkDocs glue, function by function, in process: what scripts/hooks.py calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from il2ref import __version__
from il2ref.core.dates import build_date
from il2ref.core.editions import EDITIONS
from il2ref.load.config import read_config
from il2ref.load.corpus import load_corpus
from il2ref.site import html, markers, nav, pages


def test_markers_are_filled_and_a_wrong_one_names_its_line() -> None:
    makers = {"glossary": lambda: "| A | B |"}
    text = "# Glossary\n\n<!-- il2ref:glossary -->\n<!-- il2ref:vocabulary -->\n"
    makers["vocabulary"] = lambda: "words"
    assert markers.fill(text, "glossary.md", makers) == "# Glossary\n\n| A | B |\nwords\n"
    with pytest.raises(markers.MarkerError, match=r"^docs/x\.md:7:1: unknown marker "
                       r"<!-- il2ref:nosuch -->; known: glossary, vocabulary$"):
        markers.fill("one\ntwo\n<!-- il2ref:nosuch -->", "x.md", makers, first_line=5)
    with pytest.raises(markers.MarkerError, match=r"^docs/glossary\.md: marker\(s\) missing: "
                       r"<!-- il2ref:vocabulary -->$"):
        markers.fill("# Glossary\n<!-- il2ref:glossary -->", "glossary.md", makers)


def test_html_postprocess() -> None:
    out = html.postprocess('<p>[Saxon RR, et al.]{.nocase} <abbr title="x">CLS</abbr></p>'
                           '<div class="footnote"><ol></ol></div>')
    assert out == ('<p>Saxon RR, et al. <abbr tabindex="0" title="x">CLS</abbr></p>'
                   '<div class="footnote" data-search-exclude><ol></ol></div>')


def _titles(entries: list[object]) -> list[str]:
    out: list[str] = []
    for entry in entries:
        if isinstance(entry, dict):
            title, value = next(iter(entry.items()))
            out += [title, *(_titles(value) if isinstance(value, list) else [])]
    return out


def test_the_navigation_is_mkdocs_yml_with_every_generated_page_in_its_place() -> None:
    hand_written = read_config(ROOT)["nav"]
    corpus = load_corpus(ROOT)[0]
    full = pages.nav(hand_written, corpus)
    titles = _titles(full)
    top = [next(iter(e)) for e in full]
    assert top == ["Home", "Quick-reference card", "Dose calculator", "Dose-time check",
                   "Per-dose nursing sheet", "Patient information", "Wallet card", "Background",
                   "Toxicities",
                   "Organ systems", "Management", "Context", "Test yourself", "Downloads",
                   "About"]
    assert titles[titles.index("About") + 1:] == [
        "About this reference", "Glossary", "References", "Statements by source", "Source coverage",
        "Evidence freshness", "What changed", "Source notes", "Editor guide", "Performance"]
    data_pages = {f"{p.slug}.md" for p in corpus.pages}
    generated = {g.path for g in pages.GENERATED}

    def paths(entries: list[object]) -> set[str]:
        out: set[str] = set()
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            out |= paths(value) if isinstance(value, list) else {value}
        return out

    assert paths(full) == paths(hand_written) | generated | data_pages


def test_a_generated_page_with_no_place_is_an_error() -> None:
    with pytest.raises(ValueError, match="no place for x.md"):
        nav.merged([{"Home": "index.md"}], {"gone.md": [("x.md", [{"X": "x.md"}])]})


def test_each_event_function_works_on_its_own(tmp_path: Path) -> None:
    """What the hook calls, called directly: configure validates and sets the navigation,
    add_pages generates every page, check_markdown fills markers and refuses unknown keys."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from il2ref.site import build

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    state = build.configure(config)
    assert len(state.corpus.pages) >= 20
    assert next(iter(config.nav[1])) == "Quick-reference card"
    config = config.plugins.on_config(config)  # mkdocs-bibtex makes its registry here
    files = build.add_pages(state, Files([]), config)
    assert {f.src_uri for f in files} == (
        {f"{p.slug}.md" for p in state.corpus.pages} | {g.path for g in pages.GENERATED}
        | {"changes.xml", "javascripts/search-terms.js",
           "assets/javascripts/workers/il2ref-search.js"}
        | {f"files/{e.file_name(__version__, build_date())}" for e in EDITIONS if e.every_build})
    assert state.corpus.cited_keys() <= set(config.plugins["bibtex"].registry._reference_cache)

    def page(text: str) -> Page:
        file = File.generated(config, "x.md", content=text)
        made = Page(None, file, config)
        made.read_source(config)
        return made

    text = "---\ntitle: X\ndescription: D\n---\n\nSee [@dutcher2014].\n\n<!-- il2ref:codes -->\n"
    checked = page(text)
    out = build.check_markdown(state, checked.markdown or "", checked)
    assert "| E001 | error |" in out and "[@dutcher2014]" in out
    unknown = page("---\ntitle: X\ndescription: D\n---\n\nSee [@nosuch2000] and [@dutcher2014; "
                   "@nosuch1999].\n")
    with pytest.raises(PluginError, match=r"docs/x\.md:6:38: unknown citation key nosuch1999: "
                       r"not in references\.bib \[E035\]\ndocs/x\.md:6:6: unknown citation key "
                       r"nosuch2000"):
        build.check_markdown(state, unknown.markdown or "", unknown)
    marker = page("---\ntitle: X\ndescription: D\n---\n\nOne.\n\n<!-- il2ref:nosuch -->\n")
    with pytest.raises(PluginError, match=r"docs/x\.md:8:1: unknown marker"):
        build.check_markdown(state, marker.markdown or "", marker)


def test_pages_are_listed_in_the_navigations_order() -> None:
    """Review D7: every output that lists pages (card, patient sheet, data editions, Statements
    by source) follows the navigation: the schema's group order, then each page's `order`."""
    from il2ref.core.rules import GROUPS

    pages = load_corpus(ROOT)[0].pages
    ranks = [(GROUPS.index(p.group), p.order) for p in pages]
    assert ranks == sorted(ranks)
    assert pages[0].group == GROUPS[0] and [g for g in GROUPS if any(
        p.group == g for p in pages)] == list(dict.fromkeys(p.group for p in pages))
