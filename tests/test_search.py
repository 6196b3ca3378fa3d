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


def test_a_number_in_the_query_is_answered(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    # lunr's merged word tree once listed a word no page has, and every query that reached it
    # ("grade 3", "held 3 doses") threw in the worker and found nothing (search-worker.js).
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "TypeError" in m.text else None)
    def pages(query: str) -> list[str]:
        return list(dict.fromkeys(search(page, site_url, query)))[:3]  # distinct, in order

    assert "/crs-comparison/" in pages("CTCAE hypotension grade 3")
    assert "/management/" in pages("held 3 doses stop cycle")
    assert errors == []


def _index_state(page) -> str:  # type: ignore[no-untyped-def]
    """Where the search worker's index is (scripts/il2ref/site/assets/search-worker.js)."""
    workers = [w for w in page.workers if w.url.endswith("/il2ref-search.js")]
    assert len(workers) == 1, [w.url for w in page.workers]
    return str(workers[0].evaluate("IL2REF.index"))


def _wait_for_state(page, want: str) -> str:  # type: ignore[no-untyped-def]
    state = ""
    for _ in range(100):  # at most 10 s
        state = _index_state(page)
        if state == want:
            break
        page.wait_for_timeout(100)
    return state


def test_the_index_is_built_when_the_reader_reaches_for_search(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """A page that is read and not searched builds no search index; the focus in the search
    box builds it, and what it answers is Material's own answer."""
    page.goto(site_url + "renal/", wait_until="networkidle")
    assert _wait_for_state(page, "kept") == "kept"  # Material's index arrived and was kept
    page.wait_for_timeout(1000)
    assert _index_state(page) == "kept"  # and is still not built
    page.click("input.md-search__input")
    assert _wait_for_state(page, "built") == "built"
    page.type("input.md-search__input", "oliguria", delay=20)
    page.wait_for_selector(".md-search-result__list > li")
    first = page.eval_on_selector(".md-search-result__list > li > a", "a => a.pathname")
    assert first == "/renal/"


def test_a_search_opened_by_its_address_is_answered(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    """?q= opens search with the words in the box before the page's scripts run: the index is
    built and the query, held while it was, answered."""
    page.goto(site_url + "?q=capillary+leak")
    page.wait_for_selector(".md-search-result__list > li", timeout=15_000)
    assert _wait_for_state(page, "built") == "built"
    links = page.eval_on_selector_all(".md-search-result__list > li > a",
                                      "els => els.map(a => a.pathname)")
    assert links[0] == "/capillary-leak/"
