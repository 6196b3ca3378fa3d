"""Evidence you can see: each statement's evidence badge, each page's evidence mix, and the
evidence filter on "Statements by source" (the management page's is in test_rule_tables.py).
Every expected value is worked out here from the YAML and the schema's own lists, not from
the code under test, so a statement added to the data is checked too."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from conftest import ROOT
from il2ref.core.model import Corpus, Excerpt, Rule
from il2ref.load.corpus import load_corpus
from il2ref.render.evidence import badge, mix_line

SCHEMA = json.loads((ROOT / "scripts/il2ref/core/page.schema.json").read_text(encoding="utf-8"))
TITLES = {o["const"]: o["title"] for o in SCHEMA["$defs"]["evidence"]["oneOf"]}
# A rule counts as its source's evidence type (each framework's annotation in the schema).
OF_FRAMEWORK = {o["const"]: (o["evidence"], o.get("label_version"))
                for o in SCHEMA["$defs"]["framework"]["oneOf"]}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus, _ = load_corpus(ROOT)
    return corpus


def _kind(item: Excerpt | Rule) -> tuple[str, str | None]:
    if isinstance(item, Rule):
        return OF_FRAMEWORK[item.framework]
    return item.evidence, item.label_version if item.evidence == "label" else None


def _name(item: Excerpt | Rule) -> str:
    evidence, version = _kind(item)
    return {"2024": "2024 label", "legacy": "Legacy label"}[version] if version \
        else TITLES[evidence]


def _doc(site: Path, slug: str) -> Any:
    return lxml.html.parse(str(site / slug / "index.html")).getroot()


def _text(el: Any) -> str:
    return " ".join(el.text_content().split())


# --- The schema is the list ---------------------------------------------------------------------

def test_every_evidence_type_and_every_rule_source_has_a_title_and_a_type() -> None:
    values = [o["const"] for o in SCHEMA["$defs"]["evidence"]["oneOf"]]
    assert len(values) == 10 and "institutional-policy" in values
    assert all(o["title"] and o["description"] for o in SCHEMA["$defs"]["evidence"]["oneOf"])
    for framework, (evidence, version) in OF_FRAMEWORK.items():
        assert evidence in values, framework
        assert (version is not None) == (evidence == "label"), framework
    assert OF_FRAMEWORK["label-2024"] == ("label", "2024")
    assert OF_FRAMEWORK["label-legacy"] == ("label", "legacy")


# --- The built pages ----------------------------------------------------------------------------

def test_each_statement_has_exactly_its_own_badge(built_site: Path, corpus: Corpus) -> None:
    checked = 0
    for page in corpus.pages:
        doc = _doc(built_site, page.slug)
        badges = doc.xpath('//article//span[@class="evidence"]')
        assert len(badges) == len(page.excerpts()), page.slug
        seen = {}
        for b in badges:
            item = b.xpath("ancestor::li[1]")[0]
            claim = item.xpath('.//span[@class="claim"]')
            assert claim, (page.slug, _text(item)[:80])
            seen[claim[0].get("id")] = (b.get("data-evidence"), _text(b))
        want = {e.id: (e.evidence, f"Evidence: {_name(e)}") for e in page.excerpts()}
        assert seen == want, page.slug
        checked += len(want)
    assert checked == len(list(corpus.excerpts())) and checked > 300
    # The label statements name their version on the badge itself.
    first = _doc(built_site, "capillary-leak").get_element_by_id("cls-label-definition")
    item = first.xpath("ancestor::li[1]")[0]
    assert _text(item.xpath('.//span[@class="evidence"]')[0]) == "Evidence: Legacy label"


def _expected_mix(items: list[Excerpt | Rule]) -> list[tuple[str, str]]:
    kinds = [_kind(i) for i in items]
    counts = Counter(e for e, _ in kinds)
    versions = Counter(v for _, v in kinds if v)
    out = []
    for evidence, title in TITLES.items():  # the schema's order
        if counts[evidence]:
            text = f"{counts[evidence]} {title.lower()}"
            if evidence == "label":
                text += " (" + ", ".join(f"{v}: {versions[v]}" for v in ("2024", "legacy")
                                         if versions[v]) + ")"
            out.append((evidence, text))
    return out


def test_each_page_shows_its_evidence_mix(built_site: Path, corpus: Corpus) -> None:
    with_labels = 0
    for page in corpus.pages:
        items: list[Excerpt | Rule] = [*page.excerpts(), *page.rules]
        doc = _doc(built_site, page.slug)
        lines = doc.xpath('//p[@class="evidence-mix"]')
        if not items:
            assert lines == [], page.slug
            continue
        assert len(lines) == 1, page.slug
        line = lines[0]
        assert line.get("data-search-exclude") is not None
        got = [(s.get("data-evidence"), _text(s)) for s in line.xpath('./span')]
        assert got == _expected_mix(items), page.slug
        assert _text(line).startswith("Evidence on this page: ")
        # The numbers add up to the page's count of cited statements above it.
        meta = _text(doc.xpath('//p[@class="page-meta"]')[0])
        total = sum(int(text.split()[0]) for _, text in got)
        assert meta.startswith(f"{total} cited statements"), (page.slug, meta)
        with_labels += any(e == "label" for e, _ in got)
    assert with_labels >= 10
    # Spelled out once, from the data of one page.
    cls = next(p for p in corpus.pages if p.slug == "capillary-leak")
    labels = [e for e in [*cls.excerpts(), *cls.rules] if _kind(e)[0] == "label"]
    assert re.search(rf"\b{len(labels)} label \(2024: \d+, legacy: \d+\)",
                     _text(_doc(built_site, "capillary-leak").xpath(
                         '//p[@class="evidence-mix"]')[0]))


def test_badges_and_mix_stay_out_of_the_search_index(built_site: Path,
                                                     corpus: Corpus) -> None:
    """The same few words on every statement would match every clinical query."""
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    slugs = {p.slug for p in corpus.pages}
    docs = [d for d in index["docs"] if d["location"].split("/")[0] in slugs]
    assert len(docs) > 100
    for d in docs:
        assert "Evidence on this page" not in d["text"], d["location"]
        assert "Evidence: " not in d["text"], d["location"]
    # The statements themselves are still indexed.
    assert any("capillary" in d["text"].lower() for d in docs)


def test_badge_and_mix_are_made_of_the_schema_s_words_only(corpus: Corpus) -> None:
    """Nothing an editor types reaches the badge or the mix line: the type is a value the
    validator checked against the schema's list, the text is the schema's title."""
    e = next(e for e in corpus.excerpts() if e.evidence == "trial")
    hostile = Excerpt(**{**e.__dict__, "claim": '<script>alert(1)</script> [@x] *y*'})
    assert badge(hostile) == badge(e)
    assert str(badge(e)).endswith('<span class="visually-hidden">Evidence: </span>Trial</span>')
    assert mix_line([]) == ""
    assert ">1 trial<" in mix_line([hostile]) and "script" not in mix_line([hostile])


# --- The filter on "Statements by source", driven in Chromium -----------------------------------

def _records(corpus: Corpus) -> list[tuple[str, str, str]]:
    """(source key, item id, evidence type) for every listed entry of the page."""
    out = []
    for page in corpus.pages:
        for item in [*page.excerpts(), *page.rules]:
            for s in item.sources:
                out.append((s.key, item.id, _kind(item)[0]))
    return out


VISIBLE = """() => [...document.querySelectorAll('li[data-record]')]
    .filter(li => li.checkVisibility())
    .map(li => li.closest('.source-records').querySelector('h2').id.slice(4) + ' '
               + li.querySelector('.record-id').textContent)"""


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_the_evidence_filter_shows_exactly_the_statements_of_that_type(
        phone: Any, site_url: str, corpus: Corpus) -> None:
    records = _records(corpus)
    phone.goto(site_url + "by-source/")
    select = "select[data-filter=evidence]"
    options = phone.eval_on_selector_all(f"{select} option", "os => os.map(o => o.value)")
    assert options[0] == "" and options[1:] == [e for e in TITLES if
                                                 any(r[2] == e for r in records)]
    assert len(phone.evaluate(VISIBLE)) == len(records)
    for value in options[1:]:
        expected = sorted(f"{k} {i}" for k, i, e in records if e == value)
        phone.select_option(select, value)
        assert sorted(phone.evaluate(VISIBLE)) == expected, value
        assert phone.evaluate("location.hash") == f"#evidence={value}"
        assert phone.inner_text(".rule-count") == (
            f"Showing {len(expected)} of {len(records)} listed statements and rules.")
        # A source's heading shows only while one of its entries does.
        headings = phone.eval_on_selector_all(
            ".source-records", "ds => ds.filter(d => d.checkVisibility())"
                               ".map(d => d.querySelector('h2').id.slice(4))")
        assert set(headings) == {k for k, _, e in records if e == value}, value
        # Every badge shown is of the chosen type.
        shown = phone.eval_on_selector_all(
            "li[data-record] .evidence", "bs => [...new Set(bs.filter(b => b.checkVisibility())"
                                         ".map(b => b.dataset.evidence))]")
        assert shown == [value]
    phone.click("text=Show all")
    assert len(phone.evaluate(VISIBLE)) == len(records)
    assert phone.evaluate("location.hash") == ""
    # From the keyboard: the select takes focus and the arrow keys choose.
    phone.focus(select)
    phone.keyboard.press("ArrowDown")
    assert phone.evaluate("location.hash") == f"#evidence={options[1]}"


@pytest.mark.browser
def test_the_fragment_restores_the_view_on_load_on_back_and_from_file(
        phone: Any, site_url: str, built_site: Path, corpus: Corpus) -> None:
    records = _records(corpus)
    expected = sorted(f"{k} {i}" for k, i, e in records if e == "trial")
    assert expected
    phone.goto(site_url + "by-source/#evidence=trial")
    assert phone.eval_on_selector("select[data-filter=evidence]", "s => s.value") == "trial"
    assert sorted(phone.evaluate(VISIBLE)) == expected
    # Away to a statement's page and Back: the same view.
    phone.click("li[data-record]:not([hidden]) a[href*='#']")
    phone.wait_for_url(lambda url: "by-source" not in url)
    phone.go_back()
    assert phone.evaluate("location.hash") == "#evidence=trial"
    assert sorted(phone.evaluate(VISIBLE)) == expected
    # A link followed on the page (hashchange) changes the view too.
    phone.evaluate("location.hash = 'evidence=review'")
    phone.wait_for_function("document.querySelector('select[data-filter=evidence]').value"
                            " === 'review'")
    assert sorted(phone.evaluate(VISIBLE)) == sorted(
        f"{k} {i}" for k, i, e in records if e == "review")
    # Offline, from file:// (the zipped site): no fetch, the same filter.
    phone.goto((built_site / "by-source" / "index.html").as_uri() + "#evidence=trial")
    assert sorted(phone.evaluate(VISIBLE)) == expected
    # No badge or evidence line wider than a 390 px phone.
    phone.goto(site_url + "capillary-leak/")
    width = phone.evaluate("document.documentElement.clientWidth")
    rights = phone.eval_on_selector_all(
        ".evidence, .evidence-mix", "es => es.map(e => e.getBoundingClientRect().right)")
    assert rights and max(rights) <= width
    # What a screen reader gets (Chromium's accessibility tree): the type, named as evidence.
    badge_of = phone.locator("li", has=phone.locator("#cls-label-definition")).locator(".evidence")
    assert "Evidence: Legacy label" in badge_of.aria_snapshot()


@pytest.mark.browser
def test_print_shows_badges_as_text_and_no_filter(page: Any, site_url: str) -> None:
    page.goto(site_url + "by-source/")
    page.emulate_media(media="print")
    assert page.eval_on_selector("form[data-rule-filters]",
                                 "f => getComputedStyle(f).display") == "none"
    page.goto(site_url + "capillary-leak/")
    page.emulate_media(media="print")
    printed = page.eval_on_selector(
        "span.evidence", """b => [getComputedStyle(b, '::before').content,
            getComputedStyle(b.firstElementChild).position, b.innerText,
            getComputedStyle(b).borderTopStyle]""")
    assert printed[0] == '"["' and printed[1] == "static" and printed[3] == "none"
    assert printed[2].startswith("Evidence: ")
    page.emulate_media(media="screen")
    assert page.eval_on_selector(
        "span.evidence", "b => getComputedStyle(b.firstElementChild).position") == "absolute"
