"""The machine-readable edition: every excerpt and rule as JSON and CSV, references resolved."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from il2ref.core.model import Corpus, Excerpt, Rule, Source
from il2ref.core.rules import ACTIONS, differing, others
from il2ref.core.schema import schema
from il2ref.core.units import format_threshold, plain_text
from il2ref.render.markup import spreadsheet_text

SCHEMA_PATH = Path(__file__).with_name("export.schema.json")


def references(fields: dict[str, dict[str, str]],
               texts: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each cited reference: its text as the site formats it (AMA, `texts`), and the fields a
    program may want on their own."""
    return {key: {"key": key, "type": fields[key]["type"], "text": texts[key],
                  **{k: v for k, v in fields[key].items() if k != "type"}}
            for key in sorted(texts)}


def _citations(sources: tuple[Source, ...], refs: dict[str, dict[str, str]]) -> list[dict]:
    return [{"key": s.key, "locator": s.locator, "reference": refs[s.key]["text"]}
            for s in sources]


def _excerpt(e: Excerpt, page: Any, section: str, refs: dict, conflict: str | None) -> dict:
    rec: dict[str, Any] = {
        "id": e.id, "page": page.slug, "page_title": page.title, "section": section,
        "kind": "conflict-side" if conflict else "statement", "claim": plain_text(e.claim),
        "evidence": e.evidence, "topic": e.topic, "status": e.status, "key_fact": e.key_fact,
        "citations": _citations(e.sources, refs),
    }
    if conflict:
        rec["conflict"] = conflict
    if e.label_version:
        rec["label_version"] = e.label_version
    return rec


def _rule(r: Rule, refs: dict, differ: dict[str, list[Rule]]) -> dict:
    rec: dict[str, Any] = {
        "id": r.id, "page": r.page, "system": r.system, "framework": r.framework,
        "action": r.action, "action_title": ACTIONS[r.action], "criterion": plain_text(r.criterion),
        "status": r.status, "citations": _citations(r.sources, refs),
    }
    rec.update({k: v for k, v in (("tier", r.tier), ("finding", r.finding)) if v})
    if r.cumulative:
        rec.update(counts=r.cumulative.counts, at_least=r.cumulative.at_least)
    if rivals := others(r, differ):
        rec["sources_differ"] = [o.id for o in rivals]
    if r.threshold:
        t = r.threshold
        rec.update(threshold=format_threshold(t), measure=t.measure, comparator=t.comparator,
                   unit=t.unit)
        rec.update({k: v for k, v in (("value", t.value), ("low", t.low), ("high", t.high))
                    if v is not None})
    if r.resume:
        rec["resume"] = plain_text(r.resume)
    return rec


def dataset(corpus: Corpus, texts: dict[str, str], *, version: str, edition: str,
            built: str) -> dict:
    """`texts`: key -> reference text, from `il2ref.site.citations.reference_texts`."""
    refs = references(corpus.bib_fields, texts)
    differ = differing(corpus.rules())
    excerpts = []
    for page in corpus.pages:
        for section in page.sections:
            excerpts += [_excerpt(e, page, section.title, refs, None) for e in section.excerpts]
            for c in section.conflicts:
                excerpts += [_excerpt(e, page, section.title, refs, c.title) for e in c.sides]
    return {"version": version, "edition": edition, "built": built, "excerpts": excerpts,
            "rules": [_rule(r, refs, differ) for r in corpus.rules()], "references": refs}


def csv_cell(value: object) -> str | int | float:
    """One CSV cell, as a value rather than a Python repr: numbers stay numbers (written
    unquoted), booleans `true`/`false`, lists joined with ' | ', and every text neutralised
    against spreadsheet formulas (OWASP's CSV injection advice)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return spreadsheet_text(" | ".join(str(v) for v in value))
    return spreadsheet_text(str(value))


def to_csv(records: list[dict], edition: str) -> str:
    """Flat CSV: citations joined as 'key (locator) — reference' with ' | ' between them; the
    edition on every row, so a row copied elsewhere still says where it came from. Every text
    cell is quoted (QUOTE_NONNUMERIC), so a reader can tell the numbers from the text."""
    records = [{"edition": edition, **rec} for rec in records]
    columns: list[str] = []
    for rec in records:
        columns += [k for k in rec if k not in columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", restval="",
                            quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    for rec in records:
        row = dict(rec)
        row["citations"] = [f"{c['key']} ({c['locator']}) — {c['reference']}"
                            for c in rec["citations"]]
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


# Each controlled field of the data edition -> where the page schema keeps its list.
_LISTS = {
    ("excerpt", "evidence"): ("excerpt", "evidence"), ("excerpt", "topic"): ("excerpt", "topic"),
    ("rule", "system"): ("rule", "system"), ("rule", "framework"): ("rule", "framework"),
    ("rule", "action"): ("rule", "action"), ("rule", "tier"): ("rule", "tier"),
    ("rule", "counts"): ("cumulative", "counts"), ("rule", "measure"): ("threshold", "measure"),
    ("rule", "comparator"): ("threshold", "comparator"), ("rule", "unit"): ("threshold", "unit"),
}


def _allowed(node: dict[str, Any]) -> list[str]:
    """A page-schema property's values: its own enum, or the consts of the list it refers to."""
    if "$ref" in node:
        node = schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return list(node["enum"]) if "enum" in node else [o["const"] for o in node["oneOf"]]


def export_schema() -> dict[str, Any]:
    """The data edition's schema, its lists filled from the page schema's (one registry): a
    program reading the edition learns every value a controlled field can take."""
    definition = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    page_defs = schema()["$defs"]
    for (kind, name), (source, field) in _LISTS.items():
        definition["$defs"][kind]["properties"][name]["enum"] = _allowed(
            page_defs[source]["properties"][field])
    return definition


def json_text(value: object) -> str:
    """How every JSON edition is written: UTF-8 as is, indented, one final newline; the text of
    `json.dumps(value, ensure_ascii=False, indent=2)`, byte for byte (tests/test_export.py
    compares them on the real editions and on generated values)."""
    return _indented(value, "\n") + "\n"


# Written here, not json.dumps: given an indent, json.dumps leaves its C encoder for a
# pure-Python one, and the data edition was then 0.03 s of every `make serve` rebuild. Strings
# still go through json's own C escaping, numbers through json's own rules.
_STRING = json.encoder.encode_basestring
_CONSTANTS = {True: "true", False: "false", None: "null"}


def _number(value: int | float) -> str:
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    return int.__repr__(value)


def _key(key: object) -> str:
    if isinstance(key, str):
        return str(_STRING(key))
    if key is True or key is False or key is None:
        return f'"{_CONSTANTS[key]}"'
    if isinstance(key, (int, float)):
        return f'"{_number(key)}"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _indented(value: object, newline: str) -> str:
    """`value` as JSON, its items each on a line of their own under `newline` + two spaces."""
    if isinstance(value, str):
        return str(_STRING(value))
    if value is True or value is False or value is None:
        return _CONSTANTS[value]
    if isinstance(value, (int, float)):
        return _number(value)
    inner = newline + "  "
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return ("[" + inner + ("," + inner).join(_indented(v, inner) for v in value)
                + newline + "]")
    if isinstance(value, dict):
        if not value:
            return "{}"
        return ("{" + inner + ("," + inner).join(_key(k) + ": " + _indented(v, inner)
                                                 for k, v in value.items()) + newline + "}")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def schema_text() -> str:
    return json_text(export_schema())
