"""Evidence made visible: a statement's badge (its evidence type, and for a label its version)
and a page's evidence mix. The types and titles are the schema's ($defs/evidence); the counts
come from il2ref.core.evidence. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable

from il2ref.core.evidence import Kind, kind_of, mix
from il2ref.core.model import Excerpt, Rule
from il2ref.core.rules import EVIDENCE
from il2ref.render.markup import Trusted, escape


def name(kind: Kind) -> str:
    """'Trial', 'Guideline or consensus'; a label names its version: '2024 label',
    'Legacy label' (the site names the label version wherever a label figure appears)."""
    text = f"{kind.label_version} label" if kind.label_version else EVIDENCE[kind.evidence]
    return text[:1].upper() + text[1:]


def badge(item: Excerpt | Rule) -> Trusted:
    """The small boxed evidence type after a statement. Its text is its accessible name, read
    as 'Evidence: 2024 label' (the first word is for screen readers and print only). Kept out
    of the search index: the same few words on every statement would match every query."""
    kind = kind_of(item)
    return Trusted(f'<span class="evidence" data-evidence="{kind.evidence}" data-search-exclude>'
                   f'<span class="visually-hidden">Evidence: </span>{escape(name(kind))}</span>')


def mix_line(items: Iterable[Excerpt | Rule]) -> Trusted:
    """'Evidence on this page: 12 label (2024: 5, legacy: 7) · 8 guideline or consensus ·
    3 trial', statements and rules alike (a rule counts as its source's type); empty for a
    page with neither."""
    shares = mix(items)
    if not shares:
        return Trusted("")
    parts = []
    for s in shares:
        versions = ", ".join(f"{v}: {n}" for v, n in s.versions)
        text = f"{s.count} {EVIDENCE[s.evidence].lower()}" + (f" ({versions})" if versions
                                                                 else "")
        parts.append(f'<span class="evidence-share" data-evidence="{s.evidence}">'
                     f"{escape(text)}</span>")
    return Trusted('<p class="evidence-mix" data-search-exclude>Evidence on this page: '
                   + " · ".join(parts) + "</p>")
