"""The Dose calculator: the Python reference arithmetic, the constants' single home in the YAML,
and the page in Chromium giving the reference's result for every accepted weight."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from conftest import ROOT
from il2ref.core import dosing as calc
from il2ref.core.model import DiluentStep, Dosing
from il2ref.load.corpus import load_corpus
from il2ref.render.dose_calculator import data, find_dosing

SCRIPT = ROOT / "docs" / "javascripts" / "dose-calculator.js"
BAD = ["", "   ", "-3", "72,5", "72.55", "1e2", "seventy", "٧٢", "70 kg", ".5", "72."]


@pytest.fixture(scope="module")
def dosing() -> Dosing:
    found = find_dosing(load_corpus(ROOT)[0])
    assert found is not None
    return found


def test_the_reference_arithmetic_on_a_worked_example(dosing: Dosing) -> None:
    # 70 kg at 600,000 IU/kg: 42 million IU; in mg at the solution's 1.1 mg per 18 million IU,
    # 2.567 mg (one factor, Q4); 42 / 18 = 2.33 mL to draw; at 1.1 mL drawable per vial that is
    # three vials, not the two that 42 / 22 million IU would give (Q3); 2,567 µg in 50 + 2.33 mL
    # = 49.1 µg/mL; for 30–70 µg/mL the D5W must lie between 2567/70 - 2.33 = 34.34 and
    # 2567/30 - 2.33 = 83.2 mL.
    r = calc.read_weight(dosing, "70", "kg")
    assert isinstance(r, calc.Result)
    assert r.lines == {
        "weight": "70.0 kg", "dose-iu": "42,000,000 IU", "dose-mg": "2.567 mg",
        "volume": "2.33 mL", "vials": "3", "window": "34.4–83.2 mL",
        "diluent-handbook-ml": "50 mL", "diluent-handbook-concentration": "49.1 µg/mL",
        "diluent-faq-ml": "50 mL", "diluent-faq-concentration": "49.1 µg/mL"}
    heavy = calc.read_weight(dosing, "154.3", "kg")  # above 60 million IU: the handbook's 100 mL
    assert isinstance(heavy, calc.Result)
    assert heavy.lines["diluent-handbook-ml"] == "100 mL"
    assert heavy.lines["diluent-faq-concentration"] == "102.6 µg/mL (outside the window)"


def test_vials_cover_the_volume_to_draw_at_every_accepted_weight(dosing: Dosing) -> None:
    """Q3: the count is by the drawable volume, never by the IU a vial holds in theory, and no
    larger than it needs to be."""
    low, high = calc.accepted(dosing)
    per_vial = calc.hundredths(dosing.withdrawable_ml)
    assert per_vial * dosing.iu_per_ml < dosing.vial_iu * 100  # less than the theoretical content
    short_by_iu = 0
    for tenths in range(low, high + 1):
        r = calc.compute(dosing, tenths)
        assert r.vials * per_vial >= r.volume_hundredths, tenths
        assert r.vials * dosing.vial_iu >= r.dose_iu, tenths
        assert (r.vials - 1) * per_vial < r.volume_hundredths, tenths
        short_by_iu += r.vials > calc.ceil_div(r.dose_iu, dosing.vial_iu)
    assert short_by_iu > 100  # the weights where counting by IU left no margin (66-73 kg...)


def test_one_factor_turns_iu_into_mg_and_bands_are_chosen_by_iu(dosing: Dosing) -> None:
    """Q4: mg, volume and concentration use the solution's 1.1 mg per 18 million IU, and the
    handbook's band is picked by IU: 41 kg is 24.6 million IU, within 'up to 25.4 million IU',
    so 25 mL (picking by the label's 0.037 mg/kg, 1.517 mg, chose 50 mL and flagged itself)."""
    for tenths in range(*calc.accepted(dosing)):
        r = calc.compute(dosing, tenths)
        assert r.dose_ug == calc.half_up(r.dose_iu * calc.micro(dosing.mg_per_ml),
                                         dosing.iu_per_ml)
    r = calc.read_weight(dosing, "41", "kg")
    assert isinstance(r, calc.Result)
    assert r.lines["diluent-handbook-ml"] == "25 mL"
    assert "outside" not in r.lines["diluent-handbook-concentration"]
    at_band = calc.compute(dosing, 423)  # 25.38 million IU: still the first band
    assert at_band.dose_iu <= 25_400_000 and at_band.diluents[0].ml == 25


def test_pounds_are_converted_exactly_and_rounded_to_a_tenth(dosing: Dosing) -> None:
    r = calc.read_weight(dosing, "154.3", "lb")  # 154.3 × 0.45359237 = 69.989 kg
    assert isinstance(r, calc.Result) and r.weight_tenths == 700


def test_anything_but_a_plain_weight_gets_a_message_not_a_number(dosing: Dosing) -> None:
    for text in BAD:
        assert isinstance(calc.read_weight(dosing, text, "kg"), calc.Refusal), text
    low, high = calc.accepted(dosing)
    for tenths in (0, low - 1, high + 1):
        text = f"{tenths // 10}.{tenths % 10}"
        refusal = calc.read_weight(dosing, text, "kg")
        assert isinstance(refusal, calc.Refusal) and "no dose is shown" in refusal.message
    assert isinstance(calc.read_weight(dosing, "70", "stone"), calc.Refusal)


def test_the_accepted_range_is_where_a_source_volume_keeps_the_window(dosing: Dosing) -> None:
    low, high = calc.accepted(dosing)
    assert 150 < low < 300 and 1500 < high < 2500  # about 21 and 202 kg with these constants
    inside = calc.compute(dosing, low)
    assert any(d.in_window for d in inside.diluents)
    assert not any(d.in_window for d in calc.compute(dosing, low - 1).diluents)
    assert not any(d.in_window for d in calc.compute(dosing, high + 1).diluents)


def test_constants_live_in_the_yaml_not_in_the_script(dosing: Dosing, built_site: Path) -> None:
    script = SCRIPT.read_text(encoding="utf-8")
    for constant in ("600000", "600,000", "0.037", "18000000", "22000000", "1.1", "1.3",
                     "1.2", "3.5", "0.5", "25400000", "1100"):
        assert constant not in script, constant
    page = lxml.html.parse(str(built_site / "dose-calculator" / "index.html")).getroot()
    [block] = page.xpath("//script[@id='dose-data']")
    assert json.loads(block.text) == json.loads(json.dumps(data(dosing)))


def test_each_result_line_carries_its_citation(built_site: Path) -> None:
    page = lxml.html.parse(str(built_site / "dose-calculator" / "index.html")).getroot()
    items = page.xpath("//div[@data-dose-results]//li[output][not(output[@data-out='weight'])]")
    assert len(items) >= 6
    for li in items:
        own = li.xpath("./span[@class='cites']")  # its own, not a nested item's
        assert own and own[0].xpath(".//a[@class='footnote-ref']"), li.text_content()
    text = page.xpath("//div[@data-dose-results]")[0].text_content()
    assert "Sources differ" in text and "(2024 label)" in text and "(legacy label)" in text
    # The count's assumption and the unstated body weight sit beside the numbers (Q3, O7).
    [vials] = [li.text_content() for li in items if li.xpath("output[@data-out='vials']")]
    assert "1.1 mL drawn from each vial" in vials and "assumption" in vials
    [weight] = page.xpath("//div[@data-dose-results]//li[output[@data-out='weight']]")
    assert "actual, ideal or adjusted" in weight.text_content()


def test_invalid_constants_are_refused(dosing: Dosing) -> None:
    first = dosing.diluents[0]
    unordered = replace(first, steps=(DiluentStep(50, 60_000_000), DiluentStep(25, 25_400_000),
                                      DiluentStep(100)))
    open_ended = replace(first, steps=(DiluentStep(25, 25_400_000),))
    for broken in (unordered, open_ended):
        assert calc.problems(replace(dosing, diluents=(broken,)))
    assert calc.problems(replace(dosing, window_low=80))
    assert calc.problems(replace(dosing, mg_per_kg=0.0375))
    assert calc.problems(replace(dosing, withdrawable_ml=1.25))  # more than 22/18 mL
    assert calc.problems(replace(dosing, withdrawable_ml=1.105))
    assert calc.problems(dosing) == []


# --- The page in Chromium ---------------------------------------------------------------------

SWEEP = """([values, unit]) => {
    const input = document.querySelector('#dose-weight');
    const select = document.querySelector('#dose-unit');
    select.value = unit;
    select.dispatchEvent(new Event('change'));
    return values.map(v => {
        input.value = v;
        input.dispatchEvent(new Event('input'));
        const lines = {};
        document.querySelectorAll('[data-dose-results] output[data-out]')
            .forEach(o => { lines[o.dataset.out] = o.textContent; });
        return {lines, message: document.querySelector('[data-dose-message]').textContent};
    });
}"""


def _expected(dosing: Dosing, text: str, unit: str) -> dict[str, Any]:
    r = calc.read_weight(dosing, text, unit)
    if isinstance(r, calc.Refusal):
        return {"lines": None, "message": r.message}
    return {"lines": r.lines, "message": f"Converted to {r.lines['weight']}." if unit == "lb"
            else ""}


def _seen(result: dict[str, Any]) -> dict[str, Any]:
    shown = None if set(result["lines"].values()) == {"—"} else result["lines"]
    return {"lines": shown, "message": result["message"]}


@pytest.fixture(scope="module")
def phone_page(browser: Any, site_url: str) -> Any:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "dose-calculator/")
    yield page
    context.close()


@pytest.mark.browser
def test_the_page_matches_the_reference_for_every_accepted_weight(phone_page: Any,
                                                                  dosing: Dosing) -> None:
    low, high = calc.accepted(dosing)
    kg = [f"{t // 10}.{t % 10}" for t in range(low - 5, high + 6)] + [str(w) for w in
                                                                    range(20, 205)]
    lb = [f"{t // 10}.{t % 10}" for t in range(400, 4500, 7)]
    checked = 0
    for values, unit in ((kg, "kg"), (lb, "lb"), (BAD, "kg")):
        seen = phone_page.evaluate(SWEEP, [values, unit])
        for text, result in zip(values, seen, strict=True):
            assert _seen(result) == _expected(dosing, text, unit), (text, unit)
            checked += 1
    assert checked > 2500


@pytest.mark.browser
def test_usable_by_keyboard_alone_at_375px(phone_page: Any) -> None:
    page = phone_page
    page.goto(page.url.split("#")[0])
    page.focus("#dose-weight")
    page.keyboard.type("70")
    assert page.inner_text("output[data-out=dose-iu]") == "42,000,000 IU"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "dose-unit"
    page.keyboard.press("ArrowDown")  # kg -> lb on the focused select
    assert page.inner_text("output[data-out=weight]") == "31.8 kg"
    assert page.inner_text("[data-dose-message]") == "Converted to 31.8 kg."
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_without_script_the_figures_and_sources_still_show(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "dose-calculator/")
    assert not page.is_visible("form[data-dose-calculator]")
    assert "needs JavaScript" in page.inner_text("[data-dose-message]")
    assert "600,000 IU/kg" in page.inner_text("[data-dose-results]")
    context.close()


def test_the_card_and_the_downloads_page_link_to_the_tools(built_site: Path) -> None:
    for slug in ("quick-reference", "downloads"):
        page = lxml.html.parse(str(built_site / slug / "index.html")).getroot()
        for title, path in (("Dose calculator", "dose-calculator"),
                            ("Dose-time check", "dose-time-check")):
            links = page.xpath(f"//article//a[normalize-space()='{title}']/@href")
            assert links == [f"../{path}/"], (slug, title)
