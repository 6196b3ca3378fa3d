"""Provenance views: every statement by source, evidence freshness, and what changed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from il2ref.core.evidence import kind_of
from il2ref.core.model import Corpus, Excerpt, Page, Rule
from il2ref.core.review import STATUSES, Review, review
from il2ref.core.rules import ACTIONS, FRAMEWORKS
from il2ref.render.evidence import badge
from il2ref.render.filters import evidence_select, form
from il2ref.render.inline import prose
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted


@dataclass(frozen=True)
class Record:
    id: str
    text: Trusted
    page: Page
    locator: str
    evidence: str  # its evidence type (a rule: its source's), which the evidence filter reads
    badge: Trusted


def by_source(corpus: Corpus) -> list[tuple[str, str, list[Record]]]:
    """(key, 'Author year', records) for every cited source, most-cited first."""
    records: dict[str, list[Record]] = {}
    for page in corpus.pages:
        items: list[Excerpt | Rule] = [*page.excerpts(), *page.rules]
        for item in items:
            if isinstance(item, Rule):
                text = Trusted(f"{FRAMEWORKS[item.framework]}, {ACTIONS[item.action].lower()}: "
                               f"{prose(item.criterion)}")
            else:
                text = prose(item.claim)
            kind, mark = kind_of(item).evidence, badge(item)
            for s in item.sources:
                records.setdefault(s.key, []).append(
                    Record(item.id, text, page, s.locator, kind, mark))
    order = sorted(records, key=lambda k: (-len(records[k]), k))
    return [(k, corpus.bib_labels.get(k, k), records[k]) for k in order]


def by_source_markdown(corpus: Corpus) -> str:
    sources = by_source(corpus)
    counts = Counter(r.evidence for _, _, recs in sources for r in recs)
    filters = form([evidence_select(counts)], name="Narrow the statements by evidence",
                   items="li[data-record]", groups=".source-records",
                   noun="listed statements and rules")
    return template("by-source.md.j2").render(filters=Trusted(filters), sources=[
        (Trusted(k), label, recs) for k, label, recs in sources])


@dataclass(frozen=True)
class Freshness:
    page: Page
    review: Review
    oldest: int | str  # year of the oldest source, or "—"
    newest: int | str
    unverified: int
    overdue: bool

    @property
    def reviewed(self) -> str:
        return self.review.reviewed


def freshness(corpus: Corpus, *, today: dt.date, interval_days: int) -> list[Freshness]:
    rows = []
    for page in corpus.pages:
        keys = {s.key for s in page.sources()}
        years = sorted(int(y) for k in keys if (y := corpus.bib_years.get(k, "")).isdigit())
        state = review(page, corpus, interval_days=interval_days)
        unverified = sum(e.status == "unverified" for e in page.excerpts()) + sum(
            r.status == "unverified" for r in page.rules)
        rows.append(Freshness(page, state, years[0] if years else "—",
                              years[-1] if years else "—", unverified, state.overdue(today)))
    return rows


def freshness_markdown(rows: list[Freshness], *, today: dt.date,
                       interval_days: int) -> str:
    """Grouped by status (in the schema's order), each group by next review date."""
    groups = [(title, sorted((r for r in rows if r.review.status == status),
                             key=lambda r: (r.review.due, r.page.title)))
              for status, title in STATUSES.items()]
    return template("freshness.md.j2").render(
        groups=[(title, members) for title, members in groups if members],
        interval=interval_days, today=today.isoformat(),
        overdue=[r for r in rows if r.overdue])
