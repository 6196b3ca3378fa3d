"""Model → Markdown through Jinja2 templates. Pure functions: no file or network access here
(except Jinja's cache of compiled templates, when asked for)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

from .markup import Trusted, escape, escape_inline, flatten, guard_leading
from .model import Corpus, Excerpt, Page, Rule, Source
from .outlines import coverage
from .rules import ACTIONS, FRAMEWORKS, TIERS, differing, ordered, others
from .schema import schema
from .units import BRACES, format_threshold, lab_text

# Navigation groups in order: the schema's list, so a new group needs one edit.
GROUPS: list[str] = schema()["properties"]["group"]["enum"]
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


SYSTEM_NAMES = {
    "capillary-leak": "Capillary leak", "cardiovascular": "Cardiovascular",
    "pulmonary": "Pulmonary", "renal": "Renal", "hepatic": "Hepatic",
    "neurologic": "Neurologic", "haematologic": "Haematologic and bleeding",
    "infection": "Infection", "endocrine": "Endocrine", "dermatologic": "Dermatologic",
    "gastrointestinal": "Gastrointestinal", "musculoskeletal": "Musculoskeletal",
    "constitutional": "Constitutional", "management": "Combination rules",
}
DIFFERS = Trusted('<strong class="differs">Sources differ</strong>')


def system_name(topic: str) -> str:
    return SYSTEM_NAMES.get(topic, topic.replace("-", " ").capitalize())


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


def _ordered(rules: tuple[Rule, ...] | list[Rule]) -> list[Rule]:
    return ordered(rules, list(SYSTEM_NAMES))


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
                 [_rule_cells(r, differ) for r in _ordered(rules)],
                 "When to hold a dose, stop a cycle or stop IL-2 for good, by source of the rule")


def rules_by_system(rules: list[Rule]) -> Trusted:
    """One row per organ system, one column per source of rules: the side-by-side view."""
    rows = []
    ordered_rules = _ordered(rules)
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


def card_extra(r: Rule, rivals: list[Rule]) -> Trusted:
    """What follows a card row's finding: when to resume, and any source that differs."""
    text = f"<br>Resume when: {prose(r.resume)}" if r.resume else ""
    if rivals:
        text += f"<br>{differs_note(rivals)}"
    return Trusted(text)


def card_row(r: Rule, rivals: list[Rule]) -> Trusted:
    """The finding cell of one card row: finding, when to resume, and any source that differs.
    `data-rule` names the rule, so tests can tell which rules the card carries."""
    return Trusted(f'<span data-rule="{r.id}"></span>' + finding(r) + card_extra(r, rivals))


def card_table(entries: list[tuple[Rule, list[Rule]]]) -> Trusted:
    return table(["System", "Finding", "Whose rule", "Citation"],
                 [[escape(system_name(r.system)), card_row(r, rivals), FRAMEWORKS[r.framework],
                   cites(r.sources)] for r, rivals in entries],
                 "Rules, by organ system, with whose rule each is")


def card_data(corpus: Corpus) -> dict[str, object]:
    """What the bedside card shows; the PDF card and the site page both use this.

    Rules are grouped by what to do now, one group per action in the schema's order. Only
    verified rules and statements go on the card: unverified ones stay on their pages, marked.
    Key facts in a section that carries a rules table are left out (the card's own rule tables
    show those rules), and so are statements that explain an action (shown under its heading).
    """
    rules = [r for r in corpus.rules() if r.status == "verified"]
    differ = differing(rules)
    notes: dict[str, list[Excerpt]] = {a: [] for a in ACTIONS}
    regimen: list[Excerpt] = []
    key_numbers = []
    for p in corpus.pages:
        for e in p.excerpts():
            if e.explains and e.status == "verified":
                notes[e.explains].append(e)
        facts = [e for s in p.sections if not s.insert for e in s.statements()
                 if e.key_fact and not e.explains and e.status == "verified"]
        regimen += [e for e in facts if e.topic == "regimen"]
        rest = [e for e in facts if e.topic != "regimen"]
        if rest:
            key_numbers.append((p.title, rest))
    actions = [{"id": a, "title": title, "notes": notes[a],
                "rules": [(r, others(r, differ)) for r in _ordered(rules) if r.action == a]}
               for a, title in ACTIONS.items()]
    return {
        "regimen": regimen,
        "actions": [a for a in actions if a["rules"]],
        "key_numbers": key_numbers,
        "left_out": sum(r.status != "verified" for r in corpus.rules()),
    }


def card_markdown(corpus: Corpus, *, version: str, built: str) -> str:
    return template("card.md.j2").render(
        version=version, built=built, frameworks=list(FRAMEWORKS.values()), **card_data(corpus))


def _yaml(text: str) -> Trusted:
    return Trusted(json.dumps(" ".join(text.split()), ensure_ascii=False))


def _number(value: float) -> Trusted:
    # Front matter is YAML: the Markdown escaping of a leading digit ("&#49;") would break it.
    return Trusted(repr(float(value)))


@lru_cache(maxsize=1)  # templates ship with the package; editor data is never cached
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("il2ref", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        # Every {{ value }} is escaped unless our own code marked it Trusted.
        finalize=escape,
        autoescape=False,
    )
    env.filters.update(excerpt=excerpt, rules_table=rules_table,
                       rules_by_system=rules_by_system, yaml=_yaml, number=_number, prose=prose,
                       card_table=card_table)
    return env


def cache_compiled_templates(directory: Path) -> None:
    """Use Jinja's own bytecode cache: compiling the templates is ~18 ms of every build, and
    the cache re-checks each template's source, so an edited template is compiled afresh."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # a read-only checkout builds, only slower
    _env().bytecode_cache = FileSystemBytecodeCache(str(directory))


def template(name: str):  # type: ignore[no-untyped-def]
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


# A group with more pages than this is split into parts of at most this many. Material writes
# the whole navigation into every page; with `navigation.prune` it leaves out the parts that
# are not open, so a reference of 1,000 pages does not make each page 1,000 links long (and
# its build quadratic: measured 32 s -> 18 s for the 10,000-excerpt floor).
NAV_PART = 30


def _parts(pages: list[dict[str, str]]) -> list[dict[str, object]]:
    if len(pages) <= NAV_PART:
        return list(pages)
    out: list[dict[str, object]] = []
    for start in range(0, len(pages), NAV_PART):
        part = pages[start:start + NAV_PART]
        first, last = next(iter(part[0])), next(iter(part[-1]))
        out.append({f"{first} – {last}": part})
    return out


def nav(corpus: Corpus) -> list[dict[str, object]]:
    """Navigation from the data: add a YAML file and its page appears in its group."""
    out: list[dict[str, object]] = [{"Home": "index.md"},
                                     {"Quick-reference card": "quick-reference.md"}]
    for group in GROUPS:
        pages = [{p.title: f"{p.slug}.md"} for p in corpus.pages if p.group == group]
        if pages:
            out.append({group: _parts(pages)})
    out.append({"Test yourself": "self-test.md"})
    out.append({"Downloads": "downloads.md"})
    out.append({"About": [
        {"Glossary": "glossary.md"},
        {"References": "references.md"},
        {"Statements by source": "by-source.md"},
        {"Source coverage": "coverage.md"},
        {"Evidence freshness": "freshness.md"},
        {"What changed": "changes.md"},
        {"Source notes": "source-notes.md"},
        {"Editor guide": "editors.md"},
        {"Performance": "performance.md"},
    ]})
    return out


DOWNLOADS = [
    ("offline", "Offline site (.zip)",
     "Unzip anywhere and open index.html: works without a network, search included."),
    ("pdf_a4", "Whole reference, PDF (A4)",
     "Cover, contents, every page in order, with references."),
    ("pdf_letter", "Whole reference, PDF (US Letter)", "The same, on Letter paper."),
    ("card", "Bedside card, PDF",
     "Regimen; what to hold, what stops a cycle, what stops IL-2 for good and what rules out "
     "the next course; key numbers: two pages."),
    ("epub", "Whole reference, EPUB", "For e-readers."),
    ("json", "Data, JSON", "Every excerpt and rule with resolved references."),
    ("schema", "Data schema, JSON Schema", "Describes the JSON file."),
    ("excerpts_csv", "Excerpts, CSV", "One row per statement."),
    ("rules_csv", "Rules, CSV", "One row per hold or stop rule."),
]


def downloads_markdown(names: dict[str, str], *, version: str, built: str,
                       directory_urls: bool) -> str:
    """Links to `files/<name>` at the site root, relative to the page's own URL."""
    return template("downloads.md.j2").render(
        version=version, built=built, base=Trusted("../" if directory_urls else ""),
        items=[(Trusted(names[k]), label, note) for k, label, note in DOWNLOADS])


def changes_markdown(changes: object) -> str:
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
