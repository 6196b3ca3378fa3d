"""The time-course charts (issue #28): every timing in the data is drawn and listed once, on its
own page and on the overview, with nothing else; each bar leads to its statement; a page with
no timing says so. Axe and the phone width are checked by the site-wide crawls
(tests/test_reader_quality.py), which visit these pages."""

from __future__ import annotations

import functools
from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT
from il2ref.core.model import Corpus, Timing
from il2ref.load.corpus import load_corpus
from il2ref.render import time_course


@functools.cache
def _corpus() -> Corpus:
    corpus, _ = load_corpus(ROOT)
    assert corpus is not None
    return corpus


def _html(site: Path, slug: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / slug / "index.html")).getroot()


def _rows(doc: lxml.html.HtmlElement) -> list[list[str]]:
    """The text alternative: the table right after the chart, one list of cells per row."""
    figure = doc.cssselect("figure.time-course")[0]
    table = figure.getnext()
    while table is not None and table.tag != "table" and not table.cssselect("table"):
        table = table.getnext()
    assert table is not None, "no table after the chart"
    table = table if table.tag == "table" else table.cssselect("table")[0]
    return [[" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in table.cssselect("tbody tr")]


def _what(cell: str) -> str:
    """A row's toxicity without the regimen the chart adds where a page has several."""
    for title in time_course._titles("regimen").values():
        cell = cell.removesuffix(f" ({title})")
    return cell


def _expected(marks: list[time_course.Mark]) -> list[tuple[str, str, str]]:
    phases = time_course._titles("phase")
    return [(m.timing.what, phases[m.timing.phase], time_course.when(m.timing)) for m in marks]


def _timed_pages() -> list[str]:
    return [p.slug for p in _corpus().pages if time_course.marks([p])]


def test_the_data_gives_timings_on_most_organ_pages() -> None:
    """Else the tests below would pass on a site with no charts."""
    organ = {p.slug for p in _corpus().pages if p.group in ("Organ systems", "Toxicities")}
    assert len(set(_timed_pages()) & organ) >= 8
    assert len(time_course.marks(_corpus().pages)) >= 20


@pytest.mark.parametrize("slug", _timed_pages())
def test_each_page_lists_and_draws_exactly_its_timings(built_site: Path, slug: str) -> None:
    page = next(p for p in _corpus().pages if p.slug == slug)
    marks = time_course.marks([page])
    doc = _html(built_site, slug)
    rows = _rows(doc)
    got = [(_what(r[0]), r[1], r[2]) for r in rows]
    assert got == _expected(marks)
    # Each row cites the statement's sources with their locators, and links to the statement.
    for row, m in zip(rows, marks, strict=True):
        assert all(s.locator in row[3] for s in m.excerpt.sources), row
    links = [a.get("href") for a in doc.cssselect("figure.time-course ~ table a, "
                                                  "figure.time-course ~ * table a")]
    assert links == [f"#{m.excerpt.id}" for m in marks]
    # One bar per timing (drawn row by row), each leading to its statement, on this page.
    bars = doc.cssselect("figure.time-course svg.tc-chart a")
    assert sorted(b.get("href") for b in bars) == sorted(f"#{m.excerpt.id}" for m in marks)
    ids = set(doc.xpath("//@id"))
    assert {m.excerpt.id for m in marks} <= ids
    assert all(b.get("aria-label") for b in bars)


def test_the_overview_holds_every_timing_and_leads_to_each_statement(built_site: Path) -> None:
    corpus = _corpus()
    marks = time_course.marks(sorted(corpus.pages, key=lambda p: (p.group != "Toxicities",
                                                                     p.order, p.slug)))
    doc = _html(built_site, "management")
    rows = _rows(doc)
    assert [(_what(r[0]), r[1], r[2]) for r in rows] == _expected(marks)
    bars = doc.cssselect("#time-course ~ figure.time-course svg.tc-chart a, "
                         "figure.time-course svg.tc-chart a")
    assert sorted(b.get("href") for b in bars) == sorted(f"#tc-{n}" for n in range(len(marks)))
    assert {f"tc-{n}" for n in range(len(marks))} <= set(doc.xpath("//@id"))
    # The table's links reach each statement on its own page (MkDocs checked the anchors).
    links = [a.get("href") for a in doc.cssselect("figure.time-course ~ table a, "
                                                  "figure.time-course ~ * table a")]
    assert links == [f"../{m.page.slug}/#{m.excerpt.id}" for m in marks]


def test_regimens_are_named_where_a_page_has_more_than_one(built_site: Path) -> None:
    """Constitutional: fever after each dose under high-dose IL-2 and after a single bolus,
    and recovery after the US and the Swiss schedules, side by side on their own rows."""
    rows = _rows(_html(built_site, "constitutional"))
    names = [r[0] for r in rows]
    assert "Fever (high-dose IL-2)" in names and "Fever (another schedule)" in names
    assert "Most toxicities (high-dose IL-2)" in names
    assert "Most toxicities (another schedule)" in names


def test_a_page_without_timing_says_so(built_site: Path) -> None:
    untimed = [p for p in _corpus().pages if p.group in ("Organ systems", "Toxicities")
               and not time_course.marks([p])]
    assert untimed, "every organ page has timings: check the no-timing text another way"
    for page in untimed:
        doc = _html(built_site, page.slug)
        assert doc.cssselect("#time-course"), page.slug
        assert doc.cssselect("p.tc-none"), page.slug
        assert not doc.cssselect("figure.time-course"), page.slug
    for page in _corpus().pages:
        if page.timing_not_seen:
            text = " ".join(_html(built_site, page.slug).cssselect("p.tc-not-seen")[0]
                            .text_content().split())
            assert " ".join(page.timing_not_seen.split())[:40] in text


@pytest.mark.parametrize(("low", "high", "unit", "after", "said"), [
    (1, 2, "hours", "each-dose", "1–2 hours after each dose"),
    (0, 3, "days", "last-dose", "within 3 days after the last dose"),
    (1, 1, "months", "start", "1 month after the start of treatment"),
    (6, 6, "days", "last-dose", "6 days after the last dose"),
    (2, 4, "weeks", "discharge", "2–4 weeks after discharge from hospital"),
])
def test_times_read_as_the_statement_gives_them(low: float, high: float, unit: str,
                                                after: str, said: str) -> None:
    t = Timing("Rash", "onset", after, low, high, unit, "high-dose")  # type: ignore[arg-type]
    assert time_course.when(t) == said


def test_bars_sit_on_their_scale() -> None:
    """A bar's ends are placed by the logarithm of its time within the panel's ticks: 2 h on
    a 1 h–4 h scale is exactly half way."""
    ticks = [(1.0, "1 h"), (2.0, "2 h"), (4.0, "4 h")]
    assert time_course._x(2, ticks, 100, 200) == pytest.approx(200)
    assert time_course._x(0, ticks, 100, 200) == 100  # "within": from the panel's start
    assert time_course._x(99, ticks, 100, 200) == 300  # never past the panel
