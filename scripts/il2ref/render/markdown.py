"""Model → Markdown through Jinja2 templates. Pure functions: no file or network access."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache

from jinja2 import Environment, Template

from il2ref.core.coverage import coverage
from il2ref.core.editions import EDITIONS
from il2ref.core.model import Changes, Corpus, Excerpt, Page, Rule, Source
from il2ref.core.rules import (
    ACTIONS,
    FRAMEWORKS,
    TIERS,
    differing,
    ordered,
    others,
    system_name,
)
from il2ref.core.units import BRACES, format_threshold, lab_text
from il2ref.render.jinja import environment
from il2ref.render.markup import Trusted, escape, escape_inline, flatten, guard_leading

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
    badges = ""
    if e.label_version:
        badges += f' <span class="label-version">({e.label_version} label)</span>'
    if e.status == "unverified":
        badges += " " + UNVERIFIED
    claim = f'<span class="claim" id="{e.id}">{prose(e.claim)}</span>'
    where = "; ".join(f"{s.key}, {s.locator}" for s in e.sources).replace('"', "'")
    record = (f' [ⓘ](by-source.md#src-{e.sources[0].key} '
              f'"Excerpt {e.id} · {escape(where)}"){{ .excerpt-link aria-label="Provenance of '
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


def _rule_cells(r: Rule, differ: dict[str, list[Rule]]) -> list[str]:
    anchor = f'<span id="{r.id}"></span>'  # the target of links from "Statements by source"
    mark = f"{DIFFERS} " if others(r, differ) else ""
    return [FRAMEWORKS[r.framework], ACTIONS[r.action], anchor + mark + finding(r),
            prose(r.resume) if r.resume else "—", cites(r.sources)]


def caption(table: str, text: str) -> Trusted:
    """A table caption (pymdownx.blocks.caption), read out by screen readers with the table."""
    return Trusted(f"{table}\n\n/// table-caption\n{escape(text)}\n///")


def table(head: list[str], rows: list[list[str]], title: str) -> Trusted:
    """A Markdown table with its caption; cells are already escaped Markdown."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return caption("\n".join(lines), title)


def rules_table(rules: tuple[Rule, ...] | list[Rule], all_rules: list[Rule]) -> Trusted:
    differ = differing(all_rules)
    return table(["Source of rule", "Action", "Finding", "Resume when", "Citation"],
                 [_rule_cells(r, differ) for r in ordered(rules)],
                 "When to hold a dose, stop a cycle or stop IL-2 for good, by source of the rule")


def rules_by_system(rules: list[Rule]) -> Trusted:
    """One row per organ system, one column per source of rules: the side-by-side view."""
    rows = []
    ordered_rules = ordered(rules)
    differ = differing(rules)
    for system in dict.fromkeys(r.system for r in ordered_rules):
        cells = [f"**{escape(system_name(system))}**"]
        for framework in FRAMEWORKS:
            items = [
                f'<span data-rule="{r.id}"><strong>{escape(ACTIONS[r.action])}:</strong> '
                f"{DIFFERS + ' ' if others(r, differ) else ''}{finding(r)} {cites(r.sources)}"
                "</span>"
                for r in ordered_rules if r.system == system and r.framework == framework
            ]
            cells.append("<br>".join(items) if items else "—")
        rows.append(cells)
    return table(["System", *FRAMEWORKS.values()], rows,
                 "Hold and stop rules by organ system: one column per source of rules")


def _yaml(text: str) -> Trusted:
    return Trusted(json.dumps(" ".join(text.split()), ensure_ascii=False))


def _number(value: float) -> Trusted:
    # Front matter is YAML: the Markdown escaping of a leading digit ("&#49;") would break it.
    return Trusted(repr(float(value)))


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = environment("markdown")
    env.filters.update(excerpt=excerpt, rules_table=rules_table,
                       rules_by_system=rules_by_system, yaml=_yaml, number=_number, prose=prose)
    return env


def template(name: str) -> Template:
    return _env().get_template(name)


def page_markdown(page: Page, corpus: Corpus) -> str:
    stats = {"statements": len(page.excerpts()) + len(page.rules),
             "sources": len({s.key for s in page.sources()})}
    cited = [corpus.bib_labels.get(k, k) for k in dict.fromkeys(s.key for s in page.sources())]
    return template("page.md.j2").render(
        page=page, stats=stats, all_rules=corpus.rules(), cited=cited
    )


def references_markdown(corpus: Corpus) -> str:
    """The bibliography page, citing each used key once so back-links resolve."""
    usage: dict[str, Counter[str]] = defaultdict(Counter)
    for page in corpus.pages:
        for s in page.sources():
            usage[s.key][page.slug] += 1
    by_slug = {p.slug: p for p in corpus.pages}
    rows = [
        (Trusted(key), [(by_slug[slug], n) for slug, n in counts.most_common()])
        for key, counts in sorted(usage.items())
    ]
    return template("references.md.j2").render(usage=rows)


def downloads_markdown(*, version: str, built: str, directory_urls: bool) -> str:
    """Links to `files/<name>` at the site root, relative to the page's own URL."""
    return template("downloads.md.j2").render(
        version=version, built=built, base=Trusted("../" if directory_urls else ""),
        items=[(Trusted(e.file_name(version, built)), e.title, e.note) for e in EDITIONS])


def changes_markdown(changes: Changes) -> str:
    return template("changes.md.j2").render(changes=changes)


_STATUS = {"left-out": "Left out", "not-seen": "Not seen"}


def coverage_markdown(corpus: Corpus) -> str:
    """The Source coverage page: each outline item and the statements that cite it."""
    used = coverage(corpus)
    totals = {"count": 0, "covered": 0, "left-out": 0, "not-seen": 0, "open": 0}
    sources = []
    for key, outline in sorted(corpus.outlines.items(),
                               key=lambda kv: corpus.bib_labels.get(kv[0], kv[0])):
        rows = []
        for item in outline.items:
            uses = used[key][item.locator]
            if uses:
                state, bucket = f"**Covered** ({len(uses)})", "covered"
            elif item.status in _STATUS:
                state, bucket = f"{_STATUS[item.status]}: {escape(item.reason or '')}", item.status
            else:
                state, bucket = "**Not yet covered**", "open"
            totals["count"] += 1
            totals[bucket] += 1
            links = ", ".join(f"[{u.id}]({u.page}.md#{u.id})" for u in uses) or "—"
            rows.append({"item": item, "status": Trusted(state), "uses": Trusted(links)})
        sources.append({"key": Trusted(key), "label": corpus.bib_labels.get(key, key),
                        "read": outline.read, "rows": rows})
    return template("coverage.md.j2").render(sources=sources, totals=totals)
