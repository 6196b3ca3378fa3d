"""Inline pieces shared by every Markdown page, the card and the quiz: editor text escaped,
citations with their locators, one excerpt, one rule's finding. Pure functions."""

from __future__ import annotations

from il2ref.core.model import Excerpt, Rule, Source
from il2ref.core.rules import ACTIONS, FRAMEWORKS, TIERS
from il2ref.core.units import BRACES, format_threshold, lab_text
from il2ref.render.evidence import badge
from il2ref.render.markup import (
    Trusted,
    escape,
    escape_inline,
    flatten,
    guard_leading,
    link_title,
)

UNVERIFIED = Trusted(
    '<span class="unverified" title="Not yet checked against the source text">unverified</span>'
)


def prose(text: str) -> Trusted:
    """Escape editor text, turning `{creatinine 3 mg/dL}` into both units."""
    text = flatten(text)
    out, pos = [], 0
    for m in BRACES.finditer(text):
        # Validation has refused every brace that is not a lab value; shown as typed if not.
        out += [escape_inline(text[pos:m.start()]), escape_inline(lab_text(m[1]) or m[0])]
        pos = m.end()
    out.append(escape_inline(text[pos:]))
    return Trusted(guard_leading("".join(out)))


def cites(sources: tuple[Source, ...]) -> Trusted:
    """'[1, §5.1; 2, Table 3]': each source numbered by mkdocs-bibtex, locator beside it."""
    parts = [f'[@{s.key}], <span class="loc">{escape(s.locator)}</span>' for s in sources]
    return Trusted(f'<span class="cites">&#91;{"; ".join(parts)}&#93;</span>')


def excerpt(e: Excerpt) -> Trusted:
    badges = " " + badge(e)  # its evidence type; for label evidence, with the label's version
    if e.label_version and e.evidence != "label":
        # Another type of evidence that also cites a label still names that label's version.
        badges += f' <span class="label-version">({e.label_version} label)</span>'
    if e.status == "unverified":
        badges += " " + UNVERIFIED
    claim = f'<span class="claim" id="{e.id}">{prose(e.claim)}</span>'
    where = "; ".join(f"{s.key}, {s.locator}" for s in e.sources)
    record = (f' [ⓘ](by-source.md#src-{e.sources[0].key} '
              f'"Excerpt {e.id} · {link_title(where)}"){{ .excerpt-link aria-label="Provenance of '
              f'excerpt {e.id}" }}')
    return Trusted(f"{claim}{badges} {cites(e.sources)}{record}")


DIFFERS = Trusted('<strong class="differs">Sources differ</strong>')


def finding(r: Rule) -> Trusted:
    """'Serum creatinine: ≥ 3 mg/dL (≥ 265 µmol/L) (absolute criterion)', with an unverified
    mark where due."""
    text = prose(r.criterion)
    if r.threshold:
        text = Trusted(f"{text}: {escape(format_threshold(r.threshold))}")
    if r.tier:
        text = Trusted(f"{text} ({escape(TIERS[r.tier].lower())})")
    if r.status == "unverified":
        text = Trusted(f"{text} {UNVERIFIED}")
    return text


def differs_note(rivals: list[Rule]) -> Trusted:
    """'Sources differ: Expert consensus (2014): stop this cycle' for one card row.

    Grouped by source and action, with thresholds where the rule has one; the rivals' own rows
    on the card carry their findings in full and their citations.
    """
    by_source: dict[str, dict[str, list[str]]] = {}
    for o in rivals:
        levels = by_source.setdefault(o.framework, {}).setdefault(o.action, [])
        if o.threshold:
            levels.append(escape(format_threshold(o.threshold)))
    sides = "; ".join(
        f"{escape(FRAMEWORKS[framework])}: " + ", ".join(
            escape(ACTIONS[action].lower()) + (f" ({' or '.join(levels)})" if levels else "")
            for action, levels in actions.items())
        for framework, actions in by_source.items())
    return Trusted(f"{DIFFERS}: {sides}")


def actions_in_words() -> str:
    """Every rule action in the schema's order, for prose that names them all (a caption, a
    description), so a new action cannot be left out: 'hold this dose, stop this cycle, …'."""
    return ", ".join(title[:1].lower() + title[1:] for title in ACTIONS.values())


def caption(table: str, text: str) -> Trusted:
    """A table caption (pymdownx.blocks.caption), read out by screen readers with the table."""
    return Trusted(f"{table}\n\n/// table-caption\n{escape(text)}\n///")


def table(head: list[str], rows: list[list[str]], title: str) -> Trusted:
    """A Markdown table with its caption; cells are already escaped Markdown."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return caption("\n".join(lines), title)
