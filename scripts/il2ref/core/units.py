"""Threshold formatting with SI units computed from conventional ones, never typed twice."""

from __future__ import annotations

import re

from il2ref.core.model import Threshold

# (measure, conventional unit) -> (factor, SI unit, decimals). Factors: creatinine 88.4 µmol/L
# per mg/dL; bilirubin 17.1 µmol/L per mg/dL; platelets per mm³ = per µL, so ×10⁻³ gives ×10⁹/L.
SI = {
    ("creatinine", "mg/dL"): (88.4, "µmol/L", 0),
    ("bilirubin", "mg/dL"): (17.1, "µmol/L", 0),
    ("platelets", "/mm3"): (0.001, "×10⁹/L", 0),
}

_SYMBOL = {"<": "< ", "<=": "≤ ", ">": "> ", ">=": "≥ ", "=": ""}
_UNIT_TEXT = {"/mm3": "/mm³"}
_NO_SPACE = {"%", "/mm³"}


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
