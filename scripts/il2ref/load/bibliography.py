"""references.bib: parse with pybtex, and find each entry's line for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pybtex.database import BibliographyData, parse_string
from pybtex.database.input.bibtex import Parser as BibtexParser
from pybtex.scanner import PybtexSyntaxError

from il2ref.core.diagnostics import Diagnostic, Severity

# pybtex reports no line numbers for entries, so we find `@type{key,` lines ourselves.
_ENTRY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\n]*?)\s*,", re.MULTILINE)
_KEY_OK = re.compile(r"^[A-Za-z0-9_-]+$")
EXPORTED = ("year", "doi", "url", "pmid", "label_version", "verification")
_NEEDED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("title", "year"),
    "incollection": ("author", "title", "booktitle", "year"),
    "techreport": ("title", "year"),
    "misc": ("title",),
}


@dataclass
class Bibliography:
    path: str
    keys: dict[str, int] = field(default_factory=dict)  # key -> line
    # Which entries are US labels, and which version: from each entry's `label_version` field.
    label_versions: dict[str, str] = field(default_factory=dict)
    years: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # key -> 'Dutcher 2014'
    # key -> its type and the fields a program may want on their own (the data edition).
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    data: BibliographyData | None = None
    text: str = ""  # the file as written: pandoc reads it as is


@lru_cache(maxsize=2)
def parsed(text: str) -> BibliographyData:
    """pybtex's reading of the text (0.4 s at 2,000 entries): one per text, shared by the
    validation and mkdocs-bibtex (il2ref.site.citations.share_parse); neither changes it."""
    # The parser class, not its name: a name makes pybtex scan every installed package's
    # entry points to find it (~5 ms a build).
    return parse_string(text, BibtexParser)


def load(path: Path, display: str) -> tuple[Bibliography, list[Diagnostic]]:
    bib = Bibliography(display)
    found: list[Diagnostic] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return bib, [Diagnostic(display, 1, 1, "(file)", "references.bib is missing", "E030")]
    except UnicodeDecodeError:
        return bib, [Diagnostic(display, 1, 1, "(file)", "file is not UTF-8 text", "E002")]
    bib.text = text

    line, counted = 1, 0
    for match in _ENTRY.finditer(text):
        kind, key = match.group(1).lower(), match.group(2)
        line += text.count("\n", counted, match.start())  # running count: linear, not quadratic
        counted = match.start()
        if kind in ("comment", "preamble", "string"):
            continue
        if not _KEY_OK.match(key):
            found.append(Diagnostic(display, line, 1, key or "(key)",
                                    "citation key may use only letters, digits, _ and -", "E031"))
        if key in bib.keys:
            found.append(Diagnostic(display, line, 1, key,
                                    f"entry key is defined twice (first on line {bib.keys[key]})",
                                    "E033"))
            continue
        bib.keys[key] = line

    found += _unbalanced(text, display)
    if found:
        return bib, found
    try:
        bib.data = parsed(text)
    except PybtexSyntaxError as exc:
        line = getattr(exc, "lineno", None) or 1
        found.append(Diagnostic(display, line, 1, "(syntax)", str(exc), "E030"))
        return bib, found
    except Exception as exc:  # pybtex raises plain errors for e.g. repeated fields
        found.append(Diagnostic(display, 1, 1, "(syntax)", str(exc), "E030"))
        return bib, found

    for key, entry in bib.data.entries.items():
        if "label_version" in entry.fields:
            bib.label_versions[key] = str(entry.fields["label_version"])
        bib.years[key] = str(entry.fields.get("year", ""))
        bib.fields[key] = {"type": entry.type, **{
            name: str(entry.fields[name]) for name in EXPORTED if name in entry.fields}}
        bib.labels[key] = short_label(bib.data, key)
        needed = _NEEDED.get(entry.type.lower(), ("title",))
        missing = [f for f in needed if f not in entry.fields and f not in entry.persons]
        if missing:
            found.append(Diagnostic(display, bib.keys.get(key, 1), 1, key,
                                    f"entry lacks {', '.join(missing)}", "W032", Severity.WARNING))
    return bib, found


_NEXT_ENTRY = re.compile(r"\n[ \t]*@\w+\s*[{(]")
_FIELD_START = re.compile(r"\n\s*\w+\s*=")


def _unbalanced(text: str, display: str) -> list[Diagnostic]:
    """A brace never closed, or closed twice, at the brace itself. pybtex reports where it
    gave up (often the next entry, or the end of the file), which is not where to look. A
    field's value whose braces swallowed the next field's line is named as the culprit: its
    missing '}' is why the entry's own brace seems unclosed."""
    opened: list[tuple[int, int, int]] = []  # (line, column, offset) of each open brace
    swallowed: tuple[int, int] | None = None  # a field value that ran over another field
    line, start = 1, 0

    def unclosed(at: tuple[int, int], why: str) -> list[Diagnostic]:
        return [Diagnostic(display, at[0], at[1], "(syntax)", why, "E030")]

    for i, ch in enumerate(text):
        if ch == "\n":
            if opened and _NEXT_ENTRY.match(text, i):  # an entry starts inside another
                at = swallowed or opened[-1][:2]
                return unclosed(at, f"this '{{' is not closed before the entry on line {line + 1}")
            line, start = line + 1, i + 1
        elif ch == "{":
            if not opened:
                swallowed = None
            opened.append((line, i - start + 1, i))
        elif ch == "}":
            if not opened:
                return unclosed((line, i - start + 1), "this '}' closes nothing")
            o_line, o_col, o_at = opened.pop()
            if len(opened) == 1 and swallowed is None and _FIELD_START.search(text, o_at, i):
                swallowed = (o_line, o_col)
    if opened:
        return unclosed(swallowed or opened[-1][:2], "this '{' is never closed")
    return []


def short_label(data: BibliographyData, key: str) -> str:
    """'Dutcher 2014': first author's surname (or organisation) and year ('n.d.' for an
    undated web page, which has no year field); labels by version."""
    entry = data.entries[key]
    version = entry.fields.get("label_version")
    if version:
        return "US label 2024" if version == "2024" else "US label (legacy)"
    authors = entry.persons.get("author", [])
    name = (" ".join(authors[0].last_names) or str(authors[0])) if authors else key
    name = name.strip("{}")
    if name.lower() in ("unattributed", "others") or not name:
        # No author: the title's first words, as a reference list names an unsigned work (a
        # citation key such as "lay_overview" means nothing to a reader).
        title = entry.fields.get("title", "").replace("{", "").replace("}", "")
        words = title.split(":")[0].split()[:4]
        name = " ".join(words) if words else key
    return f"{name} {entry.fields.get('year', 'n.d.')}"
