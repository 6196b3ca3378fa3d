"""The one JSON Schema for page files, and its errors turned into editor messages."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import marshal
import re
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver

if TYPE_CHECKING:  # imported when a file is invalid: a valid build never pays for jsonschema
    from jsonschema import Draft202012Validator, ValidationError

from .cache import digest, store
from .diagnostics import Diagnostic
from .yaml_source import YamlDocument

SCHEMA_PATH = Path(__file__).with_name("page.schema.json")

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


def schema_bytes() -> tuple[str, bytes]:
    """(SHA-256, bytes) of the schema file as it is now: everything derived from the schema is
    keyed by this digest, so an edit made while `mkdocs serve` runs is seen at once and a
    result checked against the old schema is never stored under the new one's key."""
    raw = SCHEMA_PATH.read_bytes()
    return digest(raw), raw


# digest -> parsed schema: keyed by content, so a changed schema is parsed afresh, and the
# compiled and the message-giving validators look up the same parse.
_by_key: dict[str, dict[str, Any]] = {}


def _parsed(key: str, raw: bytes) -> dict[str, Any]:
    if key not in _by_key:
        _by_key[key] = json.loads(raw.decode("utf-8"))
    return _by_key[key]


def schema() -> dict[str, Any]:
    return _parsed(*schema_bytes())


def _root(definition: str | None, root: dict[str, Any] | None = None) -> dict[str, Any]:
    """The page schema, or one of its $defs as the root (source outline files use `outline`)."""
    root = root if root is not None else schema()
    if definition is None:
        return root
    return {"$id": f"{root['$id']}:{definition}", "$defs": root["$defs"],
            "$ref": f"#/$defs/{definition}"}


def validator(definition: str | None = None, key: str | None = None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    root = _parsed(*schema_bytes()) if key is None else _by_key[key]
    return Draft202012Validator(_root(definition, root), format_checker=FormatChecker())



def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8)
def _fast(cache_dir: Path | None, definition: str | None = None,
          key: str = "") -> Callable[[Any], Any]:
    """The same schema compiled to Python by fastjsonschema: about 10x quicker for the usual
    case of a valid file. jsonschema still produces the messages when a file is invalid.
    The schema uses no keyword beyond draft-07, so it compiles as draft-07.

    Generating and compiling that code takes ~30 ms, a fifth of the hook's work on the real
    site, so the compiled code is kept in `cache_dir` the way Python keeps .pyc files: keyed by
    the schema, the custom formats, the library version and the bytecode format, and rebuilt
    whenever one changes.
    fastjsonschema has no cache of its own (it offers `compile_to_code` for this)."""
    compiled = {**_root(definition, _by_key[key]),
                "$schema": "http://json-schema.org/draft-07/schema#"}
    formats = {"date": _is_date}
    code = None
    if cache_dir is not None:
        name = digest(key.encode(), fastjsonschema.VERSION.encode(),
                      ",".join(sorted(formats)).encode(), importlib.util.MAGIC_NUMBER,
                      str(definition).encode())
        kind = definition or "page"
        cached = cache_dir / f"{kind}-schema-{name}.marshal"
        try:
            code = marshal.loads(cached.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            code = None
    if not isinstance(code, CodeType):
        source = fastjsonschema.compile_to_code(compiled, formats=formats)
        code = compile(source, f"<fastjsonschema: {SCHEMA_PATH.name}>", "exec")
        if cache_dir is not None:
            store(cached, marshal.dumps(code), replaces=f"{kind}-schema-*.marshal")
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own schema's code, never editor input
    entry = RefResolver.from_schema(compiled, store={}).get_scope_name()  # from the $id
    return partial(namespace[entry], custom_formats=formats)


_PLAIN_NAME = re.compile(r"[A-Za-z_$][\w$-]*\Z")


def field_name(path: list[str | int]) -> str:
    """sections[0].excerpts[1].claim; a name that is not a plain word is quoted, so a key
    typed with a newline or a colon cannot break the one-line `file:line:col: field:` form."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_NAME.match(str(part)):
            out += f"[{str(part)!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


def _message(error: ValidationError) -> tuple[list[str | int], str, str, bool]:
    """(path of the field, message, code, point at key?) for one schema error."""
    path = list(error.absolute_path)
    v, val, inst = error.validator, error.validator_value, error.instance
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
        why = error.schema.get("description", "")
        message = f"{inst!r} does not fit this rule: {why} (allowed here: {allowed})"
        return path, message, "E043", False
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
        extra = sorted(set(inst) - set(error.schema.get("properties", {})))
        name = extra[0] if extra else "?"
        known = ", ".join(error.schema.get("properties", {}))
        return [*path, name], f"unknown field {name!r}; allowed fields: {known}", "E014", True
    if v in ("pattern", "format"):
        hint = error.schema.get("description") or error.schema.get("title") or v
        example = error.schema.get("examples", [None])[0]
        tail = f" (for example {example!r})" if example else ""
        return path, f"{inst!r} is not in the expected form: {hint}{tail}", "E015", False
    if v == "anyOf" and error.schema.get("anyOf") and all(
        "required" in b for b in error.schema["anyOf"]
    ):
        options = " or ".join(b["required"][0] for b in error.schema["anyOf"])
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


def check(doc: YamlDocument, cache_dir: Path | None = None,
          definition: str | None = None) -> list[Diagnostic]:
    """Shape errors of one file against the page schema (or the named definition in it), as
    the schema file is now: both validators use the one read of it."""
    key, raw = schema_bytes()
    _parsed(key, raw)  # so both validators below find this read under `key`
    try:
        _fast(cache_dir, definition, key)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # fall through to jsonschema for every error with its message
    found: list[Diagnostic] = []
    for error in validator(definition, key).iter_errors(doc.data):
        path, message, code, at_key = _message(error)
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
                   and not (d.code == "E043" and (d.line, d.col) in unknown)})
