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




@dataclass(frozen=True)
class Unseen:
    """A part of a rule-giving table that no stored copy showed: its rules may be missing."""
    key: str
    item: OutlineItem


def unseen_rule_items(corpus: Corpus) -> list[Unseen]:
    """Outline items marked not seen that belong to a table the rules cite.

    A rule citing "§2.4 Table 2" makes every not-seen item under "§2.4 Table 2, …" a part of
    that table whose rules this site cannot show. Derived from the outlines alone, so the line
    that names them goes away when an editor marks the items seen and adds their rules.
    """
    tables: dict[str, set[str]] = {}
    for rule in corpus.rules():
        for s in rule.sources:
            if s.key in corpus.outlines:
                for item in match(corpus.outlines[s.key], s.locator)[0]:
                    tables.setdefault(s.key, set()).add(item.locator.split(",")[0])
    return [Unseen(key, item) for key, prefixes in tables.items()
            for item in corpus.outlines[key].items
            if item.status == "not-seen"
            and any(item.locator.startswith(p + ",") for p in prefixes)]


def summary(corpus: Corpus) -> list[str]:
    """One line per source outline: how many of its items the site covers, and which it left
    out or could not see (by locator), so `il2ref validate` shows every section of a label."""
    used = coverage(corpus)
    lines = []
    for key, outline in corpus.outlines.items():
        covered = [i for i in outline.items if i.status == "expected" and used[key][i.locator]]
        todo = [i.locator for i in outline.items if i.status == "expected"
                and not used[key][i.locator]]
        left = [i.locator for i in outline.items if i.status == "left-out"]
        unseen = [i.locator for i in outline.items if i.status == "not-seen"]
        parts = [f"{len(covered)} of {len(outline.items)} items covered"]
        for name, items in (("to cover", todo), ("left out", left), ("not seen", unseen)):
            if items:
                parts.append(f"{name}: {'; '.join(items)}")  # locators hold commas
        lines.append(f"{corpus.bib_labels.get(key, key)} ({key}): " + " | ".join(parts))
    return lines
