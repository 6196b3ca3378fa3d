"""Model → Markdown through Jinja2 templates. Pure functions: no file or network access."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from functools import lru_cache

import yaml
from jinja2 import Environment, Template

from il2ref.core.coverage import coverage, unseen_rule_items
from il2ref.core.editions import EDITIONS
from il2ref.core.model import Changes, Corpus, Page
from il2ref.render.evidence import mix_line
from il2ref.render.inline import actions_in_words, excerpt, prose
from il2ref.render.jinja import environment
from il2ref.render.markup import Trusted, attribute, escape, html_text
from il2ref.render.rule_tables import all_rules, rules_table, unseen_line
from il2ref.render.time_course import overview_chart, overview_marks, page_chart


@lru_cache(maxsize=8192)  # a pure function of the text; a rebuild asks for the same ones
def _yaml(text: str) -> Trusted:
    """A front matter value: MkDocs and Material write `title` and `description` into the
    page's HTML as they are (`<title>`, the meta description, navigation), so the text is
    escaped for HTML first, then quoted by PyYAML itself (any character round-trips)."""
    return Trusted(yaml.dump(html_text(text), allow_unicode=True, default_style='"',
                             width=sys.maxsize).strip())


def _number(value: float) -> Trusted:
    # Front matter is YAML: the Markdown escaping of a leading digit ("&#49;") would break it.
    return Trusted(repr(float(value)))


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = environment("markdown")
    env.filters.update(excerpt=excerpt, rules_table=rules_table,
                       all_rules=all_rules, yaml=_yaml, number=_number, prose=prose,
                       attribute=attribute)
    env.globals["actions_in_words"] = actions_in_words
    return env


def template(name: str) -> Template:
    return _env().get_template(name)


def page_markdown(page: Page, corpus: Corpus) -> str:
    stats = {"statements": len(page.excerpts()) + len(page.rules),
             "sources": len({s.key for s in page.sources()})}
    overview = any(s.insert == "time-course" for s in page.sections)
    keys = [s.key for s in page.sources()]
    if overview:  # the overview's table cites each timed statement's sources too
        keys += [s.key for m in overview_marks(corpus) for s in m.excerpt.sources]
    cited = [corpus.bib_labels.get(k, k) for k in dict.fromkeys(keys)]
    return template("page.md.j2").render(
        page=page, stats=stats, all_rules=corpus.rules(), cited=cited,
        tags=corpus.index_tags(page), mix=mix_line([*page.excerpts(), *page.rules]),
        unseen=unseen_line(unseen_rule_items(corpus), corpus.bib_labels),
        chart=page_chart(page, corpus),
        overview=overview_chart(corpus) if overview else None,
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


def downloads_markdown(*, version: str, edition: str, built: str, directory_urls: bool) -> str:
    """Links to `files/<name>` at the site root, relative to the page's own URL."""
    return template("downloads.md.j2").render(
        edition=edition, built=built, base=Trusted("../" if directory_urls else ""),
        items=[(Trusted(e.file_name(version, built)), e.title, e.note, e.every_build)
               for e in EDITIONS])


def no_dosing_markdown() -> str:
    """The dose calculator's page when no page gives its constants."""
    return template("no-dose-calculator.md.j2").render()


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
