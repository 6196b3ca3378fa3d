"""A page's review state: last reviewed, evidence current through, next review due, status.

One computation for the page's own header, the freshness report and the data edition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from il2ref.core.model import Corpus, Page, PageStatus
from il2ref.core.rules import PAGE_STATUSES as STATUSES


@dataclass(frozen=True)
class Review:
    reviewed: str  # YYYY-MM-DD
    evidence_through: str  # YYYY-MM-DD (an editor's) or YYYY (the newest source's year), or ""
    evidence_basis: str  # "editor", "newest source cited" or "no dated source"
    due: str  # YYYY-MM-DD
    status: PageStatus

    @property
    def status_title(self) -> str:
        return STATUSES[self.status]

    def overdue(self, today: dt.date) -> bool:
        return dt.date.fromisoformat(self.due) < today


def newest_source_year(page: Page, corpus: Corpus) -> str:
    years = [y for k in {s.key for s in page.sources()}
             if (y := corpus.bib_years.get(k, "")).isdigit()]
    return max(years, default="")


def review(page: Page, corpus: Corpus, *, interval_days: int) -> Review:
    due = dt.date.fromisoformat(page.reviewed) + dt.timedelta(days=interval_days)
    if page.evidence_through:
        through, basis = page.evidence_through, "editor"
    else:
        through = newest_source_year(page, corpus)
        basis = "newest source cited" if through else "no dated source"
    return Review(page.reviewed, through, basis, due.isoformat(), page.status)


def combined(reviews: list[Review]) -> Review:
    """The state of a page built from several pages (the card, the bedside tools): as old as
    its least recently reviewed part, due when the first part falls due, and not current if
    any part is not."""
    order = list(STATUSES)
    through = [r.evidence_through for r in reviews if r.evidence_through]
    return Review(
        reviewed=min(r.reviewed for r in reviews),
        evidence_through=max(through, default=""),
        evidence_basis="newest source its parts cite" if through else "no dated source",
        due=min(r.due for r in reviews),
        status=max((r.status for r in reviews), key=order.index))
