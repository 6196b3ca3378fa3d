"""The kind of evidence behind a statement or a rule, and a page's evidence mix. Pure functions
over the model; the kinds, their titles and each rule source's kind are the schema's
(il2ref.core.rules: EVIDENCE, FRAMEWORK_EVIDENCE)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from il2ref.core.model import Excerpt, LabelVersion, Rule
from il2ref.core.rules import EVIDENCE, FRAMEWORK_EVIDENCE


@dataclass(frozen=True)
class Kind:
    evidence: str  # a value of $defs/evidence
    label_version: str | None  # "2024" or "legacy" for a label; None otherwise


def kind_of(item: Excerpt | Rule) -> Kind:
    """A statement's own evidence type; a rule counts as its source's (a 2024 label rule is
    label evidence, 2024 version). A label version counts only for label evidence: a guideline
    statement that also cites a label is still guideline evidence."""
    if isinstance(item, Rule):
        return Kind(*FRAMEWORK_EVIDENCE[item.framework])
    return Kind(item.evidence, item.label_version if item.evidence == "label" else None)


@dataclass(frozen=True)
class Share:
    evidence: str
    count: int
    versions: tuple[tuple[str, int], ...]  # for a label: (version, count), in the schema's order


def mix(items: Iterable[Excerpt | Rule]) -> list[Share]:
    """How many statements and rules of each evidence type, in the schema's order of types,
    with the label versions split out; types with none are left out."""
    kinds = [kind_of(i) for i in items]
    counts = Counter(k.evidence for k in kinds)
    versions = Counter(k.label_version for k in kinds if k.label_version)
    order = get_args(LabelVersion)  # the schema's order (tests/test_rules.py checks it)
    return [Share(e, counts[e], tuple((v, versions[v]) for v in order if versions[v])
                  if e == "label" else ())
            for e in EVIDENCE if counts[e]]
