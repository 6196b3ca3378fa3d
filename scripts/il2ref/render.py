"""Model → Markdown through Jinja2 templates. Pure functions: no file or network access here."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from .markup import Trusted, escape, escape_inline, flatten, guard_leading
from .model import Corpus, Excerpt, Page, Rule, Source
from .units import LAB, format_lab, format_threshold

FRAMEWORKS = {
    "label-2024": "US label (2024)",
    "label-legacy": "US label (legacy)",
    "consensus-2014": "Expert consensus (2014)",
    "post-til-2024": "Post-TIL guidance (2024)",
}
ACTIONS = {"withhold": "Withhold dose", "discontinue": "Permanently discontinue"}
GROUPS = ["Background", "Toxicities", "Organ systems", "Management", "Context"]
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
    title = f"Excerpt {e.id}"
    claim = f'<span class="claim" id="{e.id}" title="{title}">{prose(e.claim)}</span>'
    return Trusted(f"{claim}{badges} {cites(e.sources)}")


def _rule_row(r: Rule, *, with_system: bool = False) -> str:
    cells = []
    if with_system:
        cells.append(escape(r.system.replace("-", " ").capitalize()))
    threshold = escape(format_threshold(r.threshold)) if r.threshold else "—"
    criterion = prose(r.criterion) + (" " + UNVERIFIED if r.status == "unverified" else "")
    cells += [
        FRAMEWORKS[r.framework], ACTIONS[r.action], criterion, threshold,
        prose(r.resume) if r.resume else "—", cites(r.sources),
    ]
    return "| " + " | ".join(cells) + " |"


def rules_table(rules: tuple[Rule, ...] | list[Rule], *, with_system: bool = False) -> Trusted:
    head = ["Source of rule", "Action", "Finding", "Threshold", "Resume when", "Citation"]
    if with_system:
        head.insert(0, "System")
    ordered = sorted(rules, key=lambda r: (r.system, list(FRAMEWORKS).index(r.framework), r.action))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [_rule_row(r, with_system=with_system) for r in ordered]
    return Trusted("\n".join(lines))


def rules_by_system(rules: list[Rule]) -> Trusted:
    return rules_table(rules, with_system=True)


def _yaml(text: str) -> Trusted:
    return Trusted(json.dumps(" ".join(text.split()), ensure_ascii=False))


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
                       rules_by_system=rules_by_system, yaml=_yaml)
    return env


def template(name: str):  # type: ignore[no-untyped-def]
    return _env().get_template(name)


def page_markdown(page: Page, corpus: Corpus) -> str:
    statements = page.excerpts()
    keys = {s.key for e in statements for s in e.sources} | {
        s.key for r in page.rules for s in r.sources
    }
    stats = {"statements": len(statements) + len(page.rules), "sources": len(keys)}
    return _env().get_template("page.md.j2").render(
        page=page, stats=stats, all_rules=corpus.rules()
    )


def references_markdown(corpus: Corpus) -> str:
    """The bibliography page, citing each used key once so back-links resolve."""
    usage: dict[str, Counter[str]] = defaultdict(Counter)
    for page in corpus.pages:
        for e in page.excerpts():
            for s in e.sources:
                usage[s.key][page.slug] += 1
        for r in page.rules:
            for s in r.sources:
                usage[s.key][page.slug] += 1
    by_slug = {p.slug: p for p in corpus.pages}
    rows = [
        (Trusted(key), [(by_slug[slug], n) for slug, n in counts.most_common()])
        for key, counts in sorted(usage.items())
    ]
    return _env().get_template("references.md.j2").render(usage=rows)


def nav(corpus: Corpus) -> list[dict[str, object]]:
    """Navigation from the data: add a YAML file and its page appears in its group."""
    out: list[dict[str, object]] = [{"Home": "index.md"}]
    for group in GROUPS:
        pages = [{p.title: f"{p.slug}.md"} for p in corpus.pages if p.group == group]
        if pages:
            out.append({group: pages})
    out.append({"References": "references.md"})
    out.append({"Editor guide": "editors.md"})
    return out
