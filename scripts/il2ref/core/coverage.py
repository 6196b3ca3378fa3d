"""Which statements and rules cite each item of a source's outline, read from their locators.

A locator names one or more items joined by " and "; after an item may come a qualifier that
starts with a comma or a bracket ("Table 3, renal row", "Boxed Warning (AHFS copy)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from il2ref.core.model import Corpus, Outline, OutlineItem

_AND = re.compile(r" and ")


def _starts(text: str, item: OutlineItem) -> bool:
    rest = text[len(item.locator):]
    return text.startswith(item.locator) and (not rest or rest.startswith((" and ", ", ", " (")))


def match(outline: Outline, locator: str) -> tuple[list[OutlineItem], list[str]]:
    """(items the locator names, parts of it that name no item).

    Read from the left: the longest item the text starts with, then its qualifier (after a
    comma or in brackets), up to an " and " that starts another item. Item names may hold
    "and" themselves ("Dosage and Administration"), so the text is not simply split on it.
    """
    items = sorted(outline.items, key=lambda i: -len(i.locator))
    named: list[OutlineItem] = []
    unknown: list[str] = []
    text = locator.strip()
    while text:
        item = next((i for i in items if _starts(text, i)), None)
        start = len(item.locator) if item else 0
        # Where the next item begins: after an " and " that is followed by one.
        cut = next((m.start() for m in _AND.finditer(text, start)
                    if any(_starts(text[m.end():], i) for i in items)), len(text))
        if item is None:
            unknown.append(text[:cut])
        else:
            named.append(item)
        text = text[cut + len(" and "):] if cut < len(text) else ""
    return named, unknown


@dataclass(frozen=True)
class Use:
    """One statement or rule that cites an outline item."""
    id: str
    page: str
    kind: str  # "statement" or "rule"


def coverage(corpus: Corpus) -> dict[str, dict[str, list[Use]]]:
    """citation key -> item locator -> the statements and rules that cite it."""
    out: dict[str, dict[str, list[Use]]] = {
        key: {item.locator: [] for item in outline.items}
        for key, outline in corpus.outlines.items()}
    for page in corpus.pages:
        cited = [(e.id, "statement", e.sources) for e in page.excerpts()]
        cited += [(r.id, "rule", r.sources) for r in page.rules]
        for ident, kind, sources in cited:
            for s in sources:
                if s.key in corpus.outlines:
                    for item in match(corpus.outlines[s.key], s.locator)[0]:
                        uses = out[s.key][item.locator]
                        if not uses or uses[-1].id != ident:
                            uses.append(Use(ident, page.slug, kind))
    return out


