"""A page's time course: when its statements say each toxicity starts, is worst, is present and
settles, drawn as an SVG chart with the same data as a table beside it.

Drawn here rather than with a charting library: the chart is a few rows of bars on up to four
logarithmic scales, and it has to be inline SVG the build writes (no script, no remote file),
so it prints, works from file://, follows the dark scheme through CSS and links each bar to its
statement. The table is the text alternative, the part screen readers and search read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from il2ref.core.model import Corpus, Excerpt, Page, Regimen, Timing
from il2ref.core.schema import schema
from il2ref.core.units import number_text
from il2ref.render.markup import Trusted, attribute, escape

HOURS = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0, "weeks": 24.0 * 7, "months": 24.0 * 30}
# Each panel's scale: the ticks it may show (hours, label); its ends are the ticks around the data.
TICKS: dict[str, list[tuple[float, str]]] = {
    "each-dose": [(0.25, "15 min"), (0.5, "30 min"), (1, "1 h"), (2, "2 h"), (4, "4 h"),
                  (8, "8 h"), (24, "24 h")],
    "start": [(1, "1 h"), (6, "6 h"), (24, "1 d"), (72, "3 d"), (168, "1 wk"), (336, "2 wk"),
              (720, "1 mo"), (2160, "3 mo"), (4320, "6 mo"), (8760, "1 yr")],
    "last-dose": [(1, "1 h"), (6, "6 h"), (24, "1 d"), (72, "3 d"), (168, "1 wk"),
                  (336, "2 wk"), (720, "1 mo"), (2160, "3 mo"), (4320, "6 mo"),
                  (8760, "1 yr")],
}
TICKS["discharge"] = TICKS["last-dose"]
PANEL_ORDER = ("each-dose", "start", "last-dose", "discharge")
PANEL_TITLES = {"each-dose": "After each dose", "start": "From the start",
                "last-dose": "After the last dose", "discharge": "After discharge"}
# Geometry of the drawing, in SVG user units: the figure scales down to 80% of its width, then
# scrolls sideways in its own box (a phone).
MIN_WIDTH, PANEL_MIN, LABEL_MAX, CHAR_W = 760, 150, 250, 6.3
GAP, PAD, TOP, LANE, LINE, ROW_PAD, MIN_TICK_GAP, RIGHT = 18, 14, 40, 13, 12, 6, 34, 14


@cache
def _titles(name: str) -> dict[str, str]:
    options = schema()["$defs"]["timing"]["properties"][name]["oneOf"]
    return {o["const"]: o["title"] for o in options}


@dataclass(frozen=True)
class Mark:
    excerpt: Excerpt
    timing: Timing
    page: Page


def marks(pages: list[Page]) -> list[Mark]:
    return [Mark(e, t, p) for p in pages for e in p.excerpts() for t in e.timing]


def when(t: Timing) -> str:
    """'1–2 hours after each dose', 'within 7 days after the last dose'."""
    unit = t.unit[:-1] if t.high == 1 and t.low in (0, 1) else t.unit
    if t.low == 0:
        span = f"within {number_text(t.high)} {unit}"
    elif t.low == t.high:
        span = f"{number_text(t.high)} {unit}"
    else:
        span = f"{number_text(t.low)}–{number_text(t.high)} {unit}"
    return f"{span} after {_titles('after')[t.after]}"


def _row_name(m: Mark, regimens: set[Regimen]) -> str:
    if len(regimens) > 1 or m.timing.regimen != "high-dose":
        return f"{m.timing.what} ({_titles('regimen')[m.timing.regimen]})"
    return m.timing.what


def _domain(panel: str, ms: list[Mark]) -> list[tuple[float, str]]:
    """The panel's ticks from the one at or below its earliest time to the one at or above its
    latest: every bar fits, and the scale is no wider than the data needs."""
    ticks = TICKS[panel]
    hours = [h for m in ms for h in (m.timing.low * HOURS[m.timing.unit],
                                     m.timing.high * HOURS[m.timing.unit]) if h > 0]
    low = max([t for t in ticks if t[0] <= min(hours)] or [ticks[0]], key=lambda t: t[0])
    high = min([t for t in ticks if t[0] >= max(hours)] or [ticks[-1]], key=lambda t: t[0])
    shown = [t for t in ticks if low[0] <= t[0] <= high[0]]
    if len(shown) < 2:  # one time only: a tick either side
        i = ticks.index(shown[0])
        shown = ticks[max(i - 1, 0):i + 2]
    return shown


def _x(hours: float, ticks: list[tuple[float, str]], left: float, width: float) -> float:
    lo, hi = math.log10(ticks[0][0]), math.log10(ticks[-1][0])
    at = (math.log10(max(hours, ticks[0][0])) - lo) / (hi - lo)
    return left + width * min(max(at, 0.0), 1.0)


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _shown_ticks(ticks: list[tuple[float, str]], left: float,
                 width: float) -> list[tuple[float, str, float]]:
    """The ticks whose labels do not crowd the one before: the scale's ends always."""
    placed = [(h, text, _x(h, ticks, left, width)) for h, text in ticks]
    kept = [placed[0]]
    for tick in placed[1:-1]:
        if tick[2] - kept[-1][2] >= MIN_TICK_GAP and placed[-1][2] - tick[2] >= MIN_TICK_GAP:
            kept.append(tick)
    return [*kept, placed[-1]]


def figure(ms: list[Mark], href: Callable[[Mark, int], str], label: str) -> Trusted:
    """The chart: one row per toxicity (and regimen), one panel per point counted from, each
    bar a link. Block HTML with no blank line, so Markdown leaves it whole."""
    regimens = {m.timing.regimen for m in ms}
    named = len(regimens) > 1 or regimens != {"high-dose"}
    rows: dict[tuple[str, str], list[tuple[int, Mark]]] = {}
    for n, m in enumerate(ms):
        rows.setdefault((m.timing.what, m.timing.regimen), []).append((n, m))
    panels = [p for p in PANEL_ORDER if any(m.timing.after == p for m in ms)]
    label_w = min(max(len(what) for what, _ in rows) * CHAR_W + 14, LABEL_MAX)
    width = max(MIN_WIDTH, label_w + len(panels) * (PANEL_MIN + GAP) + RIGHT)
    panel_w = (width - RIGHT - label_w - GAP * len(panels)) / len(panels)
    scales = {p: _domain(p, [m for m in ms if m.timing.after == p]) for p in panels}
    lefts = {p: label_w + GAP + i * (panel_w + GAP) for i, p in enumerate(panels)}
    inner = {p: (lefts[p] + PAD, panel_w - 2 * PAD) for p in panels}

    # Bars in one row and panel that overlap go on separate lanes.
    lanes: dict[int, int] = {}
    heights: dict[tuple[str, str], float] = {}
    for key, row in rows.items():
        used: dict[str, list[list[tuple[float, float]]]] = {}
        for n, m in row:
            t = m.timing
            span = (t.low * HOURS[t.unit], t.high * HOURS[t.unit])
            taken = used.setdefault(t.after, [])
            lane = next((i for i, spans in enumerate(taken)
                         if all(span[1] < s[0] or span[0] > s[1] for s in spans)), len(taken))
            if lane == len(taken):
                taken.append([])
            taken[lane].append(span)
            lanes[n] = lane
        lines = 2 if named else 1
        heights[key] = max(max(len(v) for v in used.values()) * LANE + 2 * ROW_PAD,
                           lines * LINE + 2 * ROW_PAD - 4)
    height = TOP + sum(heights.values()) + 4

    # Scales, rows and their names are drawing only (hidden from screen readers, which read
    # each bar's own name, and the table); the bars are the links.
    out: list[str] = []
    bars: list[str] = []
    for p in panels:
        x0, w = inner[p]
        out.append(f'<line class="tc-edge" x1="{_fmt(lefts[p] - GAP / 2)}" y1="0" '
                   f'x2="{_fmt(lefts[p] - GAP / 2)}" y2="{_fmt(height)}"/>'
                   f'<text class="tc-panel" x="{_fmt(lefts[p])}" y="13">'
                   f'{escape(PANEL_TITLES[p])}</text>')
        for _, text, x in _shown_ticks(scales[p], x0, w):
            out.append(f'<line class="tc-grid" x1="{_fmt(x)}" y1="{TOP - 8}" x2="{_fmt(x)}" '
                       f'y2="{_fmt(height)}"/><text class="tc-tick" x="{_fmt(x)}" '
                       f'y="{TOP - 13}" text-anchor="middle">{escape(text)}</text>')
    y = float(TOP)
    for (what, regimen), row in rows.items():
        h = heights[(what, regimen)]
        name = f'<tspan x="4" y="{_fmt(y + ROW_PAD + LINE - 3)}">{escape(what)}</tspan>'
        if named:
            name += (f'<tspan class="tc-regimen" x="4" dy="{LINE}">'
                     f'{escape(_titles("regimen")[regimen])}</tspan>')
        out.append(f'<line class="tc-row" x1="0" y1="{_fmt(y)}" x2="{width}" y2="{_fmt(y)}"/>'
                   f'<text class="tc-what">{name}</text>')
        for n, m in row:
            t = m.timing
            x0, w = inner[t.after]
            a = _x(t.low * HOURS[t.unit], scales[t.after], x0, w)
            b = _x(t.high * HOURS[t.unit], scales[t.after], x0, w)
            if t.low == 0:  # "within": from the panel's edge
                a = lefts[t.after]
            if b - a < 6:  # one time: a short bar centred on it
                a, b = a - 3, b + 3
            top = y + ROW_PAD + lanes[n] * LANE
            within = " tc-within" if t.low == 0 else ""
            said = f"{_row_name(m, regimens)}: {_titles('phase')[t.phase].lower()} {when(t)}"
            bars.append(f'<a href="{href(m, n)}" aria-label="{attribute(said)}">'
                        f'<title>{escape(said)}</title>'
                        f'<rect class="tc-{t.phase}{within}" x="{_fmt(a)}" y="{_fmt(top)}" '
                        f'width="{_fmt(b - a)}" height="{LANE - 3}" rx="2"/></a>')
        y += h
    out.append(f'<line class="tc-row" x1="0" y1="{_fmt(y)}" x2="{width}" y2="{_fmt(y)}"/>')
    svg = (f'<svg class="tc-chart" viewBox="0 0 {width} {_fmt(height)}" '
           f'style="min-width: {round(width * 0.8)}px" role="group" '
           f'aria-label="{attribute(label)}" xmlns="http://www.w3.org/2000/svg">'
           f'<g aria-hidden="true">{"".join(out)}</g>{"".join(bars)}</svg>')
    used_phases = [p for p in _titles("phase") if any(m.timing.phase == p for m in ms)]
    legend = "".join(f'<span class="tc-key"><svg viewBox="0 0 16 10" aria-hidden="true">'
                     f'<rect class="tc-{k}" x="1" y="1" width="14" height="8" rx="2"/></svg>'
                     f"{escape(_titles('phase')[k])}</span>" for k in used_phases)
    return Trusted('<figure class="time-course" data-search-exclude>'
                   f'<div class="tc-scroll">{svg}</div>'
                   f'<figcaption>{legend}<span class="tc-note">Each panel has its own '
                   "logarithmic time scale; a dashed bar reads “within” and starts at the "
                   "panel's edge. The same data is in the table below; each bar leads to its "
                   "statement.</span></figcaption></figure>")


def table(ms: list[Mark], link: Callable[[Mark, int], str], labels: dict[str, str],
          caption: str) -> Trusted:
    """The text alternative: a Markdown table, one row per bar, each with its source and a
    link to its statement (MkDocs rewrites and checks the link in every edition), captioned
    by pymdownx.blocks.caption as the site's other Markdown tables are."""
    regimens = {m.timing.regimen for m in ms}
    lines = ["| Toxicity | Phase | When | Source | Statement |", "|---|---|---|---|---|"]
    for n, m in enumerate(ms):
        t = m.timing
        source = "; ".join(f"{labels.get(s.key, s.key)}, {s.locator}" for s in m.excerpt.sources)
        mark = " (unverified)" if m.excerpt.status == "unverified" else ""
        lines.append(f'| <span id="tc-{n}"></span>{escape(_row_name(m, regimens))} | '
                     f"{escape(_titles('phase')[t.phase])} | {escape(when(t))} | "
                     f"{escape(source)}{mark} | {link(m, n)} |")
    return Trusted("\n".join([*lines, "", "/// table-caption", escape(caption), "///"]))


def page_chart(page: Page, corpus: Corpus) -> Trusted | None:
    """An organ page's chart and table: each bar leads to its statement on the page."""
    ms = marks([page])
    if not ms:
        return None
    return Trusted(figure(ms, lambda m, n: f"#{m.excerpt.id}",
                          f"Time course of {page.title}: chart")
                   + "\n\n" + table(ms, lambda m, n: f"[statement](#{m.excerpt.id})",
                                    corpus.bib_labels,
                                    f"The chart's data: {page.title}, times the sources give"))


def overview_chart(corpus: Corpus) -> Trusted | None:
    """Every page's timings on one chart (the management page): each bar leads to its row in
    the table, whose link leads to the statement on its own page (links inside raw SVG are not
    rewritten by MkDocs for the offline edition; Markdown links in the table are)."""
    ms = marks(sorted(corpus.pages, key=lambda p: (p.group != "Toxicities", p.order, p.slug)))
    if not ms:
        return None
    return Trusted(figure(ms, lambda m, n: f"#tc-{n}", "Time course of every toxicity: chart")
                   + "\n\n" + table(ms, lambda m, n: f"[{escape(m.page.title)}]"
                                                     f"({m.page.slug}.md#{m.excerpt.id})",
                                    corpus.bib_labels,
                                    "The chart's data: every page's times the sources give"))
