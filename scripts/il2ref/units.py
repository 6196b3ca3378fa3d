"""Threshold formatting with SI units computed from conventional ones, never typed twice."""

from __future__ import annotations

import re

from .model import Threshold

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
    return f"{value:,.{decimals}f}" if decimals else f"{value:g}"


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
# computed here, never typed by an editor.
LAB = re.compile(
    r"\{(?P<measure>creatinine|bilirubin|platelets) (?P<low>[\d.,]+)(?:[–-](?P<high>[\d.,]+))?"
    r" ?(?P<unit>mg/dL|/mm3)\}"
)
# Conventional units that must only appear through a `{...}` lab value.
BARE_UNIT = re.compile(r"mg/dL|/mm3|/mm³|µmol/L|×10⁹/L")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def format_lab(match: re.Match[str]) -> str:
    low, high = _number(match["low"]), match["high"]
    if high is None:
        t = Threshold(match["measure"], "=", match["unit"], value=low)
    else:
        t = Threshold(match["measure"], "range", match["unit"], low=low, high=_number(high))
    return format_threshold(t)
