"""The MkDocs glue, function by function, in process: what scripts/hooks.py calls."""

from __future__ import annotations

import pytest
import yaml

from conftest import ROOT
from il2ref.load.corpus import load_corpus
from il2ref.site import html, markers, nav, pages


def test_markers_are_filled_and_a_wrong_one_names_its_line() -> None:
    makers = {"glossary": lambda: "| A | B |"}
    text = "# Glossary\n\n<!-- il2ref:glossary -->\n"
    assert markers.fill(text, "glossary.md", makers) == "# Glossary\n\n| A | B |\n"
    with pytest.raises(markers.MarkerError, match=r"^docs/x\.md:7: unknown marker "
                       r"<!-- il2ref:nosuch -->; known: glossary$"):
        markers.fill("one\ntwo\n<!-- il2ref:nosuch -->", "x.md", makers, first_line=5)
    with pytest.raises(markers.MarkerError, match=r"^docs/glossary\.md: marker\(s\) missing: "
                       r"<!-- il2ref:glossary -->$"):
        markers.fill("# Glossary\n", "glossary.md", makers)


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
    hand_written = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    corpus = load_corpus(ROOT)[0]
    full = pages.nav(hand_written, corpus)
    titles = _titles(full)
    top = [next(iter(e)) for e in full]
    assert top == ["Home", "Quick-reference card", "Background", "Toxicities", "Organ systems",
                   "Management", "Context", "Test yourself", "Downloads", "About"]
    assert titles[titles.index("About") + 1:] == [
        "Glossary", "References", "Statements by source", "Source coverage",
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
