"""Threshold formatting with SI units computed from conventional ones, never typed twice."""

from __future__ import annotations

from .model import Threshold

# (measure, conventional unit) -> (factor, SI unit, decimals). Factors: creatinine 88.4 µmol/L
# per mg/dL; bilirubin 17.1 µmol/L per mg/dL; platelets per mm³ = per µL, so ×10⁻³ gives ×10⁹/L.
SI = {
    ("creatinine", "mg/dL"): (88.4, "µmol/L", 0),
    ("bilirubin", "mg/dL"): (17.1, "µmol/L", 0),
    ("platelets", "/mm3"): (0.001, "×10⁹/L", 0),
}

_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_UNIT_TEXT = {"/mm3": "/mm³"}


def _num(value: float, decimals: int | None = None) -> str:
    if decimals is not None:
        value = round(value, decimals)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}" if decimals else f"{value:g}"


def _fmt(t: Threshold, factor: float = 1.0, decimals: int | None = None, unit: str = "") -> str:
    unit = unit or _UNIT_TEXT.get(t.unit, t.unit)
    sep = "" if unit in ("%",) else " "
    if t.comparator == "range":
        assert t.low is not None and t.high is not None
        return f"{_num(t.low * factor, decimals)}–{_num(t.high * factor, decimals)}{sep}{unit}"
    assert t.value is not None
    return f"{_SYMBOL[t.comparator]} {_num(t.value * factor, decimals)}{sep}{unit}"


def format_threshold(t: Threshold) -> str:
    """'≥ 3 mg/dL (≥ 265 µmol/L)' for labs with an SI unit; '< 90 mmHg' otherwise."""
    text = _fmt(t)
    si = SI.get((t.measure, t.unit))
    if si:
        factor, unit, decimals = si
        text += f" ({_fmt(t, factor, decimals, unit)})"
    return text
