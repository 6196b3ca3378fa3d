"""The Dose calculator page: the form, the result lines with their citations, and the
constants as JSON for docs/javascripts/dose-calculator.js. The arithmetic lives in
il2ref.core.dosing (the reference the page's results are tested against)."""

from __future__ import annotations

import json

from il2ref.core.dosing import KG_PER_LB_E8, accepted, compute, half_up, hundredths, micro
from il2ref.core.model import Corpus, Diluent, DiluentStep, Dosing
from il2ref.render.inline import cites
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted


def find_dosing(corpus: Corpus) -> Dosing | None:
    return next((p.dosing for p in corpus.pages if p.dosing), None)


def _number(value: int) -> str:
    return f"{value:,}"


def _band(iu: int, mg: float | None) -> str:
    return f"{iu:,} IU" + (f" ({mg:g} mg)" if mg is not None else "")


def _steps(d: Diluent) -> str:
    """The bands as the source gives them: by IU, with the mg it prints beside them."""
    parts: list[str] = []
    previous: DiluentStep | None = None
    for step in d.steps:
        if step.up_to_iu is not None:
            parts.append(f"{step.ml:g} mL for a dose up to {_band(step.up_to_iu, step.up_to_mg)}")
        elif previous is None or previous.up_to_iu is None:
            parts.append(f"{step.ml:g} mL for every dose")
        else:
            parts.append(f"{step.ml:g} mL above {_band(previous.up_to_iu, previous.up_to_mg)}")
        previous = step
    return ", ".join(parts)


def _rounding_example(dosing: Dosing) -> str:
    """How far the label's rounded mg/kg sits from the IU converted with the one factor."""
    label_ug = half_up(700 * micro(dosing.mg_per_kg), 10)
    ours = compute(dosing, 700).dose_ug
    return (f"at 70 kg, {dosing.mg_per_kg:g} mg/kg would give {label_ug / 1000:.3f} mg against "
            f"the {ours / 1000:.3f} mg shown")


def data(dosing: Dosing) -> dict[str, object]:
    """What the script computes with: the YAML's constants in whole units, and the accepted
    weights (derived from them here, by the reference arithmetic)."""
    low, high = accepted(dosing)
    return {
        "iuPerKg": dosing.iu_per_kg, "ugPerMl": micro(dosing.mg_per_ml),
        "iuPerMl": dosing.iu_per_ml, "vialIu": dosing.vial_iu,
        "withdrawableHundredths": hundredths(dosing.withdrawable_ml),
        "windowLowTenths": round(dosing.window_low * 10),
        "windowHighTenths": round(dosing.window_high * 10),
        "diluents": [{"id": d.id, "steps": [
            {"ml": s.ml, "upToIu": s.up_to_iu}
            for s in d.steps]} for d in dosing.diluents],
        "acceptedTenths": [low, high], "kgPerLbE8": KG_PER_LB_E8,
    }


def _json(value: object) -> Trusted:
    # Inside <script type="application/json">: "<" is escaped so no text can close the element.
    return Trusted(json.dumps(value, ensure_ascii=False).replace("<", "\\u003c"))


def dose_calculator_markdown(corpus: Corpus) -> str:
    dosing = find_dosing(corpus)
    if dosing is None:  # a project without the constants (the test fixtures) still builds
        return ("---\ntitle: Dose calculator\n---\n\n# Dose calculator\n\nNo page of this "
                "reference gives the calculator's constants (a `dosing` block), so it has "
                "nothing to compute with.\n")
    low, high = accepted(dosing)
    diluents = [{"id": d.id, "label": corpus.bib_labels.get(d.sources[0].key, d.sources[0].key),
                 "steps": _steps(d), "cites": cites(d.sources),
                 "label_version": d.label_version} for d in dosing.diluents]
    return template("dose-calculator.md.j2").render(
        d=dosing, n=_number, cites=cites, diluents=diluents,
        wl=f"{dosing.window_low:g}", wh=f"{dosing.window_high:g}",
        withdrawable=f"{dosing.withdrawable_ml:g}",
        content=f"{dosing.vial_iu / dosing.iu_per_ml:.2f}", example=_rounding_example(dosing),
        low=f"{low / 10:.1f}", high=f"{high / 10:.1f}", data=_json(data(dosing)))
