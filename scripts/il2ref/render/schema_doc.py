"""The editor guide's field reference, generated from the JSON Schema so it cannot drift."""

from __future__ import annotations

from typing import Any

from il2ref.core.diagnostics import CODES
from il2ref.core.evidence import Kind
from il2ref.core.rules import (
    ACTION_MEANINGS,
    ACTIONS,
    FRAMEWORK_EVIDENCE,
    FRAMEWORK_MEANINGS,
    FRAMEWORKS,
    allowed_actions,
)
from il2ref.core.schema import schema
from il2ref.render.evidence import name as evidence_name
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted

# Which blocks to document, in reading order: (name in $defs or "page", heading).
BLOCKS = [
    ("page", "Page file"),
    ("section", "Section"),
    ("excerpt", "Excerpt"),
    ("timing", "Timing (time-course chart)"),
    ("source", "Source"),
    ("conflict", "Sources differ (conflict)"),
    ("rule", "Hold or stop rule"),
    ("threshold", "Threshold"),
    ("cumulative", "Combination rule"),
    ("outline", "Source outline (docs/data/sources/)"),
    ("outline_item", "Outline item"),
]


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    return node


def _allowed(node: dict[str, Any], defs: dict[str, Any]) -> str:
    node = _resolve(node, defs)
    if "enum" in node:
        return ", ".join(f"`{v}`" for v in node["enum"])
    if "oneOf" in node and all("const" in b for b in node["oneOf"]):
        return ", ".join(f"`{b['const']}` ({b['title']})" for b in node["oneOf"])
    if node.get("type") == "array":
        item = node.get("items", {})
        ref = item.get("$ref", "")
        if ref:
            name = ref.rsplit("/", 1)[1]
            return f"a list of [{name}](#schema-{name}) blocks"
        return "a list"
    if node.get("type") == "object" or "properties" in node:
        return "a block of fields"
    examples = node.get("examples")
    kind = {"string": "text", "integer": "whole number", "number": "number",
            "boolean": "true / false"}.get(node.get("type", ""), "")
    return f"{kind}, e.g. `{examples[0]}`" if examples else kind


def _condition(block: dict[str, Any], name: str) -> str:
    for branch in [block, *block.get("allOf", [])]:  # one if/then, or several under allOf
        then = branch.get("then", {})
        cond = branch.get("if", {}).get("properties", {})
        if name in then.get("required", []) and cond:
            field, rule = next(iter(cond.items()))
            return f"when `{field}` is `{rule.get('const')}`"
    return "no"


def blocks() -> list[dict[str, Any]]:
    root = schema()
    defs = root["$defs"]
    out = []
    for name, title in BLOCKS:
        block = root if name == "page" else _resolve(defs[name], defs)
        required = set(block.get("required", []))
        fields = []
        for field, spec in block.get("properties", {}).items():
            target = _resolve(spec, defs)
            meaning = spec.get("description") or target.get("description") or spec.get(
                "title") or target.get("title", "")
            fields.append({
                "name": Trusted(field), "required": field in required,
                "condition": _condition(block, field), "meaning": meaning,
                "allowed": Trusted(_allowed(spec, defs)),
            })
        out.append({"name": Trusted(name), "title": title,
                    "description": block.get("description", ""), "fields": fields})
    return out


def schema_markdown() -> str:
    return template("schema.md.j2").render(blocks=blocks())


def codes_markdown() -> str:
    return template("codes.md.j2").render(codes=list(CODES.values()))


def actions_markdown() -> str:
    """What each rule action means and which sources may use it: from the schema's lists."""
    allowed = allowed_actions()
    return template("actions.md.j2").render(
        actions=[(Trusted(a), title, ACTION_MEANINGS[a]) for a, title in ACTIONS.items()],
        frameworks=[(Trusted(f), title, FRAMEWORK_MEANINGS[f],
                     [ACTIONS[a] for a in allowed.get(f, ACTIONS)],
                     evidence_name(Kind(*FRAMEWORK_EVIDENCE[f])))
                    for f, title in FRAMEWORKS.items()])
