"""The one JSON Schema for page files: where it is, its digest, and its parse.

Everything derived from the schema (vocabularies, validators, the editor guide) reads it here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from il2ref.core.cache import digest

SCHEMA_PATH = Path(__file__).with_name("page.schema.json")


def schema_bytes() -> tuple[str, bytes]:
    """(SHA-256, bytes) of the schema file as it is now: everything derived from the schema is
    keyed by this digest, so an edit made while `mkdocs serve` runs is seen at once and a
    result checked against the old schema is never stored under the new one's key."""
    raw = SCHEMA_PATH.read_bytes()
    return digest(raw), raw


# digest -> parsed schema: keyed by content, so a changed schema is parsed afresh, and the
# compiled and the message-giving validators look up the same parse.
_by_key: dict[str, dict[str, Any]] = {}


def parsed(key: str, raw: bytes) -> dict[str, Any]:
    if key not in _by_key:
        _by_key[key] = json.loads(raw.decode("utf-8"))
    return _by_key[key]


def parsed_by(key: str) -> dict[str, Any]:
    """The parse already made for this digest (by `parsed`)."""
    return _by_key[key]


def schema() -> dict[str, Any]:
    return parsed(*schema_bytes())


def rooted(definition: str | None, root: dict[str, Any] | None = None) -> dict[str, Any]:
    """The page schema, or one of its $defs as the root (source outline files use `outline`)."""
    root = root if root is not None else schema()
    if definition is None:
        return root
    return {"$id": f"{root['$id']}:{definition}", "$defs": root["$defs"],
            "$ref": f"#/$defs/{definition}"}


PROSE_REF = "#/$defs/prose"


def _refers_to_prose(node: dict[str, Any]) -> bool:
    return node.get("$ref") == PROSE_REF or any(
        isinstance(part, dict) and part.get("$ref") == PROSE_REF for part in node.get("allOf", []))


def prose_fields(root: dict[str, Any] | None = None) -> set[tuple[str, ...]]:
    """The fields declared as clinical text ($defs/prose), as the field names that lead to them
    from the block they belong to: {("claim",), ("patient", "text"), ("criterion",), ...}.
    Validation reads lab values in exactly these fields (review D2: declared once)."""
    root = root if root is not None else schema()
    found: set[tuple[str, ...]] = set()

    def walk(node: dict[str, Any], names: tuple[str, ...]) -> None:
        for name, spec in node.get("properties", {}).items():
            if not isinstance(spec, dict):
                continue
            if _refers_to_prose(spec):
                found.add((*names, name))
            walk(spec, (*names, name))  # an inline block (a $ref'd one is walked as a $def)

    walk(root, ())
    for definition in root["$defs"].values():
        walk(definition, ())
    return found


# Keywords JSON Schema added after draft-07. The build's fast validator reads the schema as
# draft-07 and would silently pass a file that breaks one of these (review D5), so the schema
# may not use them (il2ref.load.shape refuses to compile one that does).
AFTER_DRAFT_07 = frozenset({
    "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
    "prefixItems", "minContains", "maxContains", "$anchor", "$dynamicRef", "$dynamicAnchor",
    "$recursiveRef", "$recursiveAnchor", "$vocabulary"})


def after_draft_07(node: Any, where: str = "#") -> list[str]:
    """Where the schema uses a keyword draft-07 does not know: ['#/$defs/x/dependentRequired']."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in AFTER_DRAFT_07:
                found.append(f"{where}/{key}")
            # Under `properties`, keys are field names, not keywords.
            if key in ("properties", "$defs", "patternProperties") and isinstance(value, dict):
                for name, sub in value.items():
                    found += after_draft_07(sub, f"{where}/{key}/{name}")
            else:
                found += after_draft_07(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += after_draft_07(item, f"{where}/{i}")
    return found
