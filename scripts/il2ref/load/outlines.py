"""Source outlines: what each key source contains, which locators may cite it, and how much of
it the site covers. Loading reports problems as diagnostics; matching and coverage are pure."""

from __future__ import annotations

from pathlib import Path

from il2ref.core.coverage import coverage
from il2ref.core.diagnostics import Diagnostic, Severity
from il2ref.core.model import Corpus, Outline, outline_from_data
from il2ref.load import shape, yaml_source

OUTLINE_DIR = Path("docs/data/sources")


def load_outlines(root: Path,
                  bib_keys: dict[str, int]) -> tuple[dict[str, Outline], list[Diagnostic]]:
    outlines: dict[str, Outline] = {}
    found: list[Diagnostic] = []
    for file in sorted((root / OUTLINE_DIR).glob("*.yaml")):
        display = file.relative_to(root).as_posix()
        doc, problems = yaml_source.load(file, display)
        found += problems
        if doc is None:
            continue
        wrong = shape.check(doc, definition="outline")
        found += wrong
        if problems or wrong:
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
