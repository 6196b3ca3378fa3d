"""Load every page file and references.bib, check shape and references, build the model.

Every problem in every file is collected before anything fails, so an editor fixes them in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from il2ref.core import coverage, dosing
from il2ref.core.dates import build_date
from il2ref.core.diagnostics import Diagnostic, Severity, ValidationFailed, errors
from il2ref.core.model import Corpus, Outline, Page, page_from_data
from il2ref.core.rules import FRAMEWORKS, GROUPS, TOPICS
from il2ref.core.schema import prose_fields, schema_bytes
from il2ref.core.units import (
    BARE_UNIT,
    BRACES,
    implausible,
    measure_name,
    number_text,
    parse_lab,
)
from il2ref.load import bibliography, outlines, shape, yaml_source
from il2ref.load.vocabulary import load_vocabulary

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


def _prose(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    value: Any = obj
    for name in names:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _lab_values(doc: yaml_source.YamlDocument, path: list[str | int], obj: dict[str, Any],
                fields: tuple[tuple[str, ...], ...]) -> list[Diagnostic]:
    """Lab values in prose go through `{creatinine 3 mg/dL}` (so SI units are computed), and
    each one is read by one strict number grammar and checked against its measure's plausible
    range: anything else in braces is an error here, at its own line and column. `fields` are
    the schema's prose fields (claim, criterion, resume, a patient's text)."""
    found = []
    for names in fields:
        text = _prose(obj, names)
        if not isinstance(text, str):
            continue
        where = [*path, *names]
        field = shape.field_name(where)
        for m in BRACES.finditer(text):
            parsed = parse_lab(m[1])
            problem, code = (parsed, "E040") if isinstance(parsed, str) else (
                implausible(parsed), "E053")
            if problem:
                line, col = _place_of(doc, where, m[0])
                found.append(Diagnostic(doc.path, line, col, field, problem, code))
        rest = BRACES.sub("", text)
        bare = BARE_UNIT.search(rest)
        said: str | None = None
        if bare:
            said = (f"write lab values as {{creatinine 2.5–2.9 mg/dL}}, "
                    f"{{bilirubin 7 mg/dL}} or {{platelets 50,000 /mm3}} so the SI value "
                    f"is added; found {bare.group(0)!r} outside braces")
            needle = bare.group(0)
        elif "{" in rest or "}" in rest:
            said = "a brace is not closed: lab values are written {creatinine 3 mg/dL}"
            needle = "{" if "{" in rest else "}"
        if said:
            line, col = _place_of(doc, where, needle)
            found.append(Diagnostic(doc.path, line, col, field, said, "E040"))
    return found


def _threshold_sense(doc: yaml_source.YamlDocument, path: list[str | int],
                     obj: dict[str, Any]) -> list[Diagnostic]:
    """What the schema cannot say about a rule's threshold: a range runs from low to high, and
    a number the comparator does not read is not silently dropped. (Units, directions and
    plausible ranges are the schema's measure registry.)"""
    t = obj.get("threshold")
    if not (len(path) == 2 and path[0] == "rules" and isinstance(t, dict)):
        return []
    where = [*path, "threshold"]
    problems: list[tuple[str, str]] = []
    number = (int, float)
    low, high = t.get("low"), t.get("high")
    if t.get("comparator") == "range":
        if "value" in t:
            problems.append(("value", "a range is read from low and high: remove value, or use "
                                      "another comparator"))
        if isinstance(low, number) and isinstance(high, number) and not low < high:
            problems.append(("low", f"the range runs from {number_text(low)} to "
                                    f"{number_text(high)}: low must be below high (for one "
                                    "number, use another comparator)"))
    elif isinstance(t.get("comparator"), str):
        for name in ("low", "high"):
            if name in t:
                problems.append((name, f"{name} is read only when the comparator is range: "
                                       "remove it, or use comparator: range"))
    out = []
    for name, message in problems:
        line, col = doc.position([*where, name])
        out.append(Diagnostic(doc.path, line, col, shape.field_name([*where, name]), message,
                              "E054"))
    return out


_UNIT_WORDS = {"minutes": "minute", "hours": "hour", "days": "day", "weeks": "week",
               "months": "month"}
_HOURS = {"minutes": 1 / 60, "hours": 1, "days": 24, "weeks": 24 * 7, "months": 24 * 30}
_LONGEST_HOURS = 24 * 365 * 2  # two years: the longest follow-up any source gives


def _timing_sense(doc: yaml_source.YamlDocument, path: list[str | int],
                  obj: dict[str, Any]) -> list[Diagnostic]:
    """A statement's timing is drawn on its page's chart, so it must say what the claim says:
    every number (but a "within"'s 0) and its unit written in the claim, the range running
    forwards, a time after each dose within a day; and only a verified statement is drawn."""
    timings, claim = obj.get("timing"), obj.get("claim")
    if not (isinstance(timings, list) and isinstance(claim, str)):
        return []
    if obj.get("status") == "unverified":
        line, col = doc.position([*path, "timing"])
        return [Diagnostic(doc.path, line, col, shape.field_name([*path, "timing"]),
                           "an unverified statement is not drawn on the time-course chart: "
                           "check it against its source first, or remove its timing", "E062")]
    numbers = {m.group(0).replace(",", "") for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", claim)}
    out = []
    for n, t in enumerate(timings):
        if not isinstance(t, dict):
            continue  # a schema error already
        low, high, unit = t.get("from"), t.get("to"), t.get("unit")
        if not (isinstance(low, (int, float)) and isinstance(high, (int, float))
                and unit in _UNIT_WORDS):
            continue  # a schema error already
        problems: list[tuple[str, str]] = []
        if low > high:
            problems.append(("from", f"the time runs from {number_text(low)} to "
                                     f"{number_text(high)}: from must not be after to"))
        for name, value in (("from", low), ("to", high)):
            if (value or name == "to") and number_text(value).replace(",", "") not in numbers:
                problems.append((name, f"{number_text(value)} is not written in the claim: "
                                       "draw only the times the statement gives"))
        if _UNIT_WORDS[unit] not in claim.lower():
            problems.append(("unit", f"the claim gives no time in {unit}: use the unit the "
                                     "statement is written in"))
        if t.get("after") == "each-dose" and high * _HOURS[unit] > 24:
            problems.append(("to", "a time after each dose falls before the next dose: at "
                                   "most 24 hours"))
        if high * _HOURS[unit] > _LONGEST_HOURS:
            problems.append(("to", "more than two years: check the number and its unit"))
        for name, message in problems:
            where = [*path, "timing", n, name]
            line, col = doc.position(where)
            out.append(Diagnostic(doc.path, line, col, shape.field_name(where), message, "E062"))
    return out


def _future_dates(doc: yaml_source.YamlDocument, latest: dt.date) -> list[Diagnostic]:
    """A page cannot be reviewed, nor its evidence searched, after the day it is built."""
    if not isinstance(doc.data, dict):
        return []
    found = []
    for name in ("reviewed", "evidence_through"):
        value = doc.data.get(name)
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None  # a schema error already
        if day is not None and day > latest:
            line, col = doc.position([name])
            found.append(Diagnostic(doc.path, line, col, name,
                                    f"{value!r} has not happened yet: a page cannot be checked "
                                    "after the day it is built; write the date the work was "
                                    "done", "E056"))
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


# One rule as the finding check needs it: its document, field path and fields.
_RulePlace = tuple[yaml_source.YamlDocument, list[str | int], dict[str, Any]]


def _same_finding_key(rule: dict[str, Any]) -> tuple[str, str] | None:
    """(system, what is measured or the criterion folded): rules with the same key are plainly
    about the same finding."""
    system, t = rule.get("system"), rule.get("threshold")
    if not isinstance(system, str):
        return None
    if isinstance(t, dict) and isinstance(t.get("measure"), str):
        return system, f"measure {t['measure']}"
    criterion = rule.get("criterion")
    if isinstance(criterion, str) and criterion.strip():
        return system, "criterion " + " ".join(re.sub(r"[^\w]+", " ", criterion.lower()).split())
    return None


def _finding_splits(rules: list[_RulePlace]) -> list[Diagnostic]:
    """A note where two sources' rules look like one finding but carry different finding ids:
    a typo in an id would otherwise split a "Sources differ" pair, and both rules would print
    with the difference unmarked. They look like one finding when they share a system and a
    measure (or criterion), or when their ids in one system are a slip of the keyboard apart.
    Two ids that one source uses side by side (a relative and an absolute tier, say) are
    meant apart. The note goes on the rarer id's first rule."""
    uses: dict[object, int] = defaultdict(int)
    for _, _, rule in rules:
        uses[rule.get("finding")] += 1
    notes: dict[tuple[str, int, int], Diagnostic] = {}  # one per rule, the first reason

    def note(place: _RulePlace, other: _RulePlace, why: str) -> None:
        doc, path, rule = place
        field = [*path, "finding"] if "finding" in rule else path
        line, col = doc.position(field)
        o_doc, o_path, o_rule = other
        mine, theirs = rule.get("finding"), o_rule.get("finding")
        ids = (f"finding {mine!r} here and {theirs!r} there" if mine and theirs else
               f"a finding id on one of them only ({mine or theirs!r})")
        source = FRAMEWORKS.get(str(o_rule.get("framework")), str(o_rule.get("framework")))
        notes.setdefault((doc.path, line, col), Diagnostic(
            doc.path, line, col, shape.field_name(field),
            f"rule {rule.get('id')!r} looks like the same finding as rule {o_rule.get('id')!r} "
            f"({source}, {o_doc.path}:{o_doc.position(o_path)[0]}): {why}, but they have "
            f"{ids}; give both one finding id so they show side by side and a difference is "
            "marked Sources differ", "N057", Severity.NOTE))

    def pair(a: list[_RulePlace], b: list[_RulePlace], why: str) -> None:
        """Two groups of rules by finding id; a note unless one source uses both ids."""
        if {r.get("framework") for _, _, r in a} & {r.get("framework") for _, _, r in b}:
            return
        def weight(group: list[_RulePlace]) -> tuple[int, str, int]:
            # The rarer id is the likelier slip; between equals, the one written later.
            doc, path, rule = group[0]
            return -uses[rule.get("finding")], doc.path, doc.position(path)[0]
        rarer, other = (a, b) if weight(a) > weight(b) else (b, a)
        note(rarer[0], other[0], why)

    by_key: dict[tuple[str, str], dict[object, list[_RulePlace]]] = defaultdict(dict)
    by_system: dict[str, dict[str, list[_RulePlace]]] = defaultdict(dict)
    for place in rules:
        key, finding = _same_finding_key(place[2]), place[2].get("finding")
        if key:
            by_key[key].setdefault(finding, []).append(place)
        system = place[2].get("system")
        if isinstance(system, str) and isinstance(finding, str):
            by_system[system].setdefault(finding, []).append(place)
    for (system, what), groups in by_key.items():
        subject = (measure_name(what.removeprefix("measure ")) if what.startswith("measure ")
                   else "the same criterion")
        ids = list(groups)
        for i, one in enumerate(ids):
            for two in ids[i + 1:]:
                pair(groups[one], groups[two], f"both are about {subject} in {system}")
    for named in by_system.values():
        names = sorted(named)
        for i, one in enumerate(names):
            for two in names[i + 1:]:
                if difflib.SequenceMatcher(None, one, two).ratio() >= 0.85:
                    pair(named[one], named[two], "their ids are one slip of the keyboard apart")
    return list(notes.values())


def _group_rank(group: str) -> tuple[int, str]:
    return (GROUPS.index(group), "") if group in GROUPS else (len(GROUPS), group)


def load_corpus(root: Path, *, built: str | None = None) -> tuple[Corpus, list[Diagnostic]]:
    """Read and check everything under `root`. Never raises for editor mistakes. `built` is the
    build date (by default il2ref.core.dates.build_date(), which raises BuildDateError for a
    malformed IL2REF_BUILD_DATE or SOURCE_DATE_EPOCH)."""
    # Reading makes hundreds of thousands of objects and no cycles worth collecting meanwhile;
    # the cyclic collector, run every few hundred allocations over a growing heap, took a
    # seventh of validating 10,000 excerpts (measured). It runs again as soon as this returns.
    was_on = gc.isenabled()
    gc.disable()
    try:
        return _load_corpus(root, built)
    finally:
        if was_on:
            gc.enable()


def _load_corpus(root: Path, built: str | None) -> tuple[Corpus, list[Diagnostic]]:
    # A date after both the build date and today cannot be true. The later of the two: a
    # pinned build date (tests, a reproduced edition) may lie before a real review.
    latest = max(dt.date.fromisoformat(built or build_date()), dt.date.today())
    prose = tuple(sorted(prose_fields()))  # the order messages are given in
    schema = schema_bytes()  # one read for every file of this validation
    rule_places: list[_RulePlace] = []
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
        wrong_shape = shape.check(doc, schema=schema)
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
            if len(path) == 2 and path[0] == "rules":
                rule_places.append((doc, path, obj))
            diagnostics += _lab_values(doc, path, obj, prose)
            diagnostics += _threshold_sense(doc, path, obj)
            diagnostics += _timing_sense(doc, path, obj)
            diagnostics += _label_version(doc, path, obj, bib.label_versions)
        diagnostics += _future_dates(doc, latest)
        diagnostics += _anchors(doc, section_ids, entry_ids)

        if not wrong_shape and isinstance(doc.data, dict):
            corpus.pages.append(page_from_data(file.stem, display, doc.data))
            diagnostics += _dosing(doc, corpus.pages[-1], dosing_at)
        doc.forget_nodes()  # `ids` keeps the document: keep only its text

    diagnostics += load_vocabulary(root, corpus)
    if not errors(diagnostics):
        diagnostics += outlines.uncovered_notes(corpus)
        diagnostics += _unused_topics(corpus)
        diagnostics += _finding_splits(rule_places)
        for key, line in bib.keys.items():
            if key not in cited:
                diagnostics.append(Diagnostic(
                    str(BIB_FILE), line, 1, key, "entry is not cited by any page",
                    "W034", Severity.WARNING))
    # The navigation's order (the schema's groups, then `order`), so every output that lists
    # pages (card, patient sheet, data editions, Statements by source) follows the site's.
    corpus.pages.sort(key=lambda p: (_group_rank(p.group), p.order, p.slug))
    return corpus, sorted(diagnostics, key=lambda d: (d.path, d.line, d.col, d.code))


def require_corpus(root: Path, *, built: str | None = None) -> tuple[Corpus, list[Diagnostic]]:
    """Like load_corpus, but raise ValidationFailed carrying every problem if any is an error."""
    corpus, diagnostics = load_corpus(root, built=built)
    if errors(diagnostics):
        raise ValidationFailed(diagnostics)
    return corpus, diagnostics
