"""The review line under every generated page's title: status and the three dates."""

from __future__ import annotations

import datetime as dt
from html import escape

from il2ref.core.review import Review

_NOTICE = {
    "under-review": ('warning', "Under review",
                     "An editor is checking this page against its sources again. Check each "
                     "statement's source before acting on it."),
    "superseded": ('danger', "Superseded",
                   "Kept for the record only: do not act on this page."),
}


def review_markdown(r: Review, *, today: dt.date) -> str:
    """HTML (schema-checked dates and the schema's titles, escaped all the same), plus a
    notice when the page is not current or is overdue for review."""
    through = escape(r.evidence_through or "not known")
    basis = "" if r.evidence_basis == "editor" else f" (year of the {escape(r.evidence_basis)})"
    overdue = r.overdue(today)
    line = (f'<p class="page-review" data-status="{escape(r.status)}">'
            f'<span>Status: <strong>{escape(r.status_title)}</strong></span> · '
            f'<span>Last reviewed <time datetime="{escape(r.reviewed)}">{escape(r.reviewed)}'
            f'</time></span> · <span>Evidence current through {through}{basis}</span> · '
            f'<span>Next review due <time datetime="{escape(r.due)}">{escape(r.due)}</time>'
            f'{" (overdue)" if overdue else ""}</span></p>')
    notices = []
    if r.status in _NOTICE:
        kind, title, text = _NOTICE[r.status]
        notices.append(f'!!! {kind} "{title}"\n\n    {text}')
    if overdue:
        notices.append(f'!!! warning "Review overdue"\n\n    This page was due for review on '
                       f"{escape(r.due)}. Its content may not reflect newer sources.")
    return "\n\n".join([line, *notices])
