"""Material's search, driven in real Chromium, finds text of generated pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def search(page, site_url: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type like a person into the search box; return result paths in order."""
    page.goto(site_url)
    page.click("input.md-search__input")  # desktop viewport: the box is in the header
    page.type("input.md-search__input", query, delay=20)
    page.wait_for_selector(".md-search-result__list > li", timeout=15_000)
    # Each keystroke is a query to the search worker, answered in turn: the list shown first
    # may be for a prefix ("in-line filte"). Read it once it has stopped changing.
    read = """els => els.map(e => new URL(e.href).pathname)"""
    links, same = None, 0
    for _ in range(75):  # at most 15 s
        now = page.eval_on_selector_all(
            ".md-search-result__list > li > a.md-search-result__link", read)
        same = same + 1 if now == links else 0
        links = now
        if same == 2:
            break
        page.wait_for_timeout(200)
    return links


def test_capillary_leak_finds_the_cls_page_first(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    links = search(page, site_url, "capillary leak")
    assert links, "no search results"
    assert links[0] == "/capillary-leak/"


def test_text_only_in_generated_excerpts_is_found(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    # "albuminuria" appears only in a generated "Sources differ" note on the CLS page.
    links = search(page, site_url, "albuminuria")
    assert links and "capillary-leak" in links[0]


def test_author_name_finds_the_citing_page(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    # Reference texts are not indexed; each page's "Cited on this page" line is, so an
    # author's name finds the pages that cite the paper, and those come first.
    from conftest import ROOT
    from il2ref.load.corpus import load_corpus

    corpus, _ = load_corpus(ROOT)
    citing = {f"/{p.slug}/" for p in corpus.pages if "textor1987" in {s.key for s in p.sources()}}
    # The management page's time-course overview cites each timed statement's sources.
    from il2ref.render.time_course import overview_marks
    if any("textor1987" in {s.key for s in m.excerpt.sources} for m in overview_marks(corpus)):
        citing.add("/management/")
    assert "/capillary-leak/" in citing
    links = list(dict.fromkeys(search(page, site_url, "Textor")))
    assert set(links[:len(citing)]) == citing, links
