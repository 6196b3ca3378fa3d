"""A file's shape checked against the page schema, and schema errors turned into editor
messages (file:line:col, field, code)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import fastjsonschema

if TYPE_CHECKING:  # imported when a file is invalid: a valid build never pays for jsonschema
    from jsonschema import Draft202012Validator, ValidationError

from il2ref.core import units
from il2ref.core.diagnostics import Diagnostic
from il2ref.core.schema import after_draft_07, parsed, parsed_by, rooted, schema_bytes
from il2ref.load.yaml_source import REMEMBER, YamlDocument, field_name

_JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a block of fields",
    "boolean": "true or false",
    "null": "empty",
}


def _python_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of fields"
    if value is None:
        return "empty"
    return type(value).__name__


def validator(definition: str | None = None, key: str | None = None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    root = parsed(*schema_bytes()) if key is None else parsed_by(key)
    return Draft202012Validator(rooted(definition, root), format_checker=FormatChecker())



def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8)
def _fast(definition: str | None, key: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python by fastjsonschema, once per schema digest: it checks
    the usual valid file in ~25 ms where jsonschema takes ~240 ms (21 files, measured).
    jsonschema still produces the messages when a file is invalid. The schema uses no keyword
    beyond draft-07 (refused below; tests/test_validation.py also checks that both engines agree
    on every fixture and page), so it compiles as draft-07."""
    root = parsed_by(key)
    newer = after_draft_07(root)
    if newer:  # it would pass every file that breaks them: refuse rather than pass silently
        raise ValueError(f"page.schema.json uses keywords the build's validator (draft-07) "
                         f"cannot check: {', '.join(newer)}; express them in draft-07 terms")
    compiled = {**_consts_as_enum(rooted(definition, root)),
                "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(compiled, formats={"date": _is_date})


# What a controlled list's value may carry besides itself: its display title and meaning, and
# for a rule's source the evidence type its rules count as (il2ref.core.evidence). None of
# them constrains the value.
_ANNOTATIONS = {"const", "title", "description", "evidence", "label_version"}


def _consts_as_enum(node: Any) -> Any:
    """For the fast validator only: a `oneOf` of distinct `const`s (a controlled list whose
    every value has a title for the editor guide) is the same test as an `enum` of them.
    fastjsonschema tries every branch of a oneOf and raises an exception for each that fails
    (20 per topic: a tenth of validating 10,000 excerpts, measured); jsonschema, which writes
    the messages, keeps the schema as written."""
    if isinstance(node, list):
        return [_consts_as_enum(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _consts_as_enum(value) for key, value in node.items()}
    branches = out.get("oneOf")
    if isinstance(branches, list) and branches and all(
            isinstance(b, dict) and "const" in b and set(b) <= _ANNOTATIONS for b in branches):
        values = [b["const"] for b in branches]
        if len({json.dumps(v, sort_keys=True) for v in values}) == len(values):
            del out["oneOf"]
            out["enum"] = values
    return out


def _threshold_message(error: ValidationError, threshold: dict[str, Any],
                       ) -> tuple[str, str] | None:
    """The measure registry's conditions (page.schema.json, threshold.allOf), in words."""
    v, inst = error.validator, cast(Any, error.instance)
    measure = threshold.get("measure")
    if not isinstance(measure, str) or "then" not in error.absolute_schema_path:
        return None
    name = f"{measure} ({units.measure_name(measure)})"
    if v == "enum" and error.path and error.path[-1] == "unit":
        shown = " or ".join(units.MEASURE_UNITS.get(measure, []))
        return (f"{name} is given in {shown}, not {inst!r}; write the unit the source prints, "
                "then check the number against it"), "E052"
    if v == "enum" and error.path and error.path[-1] == "comparator":
        allowed = units.DIRECTIONS.get(measure, [])
        way = "a low" if ">" not in allowed else "a high"
        return (f"{inst!r} does not fit {name}: its rules act on {way} value, so the comparator "
                f"is one of {', '.join(allowed)}"), "E055"
    if v in ("minimum", "maximum") and isinstance(inst, int | float):
        problem = units.out_of_range(measure, str(threshold.get("unit")), inst)
        if problem:
            return problem, "E053"
    return None


def _message(error: ValidationError, data: Any = None) -> tuple[list[str | int], str, str, bool]:
    """(path of the field, message, code, point at key?) for one schema error; `data`, the
    whole document, lets a message name a field's neighbours (a threshold's measure)."""
    path = list(error.absolute_path)
    v, val, inst = error.validator, cast(Any, error.validator_value), cast(Any, error.instance)
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    parent = _at(data, path[:-1])
    if len(path) >= 2 and path[-2] == "threshold" and isinstance(parent, dict):
        said = _threshold_message(error, parent)
        if said:
            return path, *said, False
    if v == "required":
        missing = [m for m in val if isinstance(inst, dict) and m not in inst] or [val[0]]
        if len(missing) > 1:  # name them all, at their block: fixed in one pass
            return path, f"required fields are missing: {', '.join(missing)}", "E010", False
        return [*path, missing[0]], "required field is missing", "E010", False
    if v == "type":
        want = " or ".join(_JSON_TYPES.get(t, t) for t in ([val] if isinstance(val, str) else val))
        return path, f"must be {want}, not {_python_type(inst)}", "E011", False
    if v == "enum" and "then" in error.absolute_schema_path:
        # A list that depends on another field (the rule's source): say which and why.
        allowed = ", ".join(str(a) for a in val)
        why = schema.get("description", "")
        message = f"{inst!r} does not fit this rule: {why} (allowed here: {allowed})"
        return path, message, "E043", False
    if v == "not" and "then" in error.absolute_schema_path:
        # A value another field rules out (a key fact's evidence): the schema says why.
        return path, f"{inst!r} {schema.get('description', 'is not allowed here')}", "E051", False
    if v == "enum":
        allowed = ", ".join(str(a) for a in val)
        return path, f"{inst!r} is not in the allowed list: {allowed}", "E012", False
    if v == "oneOf" and all("const" in b for b in val):
        allowed = ", ".join(str(b["const"]) for b in val)
        return path, f"{inst!r} is not in the allowed list: {allowed}", "E012", False
    if v == "const":
        return path, f"must be {val!r}", "E012", False
    if v == "minLength":
        if isinstance(inst, str) and not inst.strip():
            return path, "must not be empty", "E013", False
        return path, f"is too short (at least {val} characters)", "E013", False
    if v == "minItems":
        return path, f"must list at least {val} item(s)", "E013", False
    if v == "pattern" and isinstance(inst, str) and not inst.strip():
        return path, "must not be empty", "E013", False
    if v == "additionalProperties":
        extra = sorted(set(inst) - set(schema.get("properties", {})))
        name = extra[0] if extra else "?"
        known = ", ".join(schema.get("properties", {}))
        return [*path, name], f"unknown field {name!r}; allowed fields: {known}", "E014", True
    if v in ("pattern", "format"):
        hint = schema.get("description") or schema.get("title") or v
        example = schema.get("examples", [None])[0]
        tail = f" (for example {example!r})" if example else ""
        return path, f"{inst!r} is not in the expected form: {hint}{tail}", "E015", False
    if v == "anyOf" and schema.get("anyOf") and all(
        "required" in b for b in schema["anyOf"]
    ):
        options = " or ".join(b["required"][0] for b in schema["anyOf"])
        return path, f"needs at least one of: {options}", "E010", False
    if v in ("minimum", "maximum"):
        return path, f"{inst!r} is out of range ({v} {val})", "E016", False
    if v == "exclusiveMinimum":
        return path, f"{inst!r} must be more than {val}", "E016", False
    if v == "maxLength":
        return path, f"is too long (at most {val} characters)", "E013", False
    if v == "uniqueItems":
        return path, "the same entry is listed twice; keep one", "E023", False
    return path, error.message, "E019", False


def _at(data: Any, path: list[str | int]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# `make serve` only (with yaml_source.REMEMBER): each file's last result, reused while its
# text and the schema are the same (the result is a function of the two alone).
_CHECKED: dict[tuple[str, str | None], tuple[str, str, list[Diagnostic]]] = {}


def check(doc: YamlDocument, definition: str | None = None,
          schema: tuple[str, bytes] | None = None) -> list[Diagnostic]:
    """Shape errors of one file against the page schema (or the named definition in it), as
    the schema file is now (or as `schema_bytes()` read it at the start of this validation, so
    a thousand files do not read and hash it a thousand times): both validators use the one
    read of it."""
    key, raw = schema or schema_bytes()
    if not REMEMBER["on"] or not doc.text:
        return _check(doc, definition, key, raw)
    kept = _CHECKED.get((doc.path, definition))
    if kept is None or kept[:2] != (key, doc.text):
        kept = _CHECKED[(doc.path, definition)] = (key, doc.text,
                                                  _check(doc, definition, key, raw))
    return list(kept[2])


def _check(doc: YamlDocument, definition: str | None, key: str, raw: bytes) -> list[Diagnostic]:
    parsed(key, raw)  # so both validators below find this read under `key`
    try:
        _fast(definition, key)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # fall through to jsonschema for every error with its message
    found: list[Diagnostic] = []
    for error in validator(definition, key).iter_errors(doc.data):
        path, message, code, at_key = _message(error, doc.data)
        # A missing field has no node: point at its parent block (the block itself for
        # "needs at least one of", whose path is the block).
        single = error.validator == "required" and message == "required field is missing"
        lookup = path[:-1] if single and path else path
        line, col = doc.position(lookup, key=at_key)
        found.append(Diagnostic(doc.path, line, col, field_name(path), message, code))
    # One message per value: a value of the wrong type needs no second one saying it is not
    # in the list, and a value outside the whole list none saying it is not allowed here.
    wrong_type = {(d.line, d.col) for d in found if d.code == "E011"}
    unknown = {(d.line, d.col) for d in found if d.code == "E012"}
    return sorted({d for d in found
                   if not (d.code != "E011" and (d.line, d.col) in wrong_type)
                   and not (d.code in ("E043", "E052") and (d.line, d.col) in unknown)})
