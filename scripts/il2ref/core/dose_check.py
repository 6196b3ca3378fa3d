"""The Dose-time check's logic: which of the sources' criteria the values entered meet. The
reference implementation of docs/javascripts/dose-check.js, tested against it.

It lists criteria; it decides nothing. Inputs are keyed by the schema's measure ids (with the
unit where one measure is given in several units), tick boxes by the shared finding (or the
rule id), so a check can be kept in the URL fragment.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from il2ref.core.model import Rule
from il2ref.core.rules import MEASURES, ordered
from il2ref.core.units import NUMBER

VALUE = re.compile(f"^(?:{NUMBER})$")
HELD = "held-doses"  # the count the cumulative rule on held doses reads
# The criterion class each count of criteria reads, within the rule's own source.
TIER = {"relative-criteria": "relative", "absolute-criteria": "absolute"}


@dataclass(frozen=True)
class Input:
    key: str
    measure: str
    unit: str
    label: str


@dataclass(frozen=True)
class Tick:
    key: str
    rules: tuple[str, ...]


def _slug(unit: str) -> str:
    words = unit.lower().replace("µ", "u").replace("/", " per ")
    return re.sub(r"[^a-z0-9]+", "-", words).strip("-")


def inputs(rules: list[Rule]) -> list[Input]:
    units: dict[str, list[str]] = defaultdict(list)
    for r in rules:
        if r.threshold and r.threshold.unit not in units[r.threshold.measure]:
            units[r.threshold.measure].append(r.threshold.unit)
    out = []
    for measure in MEASURES:  # the schema's order
        for unit in units.get(measure, []):
            key = measure if len(units[measure]) == 1 else f"{measure}.{_slug(unit)}"
            out.append(Input(key, measure, unit, MEASURES[measure]))
    return out


def input_key(rule: Rule, all_inputs: list[Input]) -> str | None:
    if not rule.threshold:
        return None
    return next(i.key for i in all_inputs
                if (i.measure, i.unit) == (rule.threshold.measure, rule.threshold.unit))


def ticks(rules: list[Rule]) -> list[Tick]:
    """One tick box per finding without a number (its rules from every source), or per rule.

    A finding one source grades (rales a third of the way up the chest is relative, half-way is
    absolute) gets a box per grade: one box for both would count the lesser sign as the greater.
    """
    groups: dict[str, list[Rule]] = {}
    for r in ordered(rules):
        if not (r.threshold or r.cumulative):
            groups.setdefault(r.finding or r.id, []).append(r)
    out = []
    for key, members in groups.items():
        frameworks = [r.framework for r in members]
        if len(frameworks) == len(set(frameworks)):
            out.append(Tick(key, tuple(r.id for r in members)))
            continue
        by_tier: dict[str, list[Rule]] = {}
        for r in members:
            by_tier.setdefault(f"{key}.{r.tier}" if r.tier else r.id, []).append(r)
        for sub, grade in by_tier.items():
            if len({r.framework for r in grade}) == len(grade):
                out.append(Tick(sub, tuple(r.id for r in grade)))
            else:  # still two rules of one source: a box per rule
                out.extend(Tick(r.id, (r.id,)) for r in grade)
    return out


def tick_keys(rules: list[Rule]) -> dict[str, str]:
    """Each rule without a number or count, by id, to the tick box that meets it."""
    return {rule_id: t.key for t in ticks(rules) for rule_id in t.rules}


def read_value(text: str) -> float | None:
    """A typed number by the site's one grammar (units.NUMBER), or None."""
    text = text.strip()
    return float(text.replace(",", "")) if VALUE.match(text) else None


def met(rule: Rule, values: dict[str, float], ticked: set[str], key: str | None,
        tick: str | None = None) -> bool:
    """Whether the rule's own criterion is met (cumulative rules are counted separately)."""
    if rule.threshold is not None:
        if key is None or key not in values:
            return False
        x, t = values[key], rule.threshold
        if t.comparator == "range":
            return t.low is not None and t.high is not None and t.low <= x <= t.high
        assert t.value is not None
        return {"<": x < t.value, "<=": x <= t.value, ">": x > t.value,
                ">=": x >= t.value}.get(t.comparator, False)
    return (tick or rule.finding or rule.id) in ticked


def check(rules: list[Rule], values: dict[str, float], ticked: set[str],
          held: int = 0) -> list[str]:
    """The ids of the rules met, cumulative rules included (counted within their source)."""
    all_inputs, boxes = inputs(rules), tick_keys(rules)
    own = {r.id for r in rules if not r.cumulative and met(
        r, values, ticked, input_key(r, all_inputs), boxes.get(r.id))}
    out = set(own)
    for r in rules:
        if r.cumulative:
            same = [x for x in rules if x.framework == r.framework and x.id in own]
            counts = r.cumulative.counts
            count = held if counts == HELD else sum(x.tier == TIER[counts] for x in same)
            if count >= r.cumulative.at_least:
                out.add(r.id)
    return [r.id for r in ordered(rules) if r.id in out]


def out_of_reach(rules: list[Rule]) -> list[tuple[Rule, int]]:
    """Cumulative rules whose count this reference cannot settle (each with how many of the
    source's criteria it holds): it holds fewer than the count, or only some of them
    (`partial`). The check may still show such a rule met, which is then true, but never
    "not met", so the page must say so rather than let a reader take its absence for that."""
    out = []
    for r in ordered(rules):
        if r.cumulative and r.cumulative.counts in TIER:
            held = sum(1 for x in rules if x.framework == r.framework and not x.cumulative
                       and x.tier == TIER[r.cumulative.counts])
            if r.cumulative.partial or held < r.cumulative.at_least:
                out.append((r, held))
    return out
