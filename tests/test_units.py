"""SI units are computed from the conventional value in the data, never typed twice."""

from __future__ import annotations

import pytest

from il2ref.model import Threshold
from il2ref.render import prose
from il2ref.units import format_threshold


@pytest.mark.parametrize(("threshold", "text"), [
    (Threshold("creatinine", ">=", "mg/dL", value=3), "≥ 3 mg/dL (≥ 265 µmol/L)"),
    (Threshold("creatinine", "range", "mg/dL", low=2.5, high=2.9),
     "2.5–2.9 mg/dL (221–256 µmol/L)"),
    (Threshold("bilirubin", ">", "mg/dL", value=7), "> 7 mg/dL (> 120 µmol/L)"),
    (Threshold("platelets", "<", "/mm3", value=30000), "< 30,000/mm³ (< 30 ×10⁹/L)"),
    (Threshold("systolic-bp", "<", "mmHg", value=90), "< 90 mmHg"),
    (Threshold("weight-gain", ">", "%", value=15), "> 15%"),
])
def test_threshold_formatting(threshold: Threshold, text: str) -> None:
    assert format_threshold(threshold) == text


def test_lab_values_in_prose_get_si_units_and_the_rest_is_escaped() -> None:
    assert prose("hold at {creatinine 2.5–2.9 mg/dL} <b>") == (
        "hold at 2.5–2.9 mg/dL (221–256 µmol/L) &#60;b&#62;")
    assert prose("below {platelets 50,000 /mm3}") == "below 50,000/mm³ (50 ×10⁹/L)"
