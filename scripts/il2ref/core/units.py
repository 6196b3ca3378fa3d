"""Threshold formatting with SI units computed from conventional ones, never typed twice."""

from __future__ import annotations

import re
from typing import Any

from il2ref.core.model import Threshold
from il2ref.core.rules import MEASURES
from il2ref.core.schema import schema

# (measure, unit typed) -> (factor, other unit, decimals), the other unit shown in brackets.
# Factors: creatinine 88.4 µmol/L per mg/dL; bilirubin 17.1 µmol/L per mg/dL; platelets per
# mm³ = per µL, so ×10⁻³ gives ×10⁹/L (and a count typed in ×10⁹/L shows its /mm³ too).
SI = {
    ("creatinine", "mg/dL"): (88.4, "µmol/L", 0),
    ("bilirubin", "mg/dL"): (17.1, "µmol/L", 0),
    ("platelets", "/mm3"): (0.001, "×10⁹/L", 0),
    ("platelets", "10^9/L"): (1000, "/mm³", 0),
}

_SYMBOL = {"<": "< ", "<=": "≤ ", ">": "> ", ">=": "≥ ", "=": ""}
_UNIT_TEXT = {"/mm3": "/mm³", "10^9/L": "×10⁹/L"}
_NO_SPACE = {"%", "/mm³"}


# ---------------------------------------------------------------------------------------------
# The measure registry: page.schema.json's threshold conditions, read once per process like
# il2ref.core.rules' lists (rules.stale() tells `make serve` when the schema has changed).

def _registry(threshold: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]],
                                                   dict[tuple[str, str], tuple[float, float]]]:
    units: dict[str, list[str]] = {}
    directions: dict[str, list[str]] = {}
    plausible: dict[tuple[str, str], tuple[float, float]] = {}
    for branch in threshold.get("allOf", []):
        when, then = branch["if"]["properties"], branch["then"]
        measure = when["measure"]["const"]
        if "unit" in when:
            bounds = then["patternProperties"]["^(value|low|high)$"]
            plausible[(measure, when["unit"]["const"])] = (bounds["minimum"], bounds["maximum"])
        else:
            units[measure] = then["properties"]["unit"]["enum"]
            directions[measure] = then["properties"]["comparator"]["enum"]
    return units, directions, plausible


# measure -> its units; measure -> the comparators its rules use; (measure, unit) -> range.
MEASURE_UNITS, DIRECTIONS, PLAUSIBLE = _registry(schema()["$defs"]["threshold"])


def number_text(value: float) -> str:
    """30000 -> '30,000', 2.5 -> '2.5', 2.0 -> '2'."""
    return _num(value)


def measure_name(measure: str) -> str:
    """'systolic blood pressure': the schema's title, as it reads inside a sentence."""
    title = MEASURES.get(measure, measure)
    return title[:1].lower() + title[1:]


def out_of_range(measure: str, unit: str, number: float) -> str | None:
    """Why `number` cannot be a value of this measure in this unit, if it cannot."""
    bounds = PLAUSIBLE.get((measure, unit))
    if bounds is None or bounds[0] <= number <= bounds[1]:
        return None
    shown = _UNIT_TEXT.get(unit, unit)
    sep = "" if shown in _NO_SPACE else " "
    return (f"{number_text(number)}{sep}{shown} is not a plausible {measure_name(measure)}, "
            f"which lies between {number_text(bounds[0])} and {number_text(bounds[1])}{sep}"
            f"{shown}; check the number and its unit")


def implausible(t: Threshold) -> str | None:
    """What is wrong with a threshold's numbers for its measure and unit, if anything."""
    for number in (t.value, t.low, t.high):
        problem = out_of_range(t.measure, t.unit, number) if number is not None else None
        if problem:
            return problem
    return None


def _num(value: float, decimals: int | None = None) -> str:
    if decimals is not None:
        value = round(value, decimals)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}" if decimals else f"{value:,}"


def _fmt(t: Threshold, factor: float = 1.0, decimals: int | None = None, unit: str = "") -> str:
    unit = unit or _UNIT_TEXT.get(t.unit, t.unit)
    sep = "" if unit in _NO_SPACE else " "
    if t.comparator == "range":
        assert t.low is not None and t.high is not None
        return f"{_num(t.low * factor, decimals)}–{_num(t.high * factor, decimals)}{sep}{unit}"
    assert t.value is not None
    return f"{_SYMBOL[t.comparator]}{_num(t.value * factor, decimals)}{sep}{unit}"


def format_threshold(t: Threshold) -> str:
    """'≥ 3 mg/dL (≥ 265 µmol/L)' for labs with an SI unit; '< 90 mmHg' otherwise."""
    text = _fmt(t)
    si = SI.get((t.measure, t.unit))
    if si:
        factor, unit, decimals = si
        text += f" ({_fmt(t, factor, decimals, unit)})"
    return text


# Lab values inside prose are written `{creatinine 2.5–2.9 mg/dL}` so that the SI value is
# computed here, never typed by an editor. A number a clinician acts on has one grammar, and
# anything else in braces is an error (E040), never a guess. Decided on purpose:
# - ASCII digits only (Python's \d would accept Arabic-Indic or full-width digits);
# - a comma only between groups of exactly three digits (50,000; 1,000.5): "2,5" is a European
#   decimal comma and "50,00" a slip, and reading either as a thousands separator turned 2.5
#   into 25;
# - at most one point, with one or two decimals: "50.000" is a thousands point in much of
#   Europe (it would read as 50), and no lab value here needs three decimals;
# - no leading or trailing point (".5", "2."), sign, exponent, space inside the number, or
#   comparator inside the braces (write "≥ {creatinine 3 mg/dL}");
# - a range is two numbers joined by an en dash or a hyphen, spaces allowed around it, low first.
NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?|[0-9]+(?:\.[0-9]{1,2})?"
UNITS = {"creatinine": "mg/dL", "bilirubin": "mg/dL", "platelets": "/mm3"}
_EXAMPLE = {"creatinine": "2.5 mg/dL", "bilirubin": "7 mg/dL", "platelets": "50,000 /mm3"}
BRACES = re.compile(r"\{([^{}]*)\}")
_LAB = re.compile(rf"(?P<measure>\S+) (?P<low>{NUMBER})(?: ?[–-] ?(?P<high>{NUMBER}))? ?"
                  r"(?P<unit>\S+)")
_NUMBERISH = re.compile(r"[0-9.,]*[0-9][0-9.,]*")
# Conventional units that must only appear through a `{...}` lab value.
BARE_UNIT = re.compile(r"mg/dL|/mm3|/mm³|µmol/L|×10⁹/L")
_FORM = ("write numbers as 2.5, 50,000 or 1,000.5: digits, commas only between groups of "
         "three, one point with one or two decimals")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_lab(inner: str) -> Threshold | str:
    """The value inside `{...}` as a Threshold ("=" or "range"), or what is wrong with it."""
    measure = inner.split(" ", 1)[0]
    if measure not in UNITS:
        return (f"braces are only for lab values such as {{creatinine 3 mg/dL}}, "
                f"{{bilirubin 7 mg/dL}} or {{platelets 50,000 /mm3}}; found {{{inner}}}")
    m = _LAB.fullmatch(inner)
    if m is None:
        bad = next((n for n in _NUMBERISH.findall(inner)
                    if not re.fullmatch(NUMBER, n)), None)
        what = f"{bad!r} is not a number this site reads" if bad else (
            f"{{{inner}}} is not a lab value this site reads")
        return f"{what}; {_FORM}, then the unit, e.g. {{{measure} {_EXAMPLE[measure]}}}"
    unit, expected = m["unit"], UNITS[measure]
    if unit != expected:
        return f"{measure} is written in {expected} here (found {unit!r}); SI units are added"
    low = _number(m["low"])
    if m["high"] is None:
        return Threshold(measure, "=", unit, value=low)
    high = _number(m["high"])
    if high <= low:
        return f"the range {m['low']}–{m['high']} must go from the lower to the higher value"
    return Threshold(measure, "range", unit, low=low, high=high)


def lab_text(inner: str) -> str | None:
    """'2.5–2.9 mg/dL (221–256 µmol/L)' for a valid `{...}` lab value, else None."""
    parsed = parse_lab(inner)
    return format_threshold(parsed) if isinstance(parsed, Threshold) else None


def plain_text(text: str) -> str:
    """Text with each valid `{...}` lab value written out in both units, whitespace folded:
    for the data files and the feed, which carry no markup."""
    return BRACES.sub(lambda m: lab_text(m[1]) or m[0], " ".join(text.split()))
