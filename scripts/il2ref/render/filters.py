"""The filter forms that rule-filters.js drives: the all-rules tables on the management page
and the list of statements by source. One form, one script: each form names the items it
narrows (`data-items`), the blocks that go when none of their items is left (`data-groups`)
and what its count line calls the items (`data-noun`); each select reads one data attribute
of the items (`data-filter="evidence"` reads `data-evidence`)."""

from __future__ import annotations

from collections import Counter
from html import escape as attr

from il2ref.core.rules import EVIDENCE


def select(key: str, label: str, counts: Counter[str], names: dict[str, str],
           every: str) -> str:
    """One <select>: every value with its count, in the order of `names` (the schema's)."""
    options = [f'<option value="">{attr(every)} ({counts.total()})</option>']
    options += [f'<option value="{attr(value)}">{attr(name)} ({counts[value]})</option>'
                for value, name in names.items() if counts[value]]
    return (f'<label class="rule-filter">{attr(label)} <select data-filter="{attr(key)}">'
            f'{"".join(options)}</select></label>')


def evidence_select(counts: Counter[str]) -> str:
    return select("evidence", "Evidence", counts, EVIDENCE, "All evidence")


def form(selects: list[str], *, name: str, items: str, groups: str, noun: str) -> str:
    """The form, hidden until rule-filters.js runs: without script, everything shows and there
    are no dead controls. Printed pages leave it out (extra.css)."""
    return (f'<form class="rule-filters" data-rule-filters hidden aria-label="{attr(name)}" '
            f'data-items="{attr(items)}" data-groups="{attr(groups)}" data-noun="{attr(noun)}">'
            f'{"".join(selects)}<button type="reset" class="md-button">Show all</button>'
            '<p class="rule-count" role="status"></p></form>')
