"""Load every page file and references.bib, check shape and references, build the model.

Every problem in every file is collected before anything fails, so an editor fixes them in one pass.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from il2ref.core import coverage, dosing
from il2ref.core.diagnostics import Diagnostic, Severity, ValidationFailed, errors
from il2ref.core.model import Corpus, Outline, Page, page_from_data
from il2ref.core.rules import TOPICS
from il2ref.core.units import BARE_UNIT, BRACES, parse_lab
from il2ref.load import bibliography, outlines, shape, yaml_source

DATA_DIR = Path("docs/data")
BIB_FILE = Path("references.bib")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _walk(node: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, [*path, k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, [*path, i])


def data_files(root: Path) -> list[Path]:
    folder = root / DATA_DIR
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def _place_of(doc: yaml_source.YamlDocument, path: list[str | int],
              needle: str) -> tuple[int, int]:
    """Line and column of `needle` in the file, searched from the start of the field's value
    (a folded value keeps its text on one line unless it is broken there), else the field's."""
    line, col = doc.position(path)
    lines = doc.text.splitlines(keepends=True)
    start = sum(len(x) for x in lines[:line - 1]) + col - 1
    at = doc.text.find(needle, start) if needle else -1
    if at < 0:
        return line, col
    before = doc.text[:at]
    return before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1


def _lab_values(doc: yaml_source.YamlDocument, path: list[str | int],
                obj: dict[str, Any]) -> list[Diagnostic]:
    """Lab values in prose go through `{creatinine 3 mg/dL}` (so SI units are computed), and
    each one is read by one strict number grammar: anything else in braces is an error here,
    at its own line and column."""
    found = []
    for name in ("claim", "criterion", "resume"):
        text = obj.get(name)
        if not isinstance(text, str):
            continue
        field = shape.field_name([*path, name])
        for m in BRACES.finditer(text):
            parsed = parse_lab(m[1])
            if isinstance(parsed, str):
                line, col = _place_of(doc, [*path, name], m[0])
                found.append(Diagnostic(doc.path, line, col, field, parsed, "E040"))
        rest = BRACES.sub("", text)
        bare = BARE_UNIT.search(rest)
        problem: str | None = None
        if bare:
            problem = (f"write lab values as {{creatinine 2.5–2.9 mg/dL}}, "
                       f"{{bilirubin 7 mg/dL}} or {{platelets 50,000 /mm3}} so the SI value "
                       f"is added; found {bare.group(0)!r} outside braces")
            needle = bare.group(0)
        elif "{" in rest or "}" in rest:
            problem = "a brace is not closed: lab values are written {creatinine 3 mg/dL}"
            needle = "{" if "{" in rest else "}"
        if problem:
            line, col = _place_of(doc, [*path, name], needle)
            found.append(Diagnostic(doc.path, line, col, field, problem, "E040"))
    return found


def _label_version(doc: yaml_source.YamlDocument, path: list[str | int], obj: dict[str, Any],
                   labels: dict[str, str]) -> list[Diagnostic]:
    """Never mix the 2024 and legacy labels silently: the cited label must match the version."""
    sources = obj.get("sources")
    if not isinstance(sources, list):
        return []
    cited = {labels[s["key"]] for s in sources  # a key of the wrong type: a schema error
             if isinstance(s, dict) and isinstance(s.get("key"), str) and s["key"] in labels}
    declared = obj.get("label_version")
    if not isinstance(declared, str):  # a value of the wrong type is a schema error already
        declared = None
    framework = obj.get("framework", "")
    if isinstance(framework, str) and framework.startswith("label-"):
        declared = framework.removeprefix("label-")
    problem, name = None, "label_version" if "label_version" in obj else "sources"
    if len(cited) > 1:
        problem = "cites both the 2024 and the legacy label; split it into two statements"
    elif cited and declared and declared not in cited:
        problem = f"says label version {declared!r} but cites the {cited.pop()!r} label"
    elif cited and not declared and "claim" in obj and obj.get("evidence") != "label":
        # (evidence: label without a version is already a schema error)
        problem = f"cites the {cited.pop()!r} label: add its label_version"
    if not problem:
        return []
    line, col = doc.position([*path, name])
    return [Diagnostic(doc.path, line, col, shape.field_name([*path, name]), problem, "E042")]


# Where an id was first seen: its document and field path (a line is found only if needed).
_Place = tuple[yaml_source.YamlDocument, list[str | int]]


def _locator(doc: yaml_source.YamlDocument, path: list[str | int], source: dict[str, Any],
             outline: Outline) -> list[Diagnostic]:
    """A locator of a source with an outline must name its items; an item nobody could read
    can only back an unverified statement, and an item marked left out is not cited."""
    locator = source.get("locator")
    if not isinstance(locator, str) or not locator.strip():
        return []  # a schema error already
    named, unknown = coverage.match(outline, locator)
    statement = doc.data
    for part in path[:-2]:
        statement = statement[part]
    problems = []
    for part in unknown:
        problems.append((f"{part!r} names no item in the outline of {outline.source} "
                         f"({outline.path}); write one of its items, or add the item there",
                         "E045"))
    for item in named:
        if item.status == "not-seen" and statement.get("status") != "unverified":
            problems.append((f"cites {item.locator!r}, which {outline.path} marks as not seen "
                             f"({item.reason}); mark the statement status: unverified, or read "
                             "the text and update the outline", "E046"))
        if item.status == "left-out":
            problems.append((f"cites {item.locator!r}, which {outline.path} marks as left out; "
                             "remove that mark from the outline", "E047"))
    if not problems:
        return []
    line, col = doc.position([*path, "locator"])
    field = shape.field_name([*path, "locator"])
    return [Diagnostic(doc.path, line, col, field, message, code) for message, code in problems]


# Anchors the page template writes itself, besides those of sections, statements and rules.
_PAGE_ANCHORS = {"references"}


def _anchors(doc: yaml_source.YamlDocument, sections: dict[str, _Place],
             entries: set[str]) -> list[Diagnostic]:
    """A section's anchor may not repeat a statement's or rule's on the same page (`entries`),
    nor one the page writes itself: a link would land on the first of the two."""
    found = []
    for ident, (_, path) in sections.items():
        if ident in entries or ident in _PAGE_ANCHORS:
            line, col = doc.position(path)
            what = "the References heading" if ident in _PAGE_ANCHORS else "a statement or rule"
            found.append(Diagnostic(doc.path, line, col, shape.field_name(path),
                                    f"section id {ident!r} is also the anchor of {what} on "
                                    "this page; choose another", "E024"))
    return found


def _unused_topics(corpus: Corpus) -> list[Diagnostic]:
    """A topic in the controlled list that nothing uses is reported (it may be a typo's twin)."""
    used = {p.topic for p in corpus.pages} | {e.topic for e in corpus.excerpts()} | {
        r.system for r in corpus.rules()}
    return [Diagnostic("scripts/il2ref/core/page.schema.json", 1, 1, "$defs.topic",
                       f"topic {topic!r} is in the controlled list but no page, statement or "
                       "rule uses it", "N036", Severity.NOTE)
            for topic in TOPICS if topic not in used]


def _finding_place(doc: yaml_source.YamlDocument, path: list[str | int], finding: str,
                   seen: dict[str, _Place]) -> list[Diagnostic]:
    """The rules of one finding are shown side by side in one page's table: one page each."""
    if finding not in seen:
        seen[finding] = (doc, [*path, "finding"])
        return []
    first, first_path = seen[finding]
    if first.path == doc.path:
        return []
    line, col = doc.position([*path, "finding"])
    return [Diagnostic(doc.path, line, col, shape.field_name([*path, "finding"]),
                       f"finding {finding!r} is also used at {first.path}:"
                       f"{first.position(first_path)[0]}; rules that share a finding must sit on "
                       "the same page, so that every side shows together", "E044")]


def _dosing(doc: yaml_source.YamlDocument, page: Page, seen: list[str]) -> list[Diagnostic]:
    """The Dose calculator's constants: on one page only, and usable by its arithmetic."""
    if page.dosing is None:
        return []
    found = []
    if seen:
        line, col = doc.position(["dosing"])
        found.append(Diagnostic(doc.path, line, col, "dosing",
                                f"the Dose calculator's constants are already given in "
                                f"{seen[0]}; give them on one page only", "E049"))
    seen.append(doc.path)
    for path, message in dosing.problems(page.dosing):
        line, col = doc.position(["dosing", *path])
        found.append(Diagnostic(doc.path, line, col, shape.field_name(["dosing", *path]),
                                message, "E048"))
    return found


def load_corpus(root: Path) -> tuple[Corpus, list[Diagnostic]]:
    """Read and check everything under `root`. Never raises for editor mistakes."""
    diagnostics: list[Diagnostic] = []
    bib, bib_problems = bibliography.load(root / BIB_FILE, str(BIB_FILE))
    diagnostics += bib_problems

    corpus = Corpus(bib_keys=dict(bib.keys), bib_years=bib.years, bib_labels=bib.labels,
                    bib_fields=bib.fields, bib_text=bib.text)
    ids: dict[str, _Place] = {}
    findings: dict[str, _Place] = {}  # a shared finding -> where its first rule is
    dosing_at: list[str] = []  # the files that give the Dose calculator's constants
    cited: set[str] = set()
    files = data_files(root)
    if not files:
        diagnostics.append(Diagnostic(str(DATA_DIR), 1, 1, "(folder)",
                                      "no page files (*.yaml) found", "E005"))

    corpus.outlines, outline_problems = outlines.load_outlines(root, bib.keys)
    diagnostics += outline_problems
    for file in files:
        display = file.relative_to(root).as_posix()
        doc, problems = yaml_source.load(file, display)
        diagnostics += problems
        if doc is None:
            continue
        corpus.documents[file.name] = doc.data
        if not _SLUG.match(file.stem):
            diagnostics.append(Diagnostic(display, 1, 1, "(file name)",
                                          "file name must be lower-case words joined by hyphens",
                                          "E017"))
        wrong_shape = shape.check(doc)
        diagnostics += wrong_shape

        section_ids: dict[str, _Place] = {}  # anchors: unique within a page only
        entry_ids: set[str] = set()  # statements' and rules' anchors on this page
        for path, obj in _walk(doc.data, []):
            ident = obj.get("id")
            if isinstance(ident, str) and path:
                seen = section_ids if path[0] == "sections" and len(path) == 2 else ids
                if seen is ids:
                    entry_ids.add(ident)
                if ident in seen:
                    line, col = doc.position([*path, "id"])
                    first, first_path = seen[ident]
                    diagnostics.append(Diagnostic(
                        display, line, col, shape.field_name([*path, "id"]),
                        f"id {ident!r} is already used at "
                        f"{first.path}:{first.position(first_path)[0]}", "E021"))
                else:
                    seen[ident] = (doc, [*path, "id"])  # its line is looked up if needed
            if path and path[-2:-1] == ["sources"] and isinstance(obj.get("key"), str):
                key = obj["key"]
                cited.add(key)
                if key in corpus.outlines:
                    diagnostics += _locator(doc, path, obj, corpus.outlines[key])
                if bib.keys and key not in bib.keys:
                    near = difflib.get_close_matches(key, bib.keys, n=1)
                    hint = f"; did you mean {near[0]!r}?" if near else ""
                    line, col = doc.position([*path, "key"])
                    diagnostics.append(Diagnostic(
                        display, line, col, shape.field_name([*path, "key"]),
                        f"unknown citation key {key!r}: not in references.bib{hint}", "E020"))
            finding = obj.get("finding")
            if len(path) == 2 and path[0] == "rules" and isinstance(finding, str):
                diagnostics += _finding_place(doc, path, finding, findings)
            diagnostics += _lab_values(doc, path, obj)
            diagnostics += _label_version(doc, path, obj, bib.label_versions)
        diagnostics += _anchors(doc, section_ids, entry_ids)

        if not wrong_shape and isinstance(doc.data, dict):
            corpus.pages.append(page_from_data(file.stem, display, doc.data))
            diagnostics += _dosing(doc, corpus.pages[-1], dosing_at)
        doc.forget_nodes()  # `ids` keeps the document: keep only its text

    if not errors(diagnostics):
        diagnostics += outlines.uncovered_notes(corpus)
        diagnostics += _unused_topics(corpus)
        for key, line in bib.keys.items():
            if key not in cited:
                diagnostics.append(Diagnostic(
                    str(BIB_FILE), line, 1, key, "entry is not cited by any page",
                    "W034", Severity.WARNING))
    corpus.pages.sort(key=lambda p: (p.group, p.order, p.slug))
    return corpus, sorted(diagnostics, key=lambda d: (d.path, d.line, d.col, d.code))


def require_corpus(root: Path) -> tuple[Corpus, list[Diagnostic]]:
    """Like load_corpus, but raise ValidationFailed carrying every problem if any is an error."""
    corpus, diagnostics = load_corpus(root)
    if errors(diagnostics):
        raise ValidationFailed(diagnostics)
    return corpus, diagnostics
