"""The per-dose nursing sheet for one cycle: one column per dose the data's cycle holds, one row
per check the rules ask for when a dose is due, each row carrying its rules by source (action,
threshold, citation) and a cell per dose to record the value; then the decision. What it shows
(`sheet_data`) is shared by the printed sheet (A4 and Letter, landscape) and the site page, so
the two cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from il2ref.core.coverage import Unseen, unseen_rule_items
from il2ref.core.model import Corpus, Rule, Source
from il2ref.core.rules import ACTIONS, FRAMEWORKS, MEASURES, differing, system_name
from il2ref.render.card import _URL, _short_labels, _words
from il2ref.render.dose_calculator import find_dosing
from il2ref.render.inline import finding, prose
from il2ref.render.jinja import environment
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted, escape
from il2ref.render.rule_tables import unseen_line

# Checked before each new course, not when a dose is due (the schema's meaning of the action):
# those rules stay on the card.
NEXT_COURSE = "retreatment-contraindication"
DOSE_ACTIONS = [a for a in ACTIONS if a != NEXT_COURSE]
PAPERS = {"A4": "A4", "Letter": "letter"}  # edition name -> CSS @page size keyword


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    measures: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()


# Which rules a nurse checks together: by what a rule's threshold measures (or the measure of
# another rule on the same finding), else by organ system. Only the grouping is editorial; the
# rules, their words and numbers come from the data, and a rule no check claims gets a row of
# its own measure or system, so none is ever dropped. A check without rules is not drawn.
CHECKS = (
    Check("blood-pressure", "Blood pressure and vasopressor need",
          ("systolic-bp", "phenylephrine")),
    Check("heart", "Heart rate, rhythm and ECG", ("heart-rate",), ("cardiovascular",)),
    Check("breathing", "Oxygen saturation and breathing", ("spo2", "oxygen-flow", "intubation"),
          ("pulmonary",)),
    Check("urine", "Urine output", ("urine-output",)),
    Check("weight", "Weight", ("weight-gain",)),
    Check("temperature", "Temperature", ("temperature",)),
    Check("mental-status", "Mental status", ("coma",), ("neurologic",)),
    Check("blood-tests", "Blood tests", ("creatinine", "bilirubin", "platelets", "bicarbonate"),
          ("renal", "hepatic")),
    Check("gut", "Gut", ("diarrhoea",), ("gastrointestinal",)),
    Check("bleeding", "Bleeding", (), ("haematologic",)),
    Check("skin", "Skin", (), ("dermatologic",)),
    Check("infection", "Infection", (), ("infection",)),
    Check("musculoskeletal", "Musculoskeletal", (), ("musculoskeletal",)),
)
COUNTS = Check("counts", "Criteria met at this dose, counted")
HELD = "held-doses"


@dataclass(frozen=True)
class SheetRow:
    check: Check
    rules: list[tuple[Rule, bool]]  # each rule, and whether another source differs on it


@dataclass(frozen=True)
class SheetData:
    doses: int  # columns; 0 when the data gives no cycle length
    cycle_sources: tuple[Source, ...]
    cycle_label: str | None
    rows: list[SheetRow]
    held: list[Rule]  # rules that count held doses: the sheet then keeps a tally
    decisions: list[str]  # the action titles a decision can take, in the schema's order
    omitted: list[Rule]  # unverified rules, left off
    unseen: list[Unseen]  # parts of rule-giving tables no stored copy showed
    next_course: int  # verified rules for a later course (on the card, not here)

    def rules(self) -> list[Rule]:
        return [r for row in self.rows for r, _ in row.rules] + self.held


def _check(rule: Rule, finding_measures: dict[str, str]) -> Check:
    measure = (rule.threshold.measure if rule.threshold
               else finding_measures.get(rule.finding or ""))
    if measure:
        found = next((c for c in CHECKS if measure in c.measures), None)
        return found or Check(measure, MEASURES.get(measure, measure), (measure,))
    found = next((c for c in CHECKS if rule.system in c.systems), None)
    return found or Check(rule.system, system_name(rule.system), (), (rule.system,))


def sheet_data(corpus: Corpus) -> SheetData:
    """Only verified rules whose action is taken when a dose is due; the unverified ones are
    named as left off. Rows in CHECKS order (any row of its own after them), rules in a row by
    source, then action, in the schema's order."""
    rules = [r for r in corpus.rules() if r.status == "verified" and r.action in DOSE_ACTIONS]
    differ = differing(rules)
    finding_measures: dict[str, str] = {}
    for r in rules:
        if r.finding and r.threshold:
            finding_measures.setdefault(r.finding, r.threshold.measure)
    rows: dict[str, SheetRow] = {c.id: SheetRow(c, []) for c in (*CHECKS, COUNTS)}
    held = []
    for r in sorted(rules, key=lambda r: (list(FRAMEWORKS).index(r.framework),
                                          list(ACTIONS).index(r.action))):
        if r.cumulative and r.cumulative.counts == HELD:
            held.append(r)
            continue
        check = COUNTS if r.cumulative else _check(r, finding_measures)
        rows.setdefault(check.id, SheetRow(check, []))
        rows[check.id].rules.append((r, bool(r.finding and r.finding in differ)))
    order = [c.id for c in CHECKS] + [k for k in rows if k not in {c.id for c in CHECKS}
                                      and k != COUNTS.id] + [COUNTS.id]
    used = {r.action for r in rules}
    dosing = find_dosing(corpus)
    return SheetData(
        doses=(dosing.cycle_doses or 0) if dosing else 0,
        cycle_sources=dosing.cycle_sources if dosing else (),
        cycle_label=dosing.cycle_label if dosing else None,
        rows=[rows[k] for k in order if rows[k].rules], held=held,
        decisions=[title for a, title in ACTIONS.items() if a in used],
        omitted=[r for r in corpus.rules() if r.status != "verified"],
        unseen=unseen_rule_items(corpus),
        next_course=sum(r.status == "verified" and r.action == NEXT_COURSE
                        for r in corpus.rules()))


def _sources(data: SheetData) -> list[Source]:
    return [*data.cycle_sources, *(s for r in data.rules() for s in r.sources),
            *(s for r in data.omitted for s in r.sources)]


def _text(text: str) -> Markup:
    """Editor text (locators, short labels) as markup.escape gives it: numeric entities, which
    are HTML too, so the site page's Markdown can read no citation or syntax into them."""
    return Markup(escape(text))


def _citations(corpus: Corpus, data: SheetData, link: Callable[[str], str] | None = None
               ) -> Callable[[Rule], Markup]:
    """rule -> 'Expert consensus (2014) [Dutcher 2014, Table 3]', a label's own name only once
    (as on the card). `link`: key -> the address of its reference (the site); without it,
    citations are plain text (paper)."""
    labels = _short_labels(corpus, _sources(data))

    def cite(s: Source) -> Markup:
        label, locator = _text(labels[s.key]), _text(s.locator)
        if link:
            return Markup('<a href="{}">{}</a>, {}').format(link(s.key), label, locator)
        return Markup("{}, {}").format(label, locator)

    def who(rule: Rule) -> Markup:
        title = FRAMEWORKS[rule.framework]
        if all(_words(corpus.bib_labels[s.key]) == _words(title) for s in rule.sources):
            return Markup("{} [{}]").format(title, Markup("; ").join(
                _text(s.locator) for s in rule.sources))
        return Markup("{} [{}]").format(title, Markup("; ").join(cite(s) for s in rule.sources))

    return who


def sheet_table(corpus: Corpus, data: SheetData,
                link: Callable[[str], str] | None = None) -> Markup:
    """The sheet's table, for the printed sheet and the site page alike."""
    return Markup(environment("html").get_template("nursing-sheet-table.html.j2").render(
        data=data, actions=ACTIONS, who=_citations(corpus, data, link),
        finding=lambda r: Markup(finding(r)), prose=lambda t: Markup(prose(t)),
        doses=range(1, data.doses + 1)))


def sheet_html(corpus: Corpus, references: dict[str, str], *, paper: str,
               edition: str, built: str, qr_svg: str = "", online: str = "") -> str:
    """The printable sheet on `paper` (a key of PAPERS); `references`: key -> the
    reference's text, as the site gives it."""
    data = sheet_data(corpus)
    labels = _short_labels(corpus, _sources(data))
    listed = sorted((label, _URL.sub("", references[key])) for key, label in labels.items())
    return environment("html").get_template("nursing-sheet.html.j2").render(
        page_size=PAPERS[paper], paper=paper, edition=edition, built=built,
        qr_svg=Markup(qr_svg), online=online, references=listed,
        table=sheet_table(corpus, data), **_common(corpus, data))


def _common(corpus: Corpus, data: SheetData) -> dict[str, object]:
    """What the printed sheet and the site page say around the table."""
    labels = _short_labels(corpus, _sources(data))
    return {
        "data": data, "unseen_line": Markup(unseen_line(data.unseen, corpus.bib_labels)),
        "who": _citations(corpus, data), "actions": ACTIONS,
        "next_course_title": ACTIONS[NEXT_COURSE],
        "short": lambda sources: _text("; ".join(f"{labels[s.key]}, {s.locator}"
                                                 for s in sources)),
        "prose": lambda t: Markup(prose(t)),
    }


def sheet_markdown(corpus: Corpus, *, edition: str, built: str,
                   directory_urls: bool = True) -> str:
    """The site page: the same table in a box of its own that scrolls sideways on a phone,
    each citation linked to its source's statements."""
    data = sheet_data(corpus)
    base = "../by-source/" if directory_urls else "by-source.html"
    html = environment("html").get_template("nursing-sheet-page.html.j2").render(
        table=sheet_table(corpus, data, link=lambda key: f"{base}#src-{key}"),
        **_common(corpus, data))
    # One raw HTML block for Markdown: no blank line may end it early.
    html = "\n".join(line for line in html.splitlines() if line.strip())
    return template("nursing-sheet.md.j2").render(edition=edition, built=built,
                                                  sheet=Trusted(html))
