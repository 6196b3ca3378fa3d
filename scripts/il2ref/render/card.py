"""The bedside card: what it shows (`card_data`), as a site page (Markdown) and as a
standalone printable HTML page. Both read the same `CardData`, so they cannot disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from markupsafe import Markup

from il2ref.core.coverage import Unseen, unseen_rule_items
from il2ref.core.model import Corpus, Excerpt, Rule, Source
from il2ref.core.rules import ACTIONS, FRAMEWORKS, differing, ordered, others, system_name
from il2ref.render.inline import cites, differs_note, finding, prose
from il2ref.render.jinja import environment
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted, escape
from il2ref.render.rule_tables import cells, head_row, unseen_line

# URLs and DOIs stay in the site and the data edition; on paper they only cost space.
_URL = re.compile(r"\s*(URL: |doi:|<?https?://)\S+")


@dataclass(frozen=True)
class CardAction:
    id: str
    title: str
    notes: list[Excerpt]  # statements that explain what this action means
    rules: list[tuple[Rule, list[Rule]]]  # each rule with the rules of other sources that differ


@dataclass(frozen=True)
class CardData:
    regimen: list[Excerpt]
    actions: list[CardAction]
    key_numbers: list[tuple[str, list[Excerpt]]]  # (page title, its key facts)
    left_out: int  # unverified rules, not on the card
    unseen: list[Unseen]  # parts of rule-giving tables no stored copy showed


def card_data(corpus: Corpus) -> CardData:
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
    actions = [CardAction(a, title, notes[a],
                          [(r, others(r, differ)) for r in ordered(rules) if r.action == a])
               for a, title in ACTIONS.items()]
    return CardData(regimen, [a for a in actions if a.rules], key_numbers,
                    sum(r.status != "verified" for r in corpus.rules()),
                    unseen_rule_items(corpus))


def card_extra(r: Rule, rivals: list[Rule]) -> Trusted:
    """What follows a card row's finding: when to resume, and any source that differs."""
    text = f"<br>Resume when: {prose(r.resume)}" if r.resume else ""
    if rivals:
        text += f"<br>{differs_note(rivals)}"
    return Trusted(text)


CARD_HEAD = ["System", "Finding", "Whose rule", "Citation"]


def card_table(entries: list[tuple[Rule, list[Rule]]]) -> Trusted:
    """One action's rules on the card page. HTML, as the rule tables are (rule_tables.py says
    why): on a phone extra.css draws each row as one block (system, then the finding with when
    to resume and any source that differs, then whose rule and the citation) instead of four
    columns that scroll sideways; the ARIA roles keep it a table for screen readers."""
    lines = ['<table role="table" data-rules="card" markdown="1">',
             "<caption>Rules, by organ system, with whose rule each is</caption>",
             head_row(CARD_HEAD), '<tbody role="rowgroup" markdown="1">']
    for r, rivals in entries:
        parts = [("rule-system", escape(system_name(r.system))),
                 ("rule-finding", finding(r) + Trusted(
                     f'<span class="card-extra">{card_extra(r, rivals)}</span>')),
                 ("rule-source", escape(FRAMEWORKS[r.framework])),
                 ("rule-cites", cites(r.sources))]
        lines.append(f'<tr role="row" data-rule="{r.id}" markdown="1">{cells(parts)}</tr>')
    lines += ["</tbody>", "</table>"]
    return Trusted("\n".join(lines))


def card_markdown(corpus: Corpus, *, edition: str, built: str, ref: str = "",
                  directory_urls: bool = True) -> str:
    """`ref`: this build's release tag or commit, which the printed card's QR code names."""
    data = card_data(corpus)
    return template("card.md.j2").render(
        edition=edition, built=built, frameworks=list(FRAMEWORKS.values()), ref=ref,
        changes=Trusted("../changes/" if directory_urls else "changes.html"),
        card_table=card_table, unseen_line=unseen_line(data.unseen, corpus.bib_labels),
        **vars(data))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _sources_in_order(data: CardData) -> list[Source]:
    """Every source the HTML card cites, in the order the card shows them."""
    excerpts = [*data.regimen, *(e for a in data.actions for e in a.notes)]
    found = [s for e in excerpts for s in e.sources]
    found += [s for a in data.actions for r, _ in a.rules for s in r.sources]
    found += [s for _, items in data.key_numbers for e in items for s in e.sources]
    return found


def _short_labels(corpus: Corpus, sources: list[Source]) -> dict[str, str]:
    """key -> short label ("Dutcher 2014"); a label that collides with an earlier key's (same
    author and year) gets its key appended."""
    labels: dict[str, str] = {}
    taken: dict[str, str] = {}
    for s in sources:
        if s.key in labels:
            continue
        label = corpus.bib_labels[s.key]
        if label in taken:
            label = f"{label} ({s.key})"
        taken[label] = s.key
        labels[s.key] = label
    return labels


def card_html(corpus: Corpus, references: dict[str, str], *, edition: str, built: str,
              qr_svg: str = "", online: str = "") -> str:
    """`references`: key -> the reference's text, as the site formats it."""
    data = card_data(corpus)
    labels = _short_labels(corpus, _sources_in_order(data))

    def short(sources: tuple[Source, ...]) -> str:
        return "; ".join(f"{labels[s.key]}, {s.locator}" for s in sources)

    def who(rule: Rule) -> str:
        """'Expert consensus (2014) [Dutcher 2014, Table 3]'; a label's own name only once."""
        cited = short(rule.sources)
        title = FRAMEWORKS[rule.framework]
        if all(_words(corpus.bib_labels[s.key]) == _words(title) for s in rule.sources):
            cited = "; ".join(s.locator for s in rule.sources)
        return f"{title} [{cited}]"

    env = environment("html")
    listed = sorted((label, _URL.sub("", references[key])) for key, label in labels.items())
    return env.get_template("card.html.j2").render(
        edition=edition, built=built, references=listed, qr_svg=Markup(qr_svg), online=online,
        # The site's own escaped text (numeric entities are valid HTML too).
        prose=lambda t: Markup(prose(t)), short=short, finding=lambda r: Markup(finding(r)),
        extra=lambda r, rivals: Markup(card_extra(r, rivals)), who=who,
        unseen_line=Markup(unseen_line(data.unseen, corpus.bib_labels)),
        # Consecutive rows of one organ system under one heading (rows arrive in order).
        by_system=lambda entries: [(system_name(s), list(rows)) for s, rows in
                                   groupby(entries, key=lambda entry: entry[0].system)],
        **vars(data))
