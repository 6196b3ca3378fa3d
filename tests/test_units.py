"""SI units are computed from the conventional value in the data, never typed twice."""

from __future__ import annotations

import pytest

from il2ref.core.model import Threshold
from il2ref.core.units import format_threshold, lab_text, parse_lab
from il2ref.render.inline import prose


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


# Every way an editor might type a lab value, and what the site does with it: read exactly, or
# refuse (E040). A refusal is never a guess at what was meant.
@pytest.mark.parametrize(("typed", "shown"), [
    ("creatinine 2.5 mg/dL", "2.5 mg/dL (221 µmol/L)"),
    ("creatinine 2.5mg/dL", "2.5 mg/dL (221 µmol/L)"),
    ("creatinine 2.5–2.9 mg/dL", "2.5–2.9 mg/dL (221–256 µmol/L)"),
    ("creatinine 2.5-2.9 mg/dL", "2.5–2.9 mg/dL (221–256 µmol/L)"),
    ("creatinine 2.5 – 2.9 mg/dL", "2.5–2.9 mg/dL (221–256 µmol/L)"),
    ("bilirubin 7 mg/dL", "7 mg/dL (120 µmol/L)"),
    ("platelets 50,000 /mm3", "50,000/mm³ (50 ×10⁹/L)"),
    ("platelets 50000 /mm3", "50,000/mm³ (50 ×10⁹/L)"),
    ("platelets 1,000,000 /mm3", "1,000,000/mm³ (1,000 ×10⁹/L)"),
    ("creatinine 1,000.5 mg/dL", "1,000.5 mg/dL (88,444 µmol/L)"),
    ("creatinine 0.75 mg/dL", "0.75 mg/dL (66 µmol/L)"),
])
def test_lab_values_read_exactly(typed: str, shown: str) -> None:
    assert lab_text(typed) == shown


@pytest.mark.parametrize(("typed", "why"), [
    ("creatinine 2,5 mg/dL", "'2,5' is not a number"),  # decimal comma
    ("platelets 50,00 /mm3", "'50,00' is not a number"),  # slipped thousands comma
    ("platelets 50.000 /mm3", "'50.000' is not a number"),  # thousands point: would read 50
    ("bilirubin 1.2.3 mg/dL", "'1.2.3' is not a number"),
    ("creatinine .5 mg/dL", "'.5' is not a number"),
    ("creatinine 2. mg/dL", "'2.' is not a number"),
    ("platelets 50 000 /mm3", "is not a lab value this site reads"),  # space as separator
    ("platelets 5e4 /mm3", "is not a lab value this site reads"),
    ("creatinine -1 mg/dL", "is not a lab value this site reads"),
    ("creatinine ≥3 mg/dL", "is not a lab value this site reads"),  # comparator goes outside
    ("creatinine ２.５ mg/dL", "is not a lab value this site reads"),  # full-width digits
    ("creatinine ٢ mg/dL", "is not a lab value this site reads"),  # Arabic-Indic digit
    ("creatinine 2.5 to 2.9 mg/dL", "is not a lab value this site reads"),
    ("creatinine 2.9–2.5 mg/dL", "must go from the lower to the higher value"),
    ("creatinine 2.5 mg/dl", "creatinine is written in mg/dL here"),
    ("platelets 50,000 /mm³", "platelets is written in /mm3 here"),
    ("creatinine 3 µmol/L", "creatinine is written in mg/dL here"),
    ("sodium 130 mmol/L", "braces are only for lab values"),
])
def test_other_forms_are_refused_with_a_reason(typed: str, why: str) -> None:
    problem = parse_lab(typed)
    assert isinstance(problem, str) and why in problem, problem
    assert lab_text(typed) is None


def test_a_refused_value_is_never_shown_as_a_number() -> None:
    shown = prose("hold at {creatinine 2,5 mg/dL}")  # validation refuses it first (E040)
    assert shown == "hold at &#123;creatinine 2,5 mg/dL&#125;"  # as typed, escaped
    assert "µmol" not in shown and "mg/dL (" not in shown  # no number was read
