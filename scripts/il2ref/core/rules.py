"""The controlled vocabularies as the schema names them (actions, sources, tiers, topics,
evidence types, navigation groups), and the rule queries: the order rules are shown in, and
which rules for one finding disagree. Pure functions over the model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from il2ref.core.model import Rule
from il2ref.core.schema import schema, schema_bytes


def _titles(definition: str) -> dict[str, str]:
    return {o["const"]: o["title"] for o in schema()["$defs"][definition]["oneOf"]}


def _meanings(definition: str) -> dict[str, str]:
    return {o["const"]: o["description"] for o in schema()["$defs"][definition]["oneOf"]}


# One registry: the schema's own lists, with their display titles, in the schema's order.
# Read once per process; `stale()` tells the hook that the schema has changed since.
_READ_FROM = schema_bytes()[0]
ACTIONS: dict[str, str] = _titles("action")  # id -> "Hold this dose", ...
ACTION_MEANINGS: dict[str, str] = _meanings("action")
FRAMEWORKS: dict[str, str] = _titles("framework")  # id -> "US label (2024)", ...
FRAMEWORK_MEANINGS: dict[str, str] = _meanings("framework")
TIERS: dict[str, str] = _titles("tier")  # id -> "Relative criterion", ...
TOPICS: dict[str, str] = _titles("topic")  # id -> "Haematologic and bleeding", ...
MEASURES: dict[str, str] = _titles("measure")  # id -> "Systolic blood pressure", ...
PAGE_STATUSES: dict[str, str] = _titles("page_status")  # id -> "Under review", ...
EVIDENCE: dict[str, str] = _titles("evidence")  # id -> "Guideline or consensus", ...
EVIDENCE_MEANINGS: dict[str, str] = _meanings("evidence")
# framework -> (evidence type, label version or None): the kind of evidence its rules count as.
FRAMEWORK_EVIDENCE: dict[str, tuple[str, str | None]] = {
    o["const"]: (o["evidence"], o.get("label_version"))
    for o in schema()["$defs"]["framework"]["oneOf"]}
GROUPS: list[str] = schema()["properties"]["group"]["enum"]  # navigation groups, in order


def system_name(topic: str) -> str:
    return TOPICS.get(topic, topic)


def stale() -> bool:
    """True when page.schema.json has changed since these registries were read."""
    return schema_bytes()[0] != _READ_FROM


def allowed_actions() -> dict[str, list[str]]:
    """framework -> the actions its source uses, read from the schema's conditions."""
    out: dict[str, list[str]] = {}
    for branch in schema()["$defs"]["rule"]["allOf"]:
        framework = branch["if"]["properties"].get("framework", {}).get("const")
        action = branch["then"].get("properties", {}).get("action")
        if framework and action:
            out[framework] = action["enum"]
    return out


def _group_key(rule: Rule) -> str:
    # A rule without a shared finding is a group of one.
    return f"finding:{rule.finding}" if rule.finding else f"rule:{rule.id}"


# Stopping for good now and ruling out the next course both end IL-2 for this patient: two
# sources that say one each about the same event agree, and are not marked as differing.
_ENDS_TREATMENT = {"discontinue-permanently", "retreatment-contraindication"}


def _instruction(rule: Rule) -> tuple[str, object]:
    action = "ends-treatment" if rule.action in _ENDS_TREATMENT else rule.action
    return action, rule.threshold


def differing(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    """finding -> its rules, for every finding on which two sources ask for different things:
    another action, or the same action at another threshold.

    Only what is passed in counts: the card passes verified rules only, so a difference that
    rests on an unverified rule is shown on its page, not on the card.
    """
    groups: dict[str, list[Rule]] = defaultdict(list)
    for r in rules:
        if r.finding:
            groups[r.finding].append(r)
    out = {}
    for finding, members in groups.items():
        by_source: dict[str, set[tuple[str, object]]] = defaultdict(set)
        for r in members:
            by_source[r.framework].add(_instruction(r))
        if len({frozenset(i) for i in by_source.values()}) > 1:
            out[finding] = members
    return out


def others(rule: Rule, differ: dict[str, list[Rule]]) -> list[Rule]:
    """The rules of other sources that disagree with `rule` on its finding (none if agreed)."""
    if not rule.finding or rule.finding not in differ:
        return []
    return [r for r in ordered(differ[rule.finding]) if r.framework != rule.framework]


def _position(rule: Rule, systems: list[str]) -> tuple[Any, ...]:
    return (systems.index(rule.system) if rule.system in systems else len(systems),
            list(FRAMEWORKS).index(rule.framework), list(ACTIONS).index(rule.action), rule.id)


def ordered(rules: Iterable[Rule], systems: list[str] | None = None) -> list[Rule]:
    """By system (the schema's topic order), then source, then action, except that the rules
    of one finding stay together where the first of them falls, so a reader always sees every
    side at once."""
    systems = systems or list(TOPICS)
    flat = sorted(rules, key=lambda r: _position(r, systems))
    groups: dict[str, list[Rule]] = defaultdict(list)
    for r in flat:
        groups[_group_key(r)].append(r)
    out: list[Rule] = []
    for r in flat:
        key = _group_key(r)
        if key in groups:
            out += groups.pop(key)
    return out
