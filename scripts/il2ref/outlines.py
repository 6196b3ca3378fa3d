"""Source outlines: what each key source contains, which locators may cite it, and how much of
it the site covers. Loading reports problems as diagnostics; matching and coverage are pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import schema, yaml_source
from .diagnostics import Diagnostic, Severity
from .model import Corpus, Outline, OutlineItem, outline_from_data

OUTLINE_DIR = Path("docs/data/sources")
# A locator names one or more items joined by " and "; after an item may come a qualifier
# that starts with a comma or a bracket ("Table 3, renal row", "Boxed Warning (AHFS copy)").
_AND = re.compile(r" and ")


def load_outlines(root: Path, bib_keys: dict[str, int], cache_dir: Path | None
                  ) -> tuple[dict[str, Outline], list[Diagnostic]]:
    outlines: dict[str, Outline] = {}
    found: list[Diagnostic] = []
    for file in sorted((root / OUTLINE_DIR).glob("*.yaml")):
        display = file.relative_to(root).as_posix()
        doc, problems = yaml_source.load(file, display)
        found += problems
        if doc is None:
            continue
        shape = schema.check(doc, cache_dir, definition="outline")
        found += shape
        if problems or shape:
            continue
        data = doc.data
        key = data["source"]
        if key != file.stem:
            line, col = doc.position(["source"])
            found.append(Diagnostic(display, line, col, "source",
                                    f"the file for {key!r} must be named {key}.yaml", "E017"))
        if bib_keys and key not in bib_keys:
            line, col = doc.position(["source"])
            found.append(Diagnostic(display, line, col, "source",
                                    f"unknown citation key {key!r}: not in references.bib",
                                    "E020"))
        seen: dict[str, int] = {}
        for i, item in enumerate(data["items"]):
            if item["locator"] in seen:
                line, col = doc.position(["items", i, "locator"])
                found.append(Diagnostic(
                    display, line, col, f"items[{i}].locator",
                    f"item {item['locator']!r} is listed twice "
                    f"(first as items[{seen[item['locator']]}])", "E021"))
            seen.setdefault(item["locator"], i)
        places = [doc.position(["items", i]) for i in range(len(data["items"]))]
        outlines[key] = outline_from_data(display, data, places)
    return outlines, found


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


def uncovered_notes(corpus: Corpus) -> list[Diagnostic]:
    """One note per item the site should cover and does not yet (for `make validate`)."""
    notes = []
    for key, items in coverage(corpus).items():
        outline = corpus.outlines[key]
        for n, item in enumerate(outline.items):
            if item.status == "expected" and not items[item.locator]:
                notes.append(Diagnostic(outline.path, item.line, item.col, f"items[{n}]",
                                        f"{item.locator} ({item.title}) is not covered yet",
                                        "N050", Severity.NOTE))
    return notes
