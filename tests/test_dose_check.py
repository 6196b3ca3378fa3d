"""The Dose-time check: inputs and tick boxes generated from the rules, and, for every numeric
rule, a value just past its threshold shows it and a value just short does not, in Chromium,
with the whole set shown equal to the Python reference (il2ref.core.dose_check)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import lxml.html
import pytest

from conftest import ROOT
from il2ref.core import dose_check as dc
from il2ref.core.model import Rule
from il2ref.load.corpus import load_corpus

STEP = 0.01  # the finest value the number grammar reads (two decimals)


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_corpus(ROOT)[0].rules()


def _text(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _sides(rule: Rule) -> list[tuple[str, bool]]:
    """(value, should it meet the rule) just past and just short of the threshold."""
    t = rule.threshold
    assert t is not None
    if t.comparator == "range":
        assert t.low is not None and t.high is not None
        return [(_text(t.low), True), (_text(t.high), True),
                (_text(t.low - STEP), False), (_text(t.high + STEP), False)]
    assert t.value is not None
    v = t.value
    return {">": [(_text(v + STEP), True), (_text(v), False)],
            ">=": [(_text(v), True), (_text(v - STEP), False)],
            "<": [(_text(v - STEP), True), (_text(v), False)],
            "<=": [(_text(v), True), (_text(v + STEP), False)]}[t.comparator]


def test_every_rule_has_its_input_or_tick_box(rules: list[Rule]) -> None:
    inputs = dc.inputs(rules)
    assert len({i.key for i in inputs}) == len(inputs)
    ticked = {rule_id for t in dc.ticks(rules) for rule_id in t.rules}
    by_id = {r.id: r for r in rules}
    for r in rules:
        if r.threshold:
            key = dc.input_key(r, inputs)
            assert key and key.split(".")[0] == r.threshold.measure, r.id
        elif not r.cumulative:
            assert r.id in ticked, r.id
    for t in dc.ticks(rules):  # one box per finding, every source's rule under it
        assert len({by_id[i].finding or i for i in t.rules}) == 1
    assert {r.comparator for r in (x.threshold for x in rules) if r} == {
        "<", "<=", ">", ">=", "range"}


def _cases(rules: list[Rule]) -> Iterator[tuple[Rule, str, str, float, bool]]:
    """(rule, its input, typed text, value read, should it be met) for every numeric rule."""
    inputs = dc.inputs(rules)
    for r in rules:
        if not r.threshold:
            continue
        key = dc.input_key(r, inputs)
        assert key
        for text, should in _sides(r):
            value = dc.read_value(text)
            assert value is not None, text
            yield r, key, text, value, should


def test_the_reference_meets_each_threshold_on_the_right_side(rules: list[Rule]) -> None:
    for r, key, text, value, should in _cases(rules):
        assert (r.id in dc.check(rules, {key: value}, set())) is should, (r.id, text)


def test_a_count_the_data_cannot_reach_is_named_on_the_page(rules: list[Rule],
                                                            built_site: Path) -> None:
    """The 2015 hospital protocol counts its own relative and absolute criteria, of which this
    reference holds only those where it differs from the consensus: its "three or more" and
    "any one" rules cannot be settled by the check, and the page says so (with each rule's
    citation) instead of leaving them silently unmet."""
    gaps = dc.out_of_reach(rules)
    by_id = {r.id: (r, n) for r, n in gaps}
    assert sorted(by_id) == ["rule-institution-any-absolute", "rule-institution-three-relative"]
    three = by_id["rule-institution-three-relative"][0]
    held = sum(1 for r in rules if r.framework == three.framework and r.tier == "relative")
    # in reach by number, listed because the data is partial
    assert by_id[three.id][1] == held >= 3
    # A count the data holds too few criteria for is listed whatever `partial` says.
    whole = replace(three, cumulative=replace(three.cumulative, partial=False))
    others = [r for r in rules if r.id != three.id
              and not (r.framework == three.framework and r.tier == "relative")]
    extra = [replace(whole, id=f"rule-x-{i}", cumulative=None, tier="relative",
                     action="hold-dose") for i in range(3)]
    assert whole not in [r for r, _ in dc.out_of_reach([*others, whole, *extra])]
    assert (whole, 2) in dc.out_of_reach([*others, whole, *extra[:2]])
    # Met is still shown when the criteria held here reach the count: that is then true.
    ticks = dc.tick_keys(rules)
    relative = [r for r in rules if r.framework == three.framework and r.tier == "relative"]
    inputs = dc.inputs(rules)
    values: dict[str, float] = {}
    for r in relative[:3]:
        if r.threshold:
            key, text = dc.input_key(r, inputs), _sides(r)[0][0]
            assert key and key not in values
            values[key] = float(text)
    seen = {ticks[r.id] for r in relative[:3] if r.id in ticks}
    met = dc.check(rules, values, seen)
    assert all(r.id in met for r in relative[:3]) and three.id in met
    doc = lxml.html.parse(str(built_site / "dose-time-check" / "index.html")).getroot()
    box = doc.xpath("//div[contains(@class, 'admonition')][p[@class='admonition-title']"
                    "[.='Not counted here']]")
    assert len(box) == 1
    items = [" ".join(li.text_content().split()) for li in box[0].xpath(".//li")]
    items = sorted(items, key=lambda i: not i.startswith("Three"))
    assert len(items) == 2 and items[0].startswith(
        f"Three or more relative criteria (Community hospital protocol (2015)): this reference "
        f"holds only {held} of that source's relative criteria (those where it differs from "
        f"another source), so fewer than 3 met here does not mean fewer at the bedside")
    assert "Table 1, footnote" in items[0]


def test_a_graded_finding_has_a_box_per_grade(rules: list[Rule]) -> None:
    """Rales a third of the way up the chest (relative) and half-way up (absolute) share a
    finding: one box for both would count the lesser sign as the greater."""
    keys = dc.tick_keys(rules)
    assert keys["rule-pulm-consensus-rales-relative"] != keys["rule-pulm-consensus-rales-absolute"]
    assert keys["rule-pulm-consensus-rales-relative"] == keys[
        "rule-pulm-institution-crackles-relative"]
    met = dc.check(rules, {}, {keys["rule-pulm-consensus-rales-relative"]})
    assert "rule-pulm-consensus-rales-relative" in met
    assert "rule-pulm-consensus-rales-absolute" not in met
    for t in dc.ticks(rules):  # never two rules of one source behind one box
        frameworks = [r.framework for r in rules if r.id in t.rules]
        assert len(frameworks) == len(set(frameworks)), t


def test_numbers_outside_the_grammar_are_not_read() -> None:
    for text in ("2,5", "50,00", "50.000", "1e3", "-3", "", "٣", "3 mg"):
        assert dc.read_value(text) is None, text
    assert dc.read_value("50,000") == 50000 and dc.read_value("2.5") == 2.5


# --- The page in Chromium ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def check_page(browser: Any, site_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "dose-time-check/")
    yield page
    context.close()


SET = """([key, value]) => {
    const form = document.querySelector('form[data-dose-check]');
    form.reset();
    form.querySelectorAll('[data-key]').forEach(f => { if (f.type !== 'checkbox') f.value = ''; });
    const field = value === 'yes' ? form.querySelector(`[data-seen="${key}"]`)
                                  : form.querySelector(`[data-key="${key}"]`);
    if (field.type === 'checkbox') {
        field.checked = true; field.dispatchEvent(new Event('change'));
    } else { field.value = value; field.dispatchEvent(new Event('input')); }
    return [...document.querySelectorAll('[data-framework-list] li[data-rule]')]
        .filter(li => li.checkVisibility()).map(li => li.dataset.rule);
}"""


@pytest.mark.browser
def test_each_threshold_shows_just_past_and_hides_just_short(check_page: Any,
                                                             rules: list[Rule]) -> None:
    checked = 0
    for r, key, text, value, should in _cases(rules):
        shown = check_page.evaluate(SET, [key, text])
        assert shown == dc.check(rules, {key: value}, set()), (r.id, text)
        assert (r.id in shown) is should, (r.id, text)
        checked += 1
    assert checked >= 2 * sum(1 for r in rules if r.threshold)


@pytest.mark.browser
def test_each_tick_box_shows_its_rules_from_every_source(check_page: Any,
                                                         rules: list[Rule]) -> None:
    for tick in dc.ticks(rules):
        shown = check_page.evaluate(SET, [tick.key, "yes"])
        assert shown == dc.check(rules, {}, {tick.key}), tick.key
        assert set(tick.rules) <= set(shown)


@pytest.mark.browser
def test_held_doses_and_criteria_are_counted_against_the_cumulative_rules(
        check_page: Any, rules: list[Rule]) -> None:
    three_held = next(r for r in rules if r.cumulative and r.cumulative.counts == "held-doses")
    assert three_held.id in check_page.evaluate(SET, [dc.HELD, str(three_held.cumulative.at_least)])
    assert three_held.id not in check_page.evaluate(
        SET, [dc.HELD, str(three_held.cumulative.at_least - 1)])
    absolute = next(r for r in rules if r.cumulative and r.cumulative.counts == "absolute-criteria")
    one = next(r for r in rules if r.framework == absolute.framework and r.tier == "absolute"
               and not r.threshold)
    tick = dc.tick_keys(rules)[one.id]
    assert check_page.evaluate(SET, [tick, "yes"]) == dc.check(rules, {}, {tick})
    assert absolute.id in dc.check(rules, {}, {tick})
    count = check_page.inner_text(f"[data-count={absolute.framework}]")
    assert count == "1 criterion met (0 relative, 1 absolute).", count


@pytest.mark.browser
def test_usable_by_keyboard_alone_at_375px(check_page: Any) -> None:
    check_page.goto(check_page.url.split("#")[0])
    check_page.focus("[data-key=systolic-bp]")
    check_page.keyboard.type("85")
    assert check_page.is_visible("li[data-rule=rule-label2024-sbp]")
    for _ in range(40):  # on through the inputs to the first tick box
        check_page.keyboard.press("Tab")
        if check_page.evaluate("document.activeElement.type") == "checkbox":
            break
    check_page.keyboard.press("Space")
    assert "seen=" in check_page.evaluate("location.hash")
    assert check_page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_the_check_lives_in_the_fragment_only(browser: Any, site_url: str,
                                              rules: list[Rule]) -> None:
    context = browser.new_context()
    page = context.new_page()
    state = {"systolic-bp": "85", "heart-rate": "135"}
    page.goto(site_url + "dose-time-check/#" + urlencode(state))
    shown = page.evaluate("""() => [...document.querySelectorAll(
        '[data-framework-list] li[data-rule]')].filter(li => li.checkVisibility())
        .map(li => li.dataset.rule)""")
    assert shown == dc.check(rules, {"systolic-bp": 85, "heart-rate": 135}, set())
    assert "rule-label2024-sbp" in shown
    assert page.input_value("[data-key=systolic-bp]") == "85"
    page.fill("[data-key=spo2]", "88")
    assert page.evaluate("location.hash") == "#systolic-bp=85&spo2=88&heart-rate=135"
    page.check("[data-seen=atrial-fibrillation]")
    assert page.evaluate("location.hash").endswith("&seen=atrial-fibrillation")
    # Nothing of the check is stored (Material keeps its own settings in localStorage).
    stored = page.evaluate("""() => JSON.stringify([{...localStorage}, {...sessionStorage},
                                                    document.cookie])""")
    assert not any(word in stored for word in ("85", "135", "88", "systolic", "fibrillation"))
    context.close()
