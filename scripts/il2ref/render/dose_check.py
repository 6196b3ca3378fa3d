"""The Dose-time check page: an input per measure and a tick box per criterion without a
number, all generated from the rules, and every criterion listed by source with its action,
resume condition and citation. docs/javascripts/dose-check.js shows the criteria met; the
logic it follows is il2ref.core.dose_check's."""

from __future__ import annotations

import json

from il2ref.core import dose_check as dc
from il2ref.core.model import Corpus, Rule
from il2ref.core.rules import ACTIONS, FRAMEWORKS, differing, ordered, others
from il2ref.core.units import NUMBER
from il2ref.render.inline import cites, differs_note, finding, prose
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted, escape


def _data(rules: list[Rule]) -> dict[str, object]:
    all_inputs, boxes = dc.inputs(rules), dc.tick_keys(rules)
    out = []
    for r in rules:
        t = r.threshold
        out.append({
            "id": r.id, "framework": r.framework, "tier": r.tier,
            "input": dc.input_key(r, all_inputs), "tick": boxes.get(r.id),
            "comparator": t.comparator if t else None, "value": t.value if t else None,
            "low": t.low if t else None, "high": t.high if t else None,
            "counts": r.cumulative.counts if r.cumulative else None,
            "atLeast": r.cumulative.at_least if r.cumulative else None})
    # The script reads the counts' tiers and which sources count held doses from here, not
    # from its own copy (review D13).
    held_by = sorted({r.framework for r in rules
                      if r.cumulative and r.cumulative.counts == dc.HELD})
    return {"number": NUMBER, "held": dc.HELD, "tiers": dc.TIER, "heldBy": held_by, "rules": out}


def _item(r: Rule, differ: dict[str, list[Rule]]) -> Trusted:
    rivals = others(r, differ)
    text = (f"{finding(r)}: **{escape(ACTIONS[r.action])}**"
            + (f". Resume when: {prose(r.resume)}" if r.resume else "")
            + f" {cites(r.sources)}")
    if rivals:
        text += f"<br>{differs_note(rivals)}"
    return Trusted(f'<li data-rule="{r.id}" markdown="1">{text}</li>')


def _gap(r: Rule, held: int) -> str:
    assert r.cumulative
    tier, count = dc.TIER[r.cumulative.counts], r.cumulative.at_least
    if held < count:
        return (f"this reference holds {'none' if held == 0 else f'only {held}'} of that "
                f"source's {tier} criteria, so the check can never reach {count} of them")
    return (f"this reference holds only {held} of that source's {tier} criteria (those where "
            f"it differs from another source), so fewer than {count} met here does not mean "
            f"fewer at the bedside")


def dose_check_markdown(corpus: Corpus) -> str:
    rules = corpus.rules()
    differ = differing(rules)
    by_source = [(f, FRAMEWORKS[f], [_item(r, differ) for r in ordered(rules)
                                     if r.framework == f]) for f in FRAMEWORKS]
    by_id = {r.id: r for r in rules}
    tick_boxes = [(t.key, prose(by_id[t.rules[0]].criterion),
                   " · ".join(dict.fromkeys(FRAMEWORKS[by_id[i].framework] for i in t.rules)))
                  for t in dc.ticks(rules)]
    gaps = [Trusted(f"{finding(r)} ({escape(FRAMEWORKS[r.framework])}): {_gap(r, held)} "
                    f"{cites(r.sources)}")
            for r, held in dc.out_of_reach(rules) if r.cumulative]
    return template("dose-check.md.j2").render(
        gaps=gaps, inputs=dc.inputs(rules), ticks=tick_boxes, held=dc.HELD, by_source=by_source,
        data=Trusted(json.dumps(_data(rules), ensure_ascii=False).replace("<", "\\u003c")))
