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
from .schema import schema
from .units import LAB, format_lab, format_threshold

FRAMEWORKS = {
    "label-2024": "US label (2024)",
    "label-legacy": "US label (legacy)",
    "consensus-2014": "Expert consensus (2014)",
    "post-til-2024": "Post-TIL guidance (2024)",
}
ACTIONS = {"withhold": "Withhold dose", "discontinue": "Permanently discontinue"}
# Navigation groups in order: the schema's list, so a new group needs one edit.
GROUPS: list[str] = schema()["properties"]["group"]["enum"]
UNVERIFIED = Trusted(
    '<span class="unverified" title="Not yet checked against the source text">unverified</span>'
)


def prose(text: str) -> Trusted:
    """Escape editor text, turning `{creatinine 3 mg/dL}` into both units."""
    text = flatten(text)
    out, pos = [], 0
    for m in LAB.finditer(text):
        out += [escape_inline(text[pos:m.start()]), escape_inline(format_lab(m))]
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
    "gastrointestinal": "Gastrointestinal", "constitutional": "Constitutional",
}


def system_name(topic: str) -> str:
    return SYSTEM_NAMES.get(topic, topic.replace("-", " ").capitalize())


def finding(r: Rule) -> Trusted:
    """'Serum creatinine ≥ 3 mg/dL (≥ 265 µmol/L)', with an unverified mark where due."""
    text = prose(r.criterion)
    if r.threshold:
        text = Trusted(f"{text}: {escape(format_threshold(r.threshold))}")
    if r.status == "unverified":
        text = Trusted(f"{text} {UNVERIFIED}")
    return text


def _rule_cells(r: Rule) -> list[str]:
    anchor = f'<span id="{r.id}"></span>'  # the target of links from "Statements by source"
    return [FRAMEWORKS[r.framework], ACTIONS[r.action], anchor + finding(r),
            prose(r.resume) if r.resume else "—", cites(r.sources)]


def _ordered(rules: tuple[Rule, ...] | list[Rule]) -> list[Rule]:
    systems = list(SYSTEM_NAMES)
    return sorted(rules, key=lambda r: (
        systems.index(r.system) if r.system in systems else len(systems),
        list(FRAMEWORKS).index(r.framework), r.action != "withhold", r.id))


def caption(table: str, text: str) -> Trusted:
    """A table caption (pymdownx.blocks.caption), read out by screen readers with the table."""
    return Trusted(f"{table}\n\n/// table-caption\n{escape(text)}\n///")


def table(head: list[str], rows: list[list[str]], title: str) -> Trusted:
    """A Markdown table with its caption; cells are already escaped Markdown."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return caption("\n".join(lines), title)


def rules_table(rules: tuple[Rule, ...] | list[Rule]) -> Trusted:
    return table(["Source of rule", "Action", "Finding", "Resume when", "Citation"],
                 [_rule_cells(r) for r in _ordered(rules)],
                 "When to withhold a dose or stop IL-2, by source of the rule")


def rules_by_system(rules: list[Rule]) -> Trusted:
    """One row per organ system, one column per source of rules: the side-by-side view."""
    rows = []
    ordered = _ordered(rules)
    for system in dict.fromkeys(r.system for r in ordered):
        cells = [f"**{escape(system_name(system))}**"]
        for framework in FRAMEWORKS:
            items = [
                f"**{'Withhold' if r.action == 'withhold' else 'Stop'}:** {finding(r)} "
                f"{cites(r.sources)}"
                for r in ordered if r.system == system and r.framework == framework
            ]
            cells.append("<br>".join(items) if items else "—")
        rows.append(cells)
    return table(["System", *FRAMEWORKS.values()], rows,
                 "Withhold and stop rules by organ system: one column per source of rules")


def card_table(rules: list[Rule]) -> Trusted:
    return table(["System", "Finding", "Whose rule", "Citation"],
                 [[escape(system_name(r.system)), finding(r), FRAMEWORKS[r.framework],
                   cites(r.sources)] for r in _ordered(rules)],
                 "Rules, by organ system, with whose rule each is")


def card_data(corpus: Corpus) -> dict[str, object]:
    """What the bedside card shows; the PDF card and the site page both use this.

    Key facts in a section that carries a rules table are left out: the card's own withhold
    and stop tables already show those rules.
    """
    rules = corpus.rules()
    regimen: list[Excerpt] = []
    key_numbers = []
    for p in corpus.pages:
        facts = [e for s in p.sections if not s.insert for e in s.statements() if e.key_fact]
        regimen += [e for e in facts if e.topic == "regimen"]
        others = [e for e in facts if e.topic != "regimen"]
        if others:
            key_numbers.append((p.title, others))
    return {
        "regimen": regimen,
        "withhold": _ordered([r for r in rules if r.action == "withhold"]),
        "stop": _ordered([r for r in rules if r.action == "discontinue"]),
        "key_numbers": key_numbers,
    }


def card_markdown(corpus: Corpus, *, version: str, built: str) -> str:
    return template("card.md.j2").render(
        version=version, built=built, **card_data(corpus))


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
    return template("page.md.j2").render(
        page=page, stats=stats, all_rules=corpus.rules()
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
    ("card", "Bedside card, PDF", "Regimen, withhold and stop lists, key numbers: two pages."),
    ("epub", "Whole reference, EPUB", "For e-readers."),
    ("json", "Data, JSON", "Every excerpt and rule with resolved references."),
    ("schema", "Data schema, JSON Schema", "Describes the JSON file."),
    ("excerpts_csv", "Excerpts, CSV", "One row per statement."),
    ("rules_csv", "Rules, CSV", "One row per withhold or stop rule."),
]


def downloads_markdown(names: dict[str, str], *, version: str, built: str,
                       directory_urls: bool) -> str:
    """Links to `files/<name>` at the site root, relative to the page's own URL."""
    return template("downloads.md.j2").render(
        version=version, built=built, base=Trusted("../" if directory_urls else ""),
        items=[(Trusted(names[k]), label, note) for k, label, note in DOWNLOADS])


def changes_markdown(changes: object) -> str:
    return template("changes.md.j2").render(changes=changes)
