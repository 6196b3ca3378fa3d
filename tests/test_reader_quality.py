"""What readers get, measured in real Chromium: privacy, accessibility, mobile, print."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from conftest import axe_violations

pytestmark = pytest.mark.browser



def all_pages(site: Path) -> list[str]:
    return sorted("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"
                  for p in site.rglob("index.html"))


def test_every_page_is_checked(built_site: Path) -> None:
    """The pages the checks below walk are every HTML page of the built site, the 404 page
    aside: none is left out by how the list is made."""
    every = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")}
    listed = {f"{page}index.html" for page in all_pages(built_site)}
    assert every - listed == {"404.html"} and listed <= every
    assert len(listed) >= 28


@pytest.fixture(scope="module")
def light_crawl(browser, site_url: str, built_site: Path) -> tuple[dict[str, list[str]], list[str]]:  # type: ignore[no-untyped-def]
    """One crawl of every page in the light palette at 1280 px: axe's violations and every
    request the pages made."""
    requests: list[str] = []
    urls = [site_url + path for path in all_pages(built_site)]
    found = axe_violations(browser, urls, scheme="light", palette="default",
                           viewport={"width": 1280, "height": 800}, requests=requests)
    return found, requests


def test_no_request_leaves_the_site(light_crawl, site_url: str) -> None:  # type: ignore[no-untyped-def]
    _, requests = light_crawl
    assert len(requests) > 30  # the crawl did load pages and their assets
    assert [u for u in requests if not (u.startswith(site_url) or u.startswith("data:"))] == []


def test_axe_finds_no_wcag_aa_violation_on_any_page_in_light(light_crawl) -> None:  # type: ignore[no-untyped-def]
    # A 1280 px desktop; the rule pages at 390 px are checked in test_rule_tables.py.
    assert light_crawl[0] == {}


def test_axe_finds_no_wcag_aa_violation_on_any_page_in_dark(browser, site_url: str,  # type: ignore[no-untyped-def]
                                                            built_site: Path) -> None:
    urls = [site_url + path for path in all_pages(built_site)]
    assert axe_violations(browser, urls, scheme="dark", palette="slate",
                          viewport={"width": 1280, "height": 800}) == {}


def test_tables_have_headers_and_captions(built_site: Path) -> None:
    page = lxml.html.parse(str(built_site / "management" / "index.html")).getroot()
    rule_tables = page.xpath("//table[@data-rules]")
    assert len(rule_tables) > 10
    for table in rule_tables:
        assert table.xpath("caption[normalize-space()]") and len(table.xpath("thead//th")) == 5
    # Markdown tables get theirs from pymdownx.blocks.caption.
    coverage = (built_site / "coverage" / "index.html").read_text(encoding="utf-8")
    assert '<figure id="__table-caption_' in coverage and "<figcaption>" in coverage


def test_abbreviations_open_from_the_keyboard(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "capillary-leak/")
    for _ in range(60):  # Tab through the page like a keyboard user until an abbreviation
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ABBR":
            break
    assert page.evaluate("document.activeElement.tagName") == "ABBR"
    # The expansion is drawn by CSS from the title: a bar at the foot of the screen, on focus only.
    bar = """(el) => { const s = getComputedStyle(el, '::after');
                       return [s.content, s.position, s.display]; }"""
    content, position, display = page.evaluate_handle("document.activeElement").evaluate(bar)
    assert content.strip('"') in {"Interleukin-2", "Capillary leak syndrome",
                                  "Tumour-infiltrating lymphocytes"}
    assert (position, display) == ("fixed", "block")
    page.keyboard.press("Shift+Tab")
    assert page.locator("abbr").first.evaluate(bar)[0] == "none"


def test_focused_abbreviation_is_never_under_its_bar(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    # Focus scrolls an abbreviation into view at the foot of the screen, where the bar is drawn.
    page = browser.new_context(viewport={"width": 375, "height": 700}).new_page()
    page.goto(site_url + "capillary-leak/")
    gaps = []
    for _ in range(120):
        page.keyboard.press("Tab")
        gap = page.evaluate("""(() => { const e = document.activeElement;
            return e.tagName === 'ABBR' ? innerHeight - e.getBoundingClientRect().bottom : null;
        })()""")
        if gap is not None:
            gaps.append(gap)
    assert len(gaps) > 5
    assert min(gaps) >= 60  # the bar: 0.5rem from the bottom, about 2.5rem tall
    page.context.close()


def test_provenance_mark_is_an_icon_not_a_font_glyph(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    # The ⓘ character is in no font on this machine (an empty box on screen and in the PDF).
    page.goto(site_url + "management/")
    link = page.locator("a.excerpt-link").first
    assert link.get_attribute("aria-label").startswith("Provenance of excerpt ")
    style = link.evaluate("""(a) => { const b = getComputedStyle(a, '::before');
        return [getComputedStyle(a).fontSize, b.maskImage || b.webkitMaskImage, b.width]; }""")
    assert style[0] == "0px"
    assert style[1].startswith('url("data:image/svg+xml')
    assert style[2] != "0px"


def test_search_dialog_has_a_name(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url)
    assert page.get_attribute(".md-search[role=dialog]", "aria-label") == "Search this site"


def test_nothing_overflows_a_375px_phone(browser, site_url: str, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    wide, title_link = {}, []
    for path in all_pages(built_site):
        page.goto(site_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[path] = width
        # The title's hidden permalink once wrapped onto an empty-looking second line.
        if page.locator("article h1 .headerlink").is_visible():
            title_link.append(path)
    context.close()
    assert wide == {}
    assert title_link == []


def test_wide_tables_scroll_inside_their_own_box_on_a_phone(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    # The rule tables turn into blocks on a phone (test_rule_tables.py); the coverage tables
    # are among those that stay tables and scroll.
    page.goto(site_url + "coverage/")
    box = page.evaluate("""() => {
        const wrap = document.querySelector('.md-typeset__scrollwrap');
        return [wrap.scrollWidth, wrap.clientWidth];
    }""")
    context.close()
    assert box[0] > box[1] <= 375  # the table is wider than its box, and the box fits


def test_pages_print_without_navigation_and_with_link_targets(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(site_url + "capillary-leak/")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none", "none", "none"]
    after = page.evaluate("""() => {
        const a = [...document.querySelectorAll('.md-typeset .footnote a[href^="http"]')][0];
        return getComputedStyle(a, '::after').content;
    }""")
    assert after.startswith('" (https://') and after.endswith(')"'), after
    row = page.evaluate("""() => getComputedStyle(document.querySelector('.md-typeset tr'))
        .breakInside""")
    assert row == "avoid"


def test_folded_answers_print_open(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    # Paper cannot unfold a <details>: the self-test's answers are folded on screen, and in the
    # PDFs (printed by Chromium from the same CSS) each one is printed under its question.
    page.goto(site_url + "self-test/")
    answers = page.locator("details > p")
    assert answers.count() >= 30
    shown = "els => els.filter(e => e.checkVisibility()).length"
    assert answers.evaluate_all(shown) == 0
    page.emulate_media(media="print")
    assert answers.evaluate_all(shown) == answers.count()
    assert page.locator("details").first.evaluate("d => d.open") is False  # nothing changed
