"""The rule tables as a nurse reads them: on a 390 px phone every rule is one block (finding,
action, resume, source and citation); on a wide screen the columns sit side by side; the
all-rules tables narrow by system, source, action and evidence, kept in the URL fragment. Every
expected value comes from the data, so a rule added to the YAML is checked here too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from conftest import ROOT, axe_violations
from il2ref.core.model import Corpus, Rule, Source
from il2ref.core.rules import ACTIONS, differing
from il2ref.core.schema import schema
from il2ref.core.units import format_threshold
from il2ref.load.corpus import load_corpus
from il2ref.render import time_course
from il2ref.render.rule_tables import rules_table

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
CELLS = ["rule-finding", "rule-action", "rule-resume", "rule-source", "rule-cites"]

# Every rule row of the page: its box, its cells' boxes, and what the reader sees in each.
BLOCKS = """() => [...document.querySelectorAll('table[data-rules] tr[data-rule]')].map(row => {
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                               width: r.width, height: r.height}; };
    const cells = {};
    for (const td of row.querySelectorAll('td')) {
        cells[td.className] = {...box(td), text: td.innerText.replace(/\\s+/g, ' ').trim(),
                               visible: td.checkVisibility({visibilityProperty: true})};
    }
    return {rule: row.dataset.rule, id: row.id, display: getComputedStyle(row).display,
            box: box(row), cells};
})"""


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus, _ = load_corpus(ROOT)
    return corpus


def _pages(corpus: Corpus) -> list[str]:
    return sorted({r.page for r in corpus.rules()} | {"management"})


def _expected_rows(corpus: Corpus, slug: str) -> list[str]:
    own = [r.id for r in corpus.rules() if r.page == slug]
    return own + ([f"all-{r.id}" for r in corpus.rules()] if slug == "management" else [])


# --- The HTML, without a browser ---------------------------------------------------------------

def _rule(**changes: Any) -> Rule:
    base: dict[str, Any] = {
        "id": "rule-x", "system": "renal", "framework": "label-2024", "action": "hold-dose",
        "criterion": "Serum creatinine", "sources": (Source("dutcher2014", "Table 3"),)}
    return Rule(**{**base, **changes})


def test_editor_text_in_a_rule_cannot_add_markup() -> None:
    rule = _rule(criterion='<img src=x onerror="alert(1)"> **bold** [@key]',
                 resume="</td></tr></table><script>alert(2)</script>")
    html = rules_table([rule], [rule])
    assert "<img" not in html and "<script" not in html and "</table><" not in html
    assert "**" not in html and "[@key]" not in html  # no Markdown, no citation either
    assert "&#60;img src=x" in html and "&#60;/td&#62;" in html


def test_each_row_carries_what_the_filters_and_links_read(corpus: Corpus) -> None:
    rules = [r for r in corpus.rules() if r.page == "renal"]
    doc = lxml.html.fromstring(f"<div>{rules_table(rules, corpus.rules())}</div>")
    rows = doc.xpath("//tr[@data-rule]")
    assert [row.get("id") for row in rows] == [row.get("data-rule") for row in rows]
    assert {row.get("id") for row in rows} == {r.id for r in rules}
    for row in rows:
        assert [td.get("class") for td in row.xpath("td")] == CELLS
        assert row.get("role") == "row" and {td.get("role") for td in row.xpath("td")} == {"cell"}


# --- A 390 px phone -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_on_a_phone_every_rule_is_one_block_read_finding_first(
        phone: Any, site_url: str, corpus: Corpus) -> None:
    by_id = {r.id: r for r in corpus.rules()}
    checked = short = 0
    for slug in _pages(corpus):
        phone.goto(site_url + slug + "/")
        # The management page's tables are drawn only near the screen (content-visibility), and
        # a table not drawn yet has no innerText: every table drawn, as scrolling draws them.
        phone.add_style_tag(content="table[data-rules] { content-visibility: visible !important }")
        width = phone.evaluate("document.documentElement.clientWidth")
        blocks = phone.evaluate(BLOCKS)
        assert sorted(b["id"] for b in blocks) == sorted(_expected_rows(corpus, slug)), slug
        for b in blocks:
            where, rule, box, cells = (slug, b["id"]), by_id[b["rule"]], b["box"], b["cells"]
            assert b["display"] == "block", where
            assert box["left"] >= 0 and box["right"] <= width, where  # no wider than the screen
            assert list(cells) == CELLS, where
            for name, cell in cells.items():  # each part visible, inside the rule's block
                assert cell["visible"] and cell["width"] > 0 and cell["height"] > 0, (where, name)
                assert box["left"] - 1 <= cell["left"] and cell["right"] <= box["right"] + 1
                assert box["top"] - 1 <= cell["top"] and cell["bottom"] <= box["bottom"] + 1
            # Read top to bottom: finding, action, resume, then source and citation (one line
            # where they fit).
            f, a, r, s, c = (cells[name] for name in CELLS)
            assert f["bottom"] <= a["top"] + 1 and a["bottom"] <= r["top"] + 1, where
            assert r["bottom"] <= min(s["top"], c["top"]) + 1, where
            if rule.threshold:
                assert format_threshold(rule.threshold) in cells["rule-finding"]["text"], where
            assert cells["rule-action"]["text"].startswith(ACTIONS[rule.action]), where
            assert cells["rule-cites"]["text"].startswith("["), where
            if len(cells["rule-finding"]["text"]) < 80:
                assert box["height"] <= PHONE["height"] / 3, (where, box["height"])
                short += 1
            checked += 1
    assert checked == len(corpus.rules()) * 2  # every rule on its page and on management
    assert short > 50


@pytest.mark.browser
def test_on_a_phone_the_rule_table_is_still_a_table_to_assistive_technology(
        phone: Any, site_url: str, corpus: Corpus) -> None:
    """Chromium's own accessibility tree (not the DOM): CSS drew the rows as blocks, and the
    table, its rows, header cells and cells are still there."""
    phone.goto(site_url + "renal/")
    session = phone.context.new_cdp_session(phone)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    roles: dict[str, int] = {}
    for node in nodes:
        if not node.get("ignored"):
            role = node["role"]["value"]
            roles[role] = roles.get(role, 0) + 1
    rules = [r for r in corpus.rules() if r.page == "renal"]
    differs_lines = len({r.finding for r in rules if r.finding in differing(corpus.rules())})
    assert phone.eval_on_selector("table[data-rules] tr[data-rule]",
                                  "row => getComputedStyle(row).display") == "block"
    # The page's other table: its time course's data (five columns, a row per timing).
    renal = next(p for p in corpus.pages if p.slug == "renal")
    timed = len(time_course.marks([renal]))
    others = 1 if timed else 0
    assert roles.get("table") == 1 + others
    assert roles.get("columnheader") == 5 + 5 * others
    assert roles.get("row") == 1 + differs_lines + len(rules) + others * (1 + timed)
    assert (roles.get("cell", 0) + roles.get("gridcell", 0)
            == 5 * len(rules) + differs_lines + 5 * timed)


@pytest.mark.browser
def test_on_a_wide_screen_the_columns_sit_side_by_side(browser: Any, site_url: str,
                                                       corpus: Corpus) -> None:
    page = browser.new_context(viewport=WIDE).new_page()
    for slug in ("renal", "management"):
        page.goto(site_url + slug + "/")
        blocks = page.evaluate(BLOCKS)
        assert len(blocks) == len(_expected_rows(corpus, slug))
        for b in blocks:
            assert b["display"] == "table-row", b["id"]
            lefts = [b["cells"][name]["left"] for name in CELLS]
            assert lefts == sorted(lefts) and len(set(lefts)) == 5, b["id"]
            assert len({round(b["cells"][name]["top"]) for name in CELLS}) == 1, b["id"]
    page.context.close()


CARD_CELLS = ["rule-system", "rule-finding", "rule-source", "rule-cites"]


@pytest.mark.browser
def test_on_a_phone_each_card_rule_is_one_block_and_nothing_scrolls_sideways(
        phone: Any, site_url: str, corpus: Corpus) -> None:
    """The quick-reference card: its action is the heading, so a block reads system, finding
    (threshold, when to resume, any source that differs), then whose rule and the citation."""
    by_id = {r.id: r for r in corpus.rules()}
    phone.goto(site_url + "quick-reference/")
    width = phone.evaluate("document.documentElement.clientWidth")
    blocks = phone.evaluate(BLOCKS)
    assert sorted(b["rule"] for b in blocks) == sorted(
        r.id for r in corpus.rules() if r.status == "verified")
    for b in blocks:
        rule, box, cells = by_id[b["rule"]], b["box"], b["cells"]
        assert b["display"] == "block" and list(cells) == CARD_CELLS, rule.id
        assert box["left"] >= 0 and box["right"] <= width, rule.id
        for cell in cells.values():
            assert cell["visible"] and box["left"] - 1 <= cell["left"] <= cell["right"] <= \
                box["right"] + 1, rule.id
        s, f, w, c = (cells[name] for name in CARD_CELLS)
        assert s["bottom"] <= f["top"] + 1 and f["bottom"] <= min(w["top"], c["top"]) + 1
        if rule.threshold:
            assert format_threshold(rule.threshold) in f["text"], rule.id
        if rule.resume:
            assert "Resume when:" in f["text"], rule.id
        assert c["text"].startswith("["), rule.id
        if len(f["text"]) < 80:
            assert box["height"] <= PHONE["height"] / 3, (rule.id, box["height"])
    # Before, each of the card's four rule tables scrolled sideways at this width.
    wide = phone.evaluate("""() => [...document.querySelectorAll('article *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 1
                     && getComputedStyle(e).overflowX !== 'visible').map(e => e.tagName)""")
    assert wide == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
def test_on_a_phone_the_card_tables_are_still_tables_to_assistive_technology(
        phone: Any, site_url: str, corpus: Corpus) -> None:
    phone.goto(site_url + "quick-reference/")
    nodes = phone.context.new_cdp_session(phone).send("Accessibility.getFullAXTree")["nodes"]
    roles = Counter(n["role"]["value"] for n in nodes if not n.get("ignored"))
    verified = [r for r in corpus.rules() if r.status == "verified"]
    actions = {r.action for r in verified}
    assert roles["table"] == len(actions)
    assert roles["columnheader"] == 4 * len(actions)
    assert roles["row"] == len(actions) + len(verified)
    assert roles["cell"] + roles["gridcell"] == 4 * len(verified)


@pytest.mark.browser
def test_on_a_wide_screen_the_card_keeps_its_four_columns(browser: Any, site_url: str) -> None:
    page = browser.new_context(viewport=WIDE).new_page()
    page.goto(site_url + "quick-reference/")
    blocks = page.evaluate(BLOCKS)
    assert blocks
    for b in blocks:
        assert b["display"] == "table-row", b["rule"]
        lefts = [b["cells"][name]["left"] for name in CARD_CELLS]
        assert lefts == sorted(lefts) and len(set(lefts)) == 4, b["rule"]
    page.context.close()


# --- Filters on the management page --------------------------------------------------------------

VISIBLE = """() => [...document.querySelectorAll('table[data-rules="all"] tr[data-rule]')]
    .filter(row => row.checkVisibility()).map(row => row.dataset.rule)"""


def _choose(page: Any, key: str, value: str) -> list[str]:
    page.select_option(f"select[data-filter={key}]", value)
    return sorted(page.evaluate(VISIBLE))


# The evidence type a rule counts as: its source's, as the schema annotates each source.
EVIDENCE_OF = {o["const"]: o["evidence"] for o in schema()["$defs"]["framework"]["oneOf"]}


def _field(rule: Rule, key: str) -> str:
    if key == "evidence":
        return EVIDENCE_OF[rule.framework]
    return str(getattr(rule, {"system": "system", "source": "framework", "action": "action"}[key]))


@pytest.mark.browser
@pytest.mark.parametrize("key", ["system", "source", "action", "evidence"])
def test_each_filter_shows_exactly_the_rules_the_data_has(phone: Any, site_url: str,
                                                          corpus: Corpus, key: str) -> None:
    values = {_field(r, key) for r in corpus.rules()}
    phone.goto(site_url + "management/")
    options = phone.eval_on_selector_all(f"select[data-filter={key}] option",
                                         "os => os.map(o => o.value)")
    assert options[0] == "" and set(options[1:]) == values
    for value in sorted(values):
        expected = sorted(r.id for r in corpus.rules() if _field(r, key) == value)
        assert _choose(phone, key, value) == expected, value
        assert phone.evaluate("location.hash") == f"#{key}={value}"
        status = phone.inner_text(".rule-count")
        assert status == f"Showing {len(expected)} of {len(corpus.rules())} rules.", status
        phone.reload()  # the fragment restores the same view
        assert phone.eval_on_selector(f"select[data-filter={key}]", "s => s.value") == value
        assert sorted(phone.evaluate(VISIBLE)) == expected, value
        # A system's heading shows only when one of its rules does.
        headings = phone.eval_on_selector_all(
            ".rule-system", "ds => ds.filter(d => d.checkVisibility()).map(d => d.dataset.system)")
        assert set(headings) == {r.system for r in corpus.rules() if r.id in expected}
    phone.click("text=Show all")
    assert len(phone.evaluate(VISIBLE)) == len(corpus.rules())
    assert phone.evaluate("location.hash") == ""


@pytest.mark.browser
def test_filters_combine_and_keep_both_sides_of_a_difference_in_view(
        phone: Any, site_url: str, corpus: Corpus) -> None:
    phone.goto(site_url + "management/#system=renal&source=consensus-2014")
    expected = sorted(r.id for r in corpus.rules()
                      if r.system == "renal" and r.framework == "consensus-2014")
    assert expected and sorted(phone.evaluate(VISIBLE)) == expected
    # Every shown rule of a finding whose sources differ still has the line naming all sides
    # (textContent: a table not yet near the screen is not drawn, so it has no innerText).
    lines = phone.evaluate("""() => [...document.querySelectorAll(
        'table[data-rules="all"] tbody[data-differs]')].filter(g => g.checkVisibility())
        .map(g => g.querySelector('tr.rule-differs').checkVisibility()
                  && g.querySelector('tr.rule-differs').textContent)""")
    differ = differing(corpus.rules())
    assert len(lines) == len({r.finding for r in corpus.rules() if r.id in expected
                              and r.finding in differ})
    assert lines and all(text and "US label (legacy)" in text for text in lines)


@pytest.mark.browser
def test_a_fragment_that_is_not_a_filter_shows_every_rule(phone: Any, site_url: str,
                                                          corpus: Corpus) -> None:
    total = len(corpus.rules())
    for fragment in ("#system=no-such-system", f"#all-{corpus.rules()[0].id}", "#references"):
        phone.goto(site_url + "management/" + fragment)
        assert len(phone.evaluate(VISIBLE)) == total, fragment
        assert phone.eval_on_selector("select[data-filter=system]", "s => s.value") == ""


@pytest.mark.browser
def test_without_script_the_full_table_and_no_filter_controls(browser: Any, site_url: str,
                                                              corpus: Corpus) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "management/#system=renal")
    assert not page.is_visible("form[data-rule-filters]")
    assert len(page.evaluate(VISIBLE)) == len(corpus.rules())
    context.close()


@pytest.mark.browser
def test_printed_management_page_has_no_filters_and_wide_tables(page: Any, site_url: str) -> None:
    page.goto(site_url + "management/")
    page.emulate_media(media="print")
    assert page.eval_on_selector("form[data-rule-filters]",
                                 "f => getComputedStyle(f).display") == "none"
    assert page.eval_on_selector("table[data-rules] tr[data-rule]",
                                 "r => getComputedStyle(r).display") == "table-row"


# --- Accessibility at both widths, both palettes -------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1280px"])
@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_axe_finds_nothing_on_the_rule_pages(browser: Any, site_url: str, corpus: Corpus,
                                            viewport: dict[str, int], scheme: str,
                                            palette: str) -> None:
    # Every rule page, and the management page narrowed by a filter. At 1280 px every page as
    # opened is checked already (test_reader_quality), so only the filtered view is added here.
    paths = ([f"{slug}/" for slug in _pages(corpus)] + ["quick-reference/"]
             if viewport == PHONE else [])
    # The evidence filter's views too: the rules of one type, the statements of one type.
    urls = [site_url + path for path in [*paths, "management/#source=label-2024",
                                         "management/#evidence=guideline",
                                         "by-source/#evidence=trial"]]
    assert axe_violations(browser, urls, scheme=scheme, palette=palette, viewport=viewport) == {}


def test_the_rule_pages_are_the_pages_with_rule_tables(built_site: Path, corpus: Corpus) -> None:
    with_tables = {p.parent.name for p in built_site.rglob("index.html")
                   if "data-rules=" in p.read_text(encoding="utf-8")}
    assert with_tables == set(_pages(corpus)) | {"quick-reference"}  # the card's own tables


def test_every_page_table_caption_names_every_action(built_site: Path) -> None:
    """Review D9: the caption is made from the schema's actions, so a row's action is always
    one its caption names (the fourth, "Before the next course", was once left out)."""
    from il2ref.core.rules import ACTIONS
    from il2ref.load.corpus import load_corpus

    corpus, _ = load_corpus(ROOT)
    pages = [p for p in corpus.pages if p.rules]
    assert pages
    for p in pages:
        doc = lxml.html.parse(str(built_site / p.slug / "index.html")).getroot()
        captions = [" ".join(c.text_content().split())
                    for c in doc.xpath('//table[@data-rules="page"]/caption')]
        assert captions, p.slug
        for caption in captions:
            for title in ACTIONS.values():
                assert title.lower() in caption.lower(), (p.slug, title, caption)
