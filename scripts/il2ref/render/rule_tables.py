"""The hold and stop rules as HTML tables: one row per rule, finding first, the rules of one
finding in one row group, and, on the management page, one table per organ system with filters.

The same HTML serves every reader. Wide screens show the columns side by side; on a phone
extra.css draws each row as one block (finding, action, resume, source and citation); print,
the offline zip and screen readers get the same table. The tables are HTML rather than
Markdown because Markdown tables have no row groups and no attributes on rows; md_in_html
still parses each cell as Markdown, so citations become mkdocs-bibtex footnotes as elsewhere.
The explicit ARIA roles keep the table a table for assistive technology once CSS changes the
cells' display (browsers drop table semantics for `display: block` cells).
"""

from __future__ import annotations

from collections import Counter
from html import escape as attr

from il2ref.core.coverage import Unseen
from il2ref.core.evidence import kind_of
from il2ref.core.model import Rule
from il2ref.core.rules import ACTIONS, FRAMEWORKS, differing, ordered, system_name
from il2ref.render.filters import evidence_select, form, select
from il2ref.render.inline import DIFFERS, actions_in_words, cites, differs_note, finding, prose
from il2ref.render.markup import Trusted, escape

HEAD = ["Finding", "Action", "Resume when", "Source of rule", "Citation"]


def head_row(head: list[str]) -> str:
    return ('<thead role="rowgroup"><tr role="row">'
            + "".join(f'<th role="columnheader" scope="col">{h}</th>' for h in head)
            + "</tr></thead>")


def cells(parts: list[tuple[str, str]]) -> str:
    """(class, escaped Markdown) per cell; md_in_html parses each as Markdown (citations)."""
    return "".join(f'<td role="cell" class="{cls}" markdown="span">{text}</td>'
                   for cls, text in parts)


def _groups(rules: list[Rule]) -> list[list[Rule]]:
    """Consecutive rules of one finding (ordered() keeps them together), each rule alone
    otherwise."""
    out: list[list[Rule]] = []
    for r in rules:
        if out and r.finding and out[-1][0].finding == r.finding:
            out[-1].append(r)
        else:
            out.append([r])
    return out


def _row(r: Rule, differs: bool, id_prefix: str) -> str:
    parts = [
        ("rule-finding", finding(r) + (f" {DIFFERS}" if differs else "")),
        ("rule-action", escape(ACTIONS[r.action])),
        ("rule-resume", prose(r.resume) if r.resume else "—"),
        ("rule-source", escape(FRAMEWORKS[r.framework])),
        ("rule-cites", cites(r.sources)),
    ]
    return (f'<tr role="row" id="{id_prefix}{r.id}" data-rule="{r.id}" data-system="{r.system}" '
            f'data-source="{r.framework}" data-action="{r.action}" '
            f'data-evidence="{kind_of(r).evidence}" markdown="1">'
            f"{cells(parts)}</tr>")


def _table(rules: list[Rule], differ: dict[str, list[Rule]], caption: str,
           id_prefix: str, kind: str) -> str:
    groups = _groups(rules)
    # On the management page, the number of rows below the header: extra.css guesses the
    # table's height on a phone from it until the table is first drawn (content-visibility).
    rows = len(rules) + sum(1 for g in groups if g[0].finding and g[0].finding in differ)
    style = f' style="--rows: {rows}"' if kind == "all" else ""
    lines = [f'<table role="table" data-rules="{kind}"{style} markdown="1">',
             # Raw, not Markdown: an abbreviation's tab stop inside a caption is a focusable
             # child that the table role does not allow (axe aria-required-children).
             f"<caption>{attr(caption)}</caption>",
             head_row(HEAD)]
    for group in groups:
        finding_id = group[0].finding
        differs = bool(finding_id and finding_id in differ)
        data = f' data-finding="{attr(finding_id)}"' if finding_id else ""
        lines.append(f'<tbody role="rowgroup"{data}{" data-differs" if differs else ""} '
                     'markdown="1">')
        if differs:
            # One line above the group that names every side, so a reader who narrows the
            # table to one source still sees what the others ask.
            lines.append(f'<tr role="row" class="rule-differs" markdown="1"><td role="cell" '
                         f'colspan="{len(HEAD)}" markdown="span">{differs_note(group)}</td></tr>')
        lines += [_row(r, differs, id_prefix) for r in group]
        lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def rules_table(rules: tuple[Rule, ...] | list[Rule], all_rules: list[Rule]) -> Trusted:
    """A page's own rules. Row ids are the rule ids: "Statements by source" links to them."""
    return Trusted(_table(ordered(rules), differing(all_rules),
                          f"What to do ({actions_in_words()}), by finding and source of "
                          "the rule", "", "page"))


def unseen_line(unseen: list[Unseen], labels: dict[str, str]) -> Trusted:
    """The one visible line above every rule table and on the card while a rule-giving table
    has parts no stored copy showed (il2ref.core.coverage.unseen_rule_items); empty once none."""
    if not unseen:
        return Trusted("")
    # Short at the bedside: why each part was not seen is on the Source coverage page.
    parts = "; ".join(
        f"{escape(labels.get(u.key, u.key))}, {escape(u.item.locator)} ({escape(u.item.title)})"
        for u in unseen)
    return Trusted('<p class="rules-unseen" data-unseen markdown="span"><strong>Not yet '
                   f"included:</strong> {parts}. No stored copy of these parts was read, so "
                   "their rules are not on this site: check the source itself.</p>")


def _filters(rules: list[Rule]) -> str:
    """The filter form (il2ref.render.filters) over every rule row."""
    systems: dict[str, str] = {s: system_name(s) for s in dict.fromkeys(r.system for r in rules)}
    selects = [
        select("system", "Organ system", Counter(r.system for r in rules), systems,
               "All systems"),
        select("source", "Source of rule", Counter(r.framework for r in rules), FRAMEWORKS,
               "All sources"),
        select("action", "Action", Counter(r.action for r in rules), ACTIONS, "All actions"),
        evidence_select(Counter(kind_of(r).evidence for r in rules)),
    ]
    return form(selects, name="Narrow the rules by organ system, source, action or evidence",
                items="table[data-rules] tr[data-rule]",
                groups="table[data-rules] tbody, .rule-system", noun="rules")


def all_rules(rules: list[Rule]) -> Trusted:
    """Every rule of the site, one table per organ system under its own heading, with the
    filter form above. Rows carry `all-` ids: each rule's own id belongs to its page's table.
    The page loads rule-filters.js (page.md.j2 names it under `scripts` in its front matter)."""
    differ = differing(rules)
    by_system: dict[str, list[Rule]] = {}
    for r in ordered(rules):
        by_system.setdefault(r.system, []).append(r)
    parts = ['<div class="all-rules" markdown="1">', _filters(rules)]
    for system, members in by_system.items():
        name = system_name(system)
        parts.append(
            f'<div class="rule-system" data-system="{system}" markdown="1">\n\n'
            f"### {escape(name)} {{ #rules-{system} }}\n\n"
            + _table(members, differ, f"{name}: hold and stop rules by finding and source",
                     "all-", "all")
            + "\n\n</div>")
    parts.append("</div>")
    return Trusted("\n\n".join(parts))
