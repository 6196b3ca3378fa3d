"""The Dose calculator's arithmetic: the reference implementation of what the page's script
computes (docs/javascripts/dose-calculator.js), result for result.

Every constant comes from the `dosing` block of the YAML (the model's `Dosing`). One factor
turns IU into mg, the reconstituted solution's (1.1 mg in 18 million IU): the label's rounded
0.037 mg/kg and the vial's 1.3 mg per 22 million IU are shown as printed but not computed
with, so the mg, the volume and the concentration cannot disagree. A dilution band is chosen
by IU, as its source bands doses. Vials are counted by the volume that can be drawn from one
(`withdrawable_ml`), never by the IU a vial holds in theory. Both sides
compute in whole numbers (tenths of a kg, IU, µg, hundredths of a mL) and round halves up, so
Python and JavaScript cannot disagree through floating point or banker's rounding. A weight is
read by one grammar: digits with at most one decimal; anything else is refused with a message,
never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from il2ref.core.model import Dosing

WEIGHT = re.compile(r"^[0-9]{1,3}(\.[0-9])?$")
# The definition of the pound (exact), in 1e-8 kg: a unit, not a clinical constant.
KG_PER_LB_E8 = 45359237
UNITS = ("kg", "lb")
# The weights searched for the accepted range, in tenths of a kg (0.1 to 500 kg).
SEARCH = range(1, 5001)


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest whole number, halves up (both ≥ 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def micro(mg: float) -> int:
    """mg → whole µg; the schema's numbers are printed values such as 0.037 or 1.3."""
    return round(mg * 1000)


def hundredths(ml: float) -> int:
    """mL → whole hundredths of a mL (printed values such as 1.1)."""
    return round(ml * 100)


@dataclass(frozen=True)
class DiluentResult:
    id: str
    ml: float
    concentration_tenths: int  # µg/mL × 10
    in_window: bool


@dataclass(frozen=True)
class Result:
    weight_tenths: int  # kg × 10
    dose_iu: int
    dose_ug: int
    volume_hundredths: int  # mL × 100 of reconstituted solution
    vials: int
    diluents: tuple[DiluentResult, ...]
    window_low_tenths: int | None  # diluent mL × 10 that keeps the window, None if none does
    window_high_tenths: int | None
    lines: dict[str, str] = field(default_factory=dict)  # what the page shows, by output id


@dataclass(frozen=True)
class Refusal:
    message: str


def _step_ml(dosing: Dosing, diluent_index: int, dose_iu: int) -> float:
    for step in dosing.diluents[diluent_index].steps:
        if step.up_to_iu is None or dose_iu <= step.up_to_iu:
            return step.ml
    return dosing.diluents[diluent_index].steps[-1].ml  # validation: the last step is open


def _concentration_tenths(dose_ug: int, ml: float, volume_hundredths: int) -> int:
    # µg / (diluent + drawn volume) mL, to 0.1 µg/mL
    return half_up(dose_ug * 1000, round(ml * 100) + volume_hundredths)


def _in_window(dosing: Dosing, tenths: int) -> bool:
    return round(dosing.window_low * 10) <= tenths <= round(dosing.window_high * 10)


def compute(dosing: Dosing, weight_tenths: int) -> Result:
    dose_iu = half_up(weight_tenths * dosing.iu_per_kg, 10)
    dose_ug = half_up(dose_iu * micro(dosing.mg_per_ml), dosing.iu_per_ml)
    volume = half_up(dose_iu * 100, dosing.iu_per_ml)
    vials = max(ceil_div(volume, hundredths(dosing.withdrawable_ml)),
                ceil_div(dose_iu, dosing.vial_iu))
    diluents = []
    for i, d in enumerate(dosing.diluents):
        ml = _step_ml(dosing, i, dose_iu)
        c = _concentration_tenths(dose_ug, ml, volume)
        diluents.append(DiluentResult(d.id, ml, c, _in_window(dosing, c)))
    # Diluent volumes V (in 0.1 mL) with low ≤ dose / (V + drawn) ≤ high.
    low, high = round(dosing.window_low * 10), round(dosing.window_high * 10)
    v_min = max(0, ceil_div(dose_ug * 1000 - volume * high, high * 10))
    v_max = (dose_ug * 1000 - volume * low) // (low * 10)
    window = (v_min, v_max) if v_max >= v_min else (None, None)
    result = Result(weight_tenths, dose_iu, dose_ug, volume, vials, tuple(diluents), *window)
    return replace(result, lines=lines(result))


@lru_cache(maxsize=8)
def accepted(dosing: Dosing) -> tuple[int, int]:
    """The weights (tenths of a kg) the sources cover: those for which at least one source's
    diluent volume gives a final concentration inside the window."""
    covered = [w for w in SEARCH if any(d.in_window for d in compute(dosing, w).diluents)]
    return covered[0], covered[-1]


def _grouped(n: int) -> str:
    return f"{n:,}"


def _fixed(value: int, decimals: int) -> str:
    """A whole number of 10^-decimals units as text: _fixed(233, 2) == '2.33'."""
    whole, part = divmod(value, 10 ** decimals)
    return f"{_grouped(whole)}.{part:0{decimals}d}" if decimals else _grouped(whole)


def lines(r: Result) -> dict[str, str]:
    out = {
        "weight": f"{_fixed(r.weight_tenths, 1)} kg",
        "dose-iu": f"{_grouped(r.dose_iu)} IU",
        "dose-mg": f"{_fixed(r.dose_ug, 3)} mg",
        "volume": f"{_fixed(r.volume_hundredths, 2)} mL",
        "vials": f"{r.vials}",
        "window": (f"{_fixed(r.window_low_tenths, 1)}–{_fixed(r.window_high_tenths, 1)} mL"
                   if r.window_low_tenths is not None and r.window_high_tenths is not None
                   else "no volume"),
    }
    for d in r.diluents:
        out[f"{d.id}-ml"] = f"{d.ml:g} mL"
        out[f"{d.id}-concentration"] = (f"{_fixed(d.concentration_tenths, 1)} µg/mL"
                                        + ("" if d.in_window else " (outside the window)"))
    return out


def read_weight(dosing: Dosing, text: str, unit: str) -> Result | Refusal:
    """What the page shows for what was typed: a result, or a message instead of a number."""
    text = text.strip()
    if not text:
        return Refusal("Enter the patient's weight.")
    if unit not in UNITS or not WEIGHT.match(text):
        return Refusal("Write the weight as a number with at most one decimal, such as 72 or "
                       "72.5, in kg or lb.")
    whole, _, decimal = text.partition(".")
    tenths = int(whole) * 10 + int(decimal or 0)
    if unit == "lb":
        tenths = half_up(tenths * KG_PER_LB_E8, 10 ** 8)
    low, high = accepted(dosing)
    if not low <= tenths <= high:
        return Refusal(f"{_fixed(tenths, 1)} kg is outside the weights the sources' dilution "
                       f"steps cover ({_fixed(low, 1)}–{_fixed(high, 1)} kg): no dose is shown.")
    return compute(dosing, tenths)


def problems(dosing: Dosing) -> list[tuple[list[str | int], str]]:
    """Constants the arithmetic cannot use, as (field path under `dosing`, message)."""
    found: list[tuple[list[str | int], str]] = []
    checks: list[tuple[list[str | int], float]] = [
        (["dose", "mg_per_kg"], dosing.mg_per_kg), (["vial", "mg"], dosing.vial_mg)]
    for where, mg in checks:
        if abs(mg * 1000 - micro(mg)) > 1e-6:
            found.append((where, f"{mg} mg is not a whole number of µg"))
    if dosing.window_low >= dosing.window_high:
        found.append((["window", "low_ug_per_ml"], "must be below high_ug_per_ml"))
    if abs(dosing.withdrawable_ml * 100 - hundredths(dosing.withdrawable_ml)) > 1e-6:
        found.append((["vial", "withdrawable_ml"], f"{dosing.withdrawable_ml} mL is finer "
                      "than 0.01 mL"))
    if abs(dosing.mg_per_ml * 1000 - micro(dosing.mg_per_ml)) > 1e-6:
        found.append((["vial", "mg_per_ml"], f"{dosing.mg_per_ml} mg is not a whole number of µg"))
    # A vial cannot give more than it holds: iu / iu_per_ml mL.
    if hundredths(dosing.withdrawable_ml) * dosing.iu_per_ml > dosing.vial_iu * 100:
        found.append((["vial", "withdrawable_ml"], f"{dosing.withdrawable_ml:g} mL is more "
                      f"than a vial holds ({dosing.vial_iu:,} IU at {dosing.iu_per_ml:,} IU/mL)"))
    for i, d in enumerate(dosing.diluents):
        limits = [s.up_to_iu for s in d.steps]
        if limits[-1] is not None or None in limits[:-1]:
            found.append((["diluent", i, "steps"], "every step but the last needs up_to_iu, "
                          "and the last has none (it covers every larger dose)"))
        elif limits[:-1] != sorted(set(limits[:-1]), key=lambda x: x or 0):
            found.append((["diluent", i, "steps"], "up_to_iu must rise from step to step"))
    return found
