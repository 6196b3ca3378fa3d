"""The FHIR edition: the rules as a valid R4 Bundle, shareable and never presented as executable."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pydantic
import pytest
from fhir.resources import __fhir_version__
from fhir.resources.bundle import Bundle

from conftest import ROOT
from il2ref.core.model import Corpus, Rule
from il2ref.core.rules import differing, others
from il2ref.load.config import site_url
from il2ref.load.corpus import BIB_FILE, require_corpus
from il2ref.render.fhir import CAPABILITY, canonical, fhir_id, rules_bundle
from il2ref.site.citations import reference_texts

SITE = site_url(ROOT)  # as MkDocs reads mkdocs.yml (SITE_URL may set it)
MEASURES = f"{SITE}measures"
EDITION = "Edition 0.1.0 (1a2b3c4)"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return require_corpus(ROOT)[0]


@pytest.fixture(scope="module")
def texts(corpus: Corpus) -> dict[str, str]:
    return reference_texts(ROOT / BIB_FILE, corpus, None)


@pytest.fixture(scope="module")
def bundle(corpus: Corpus, texts: dict[str, str]) -> dict[str, Any]:
    return rules_bundle(corpus, texts, edition=EDITION, built="2026-12-01", site_url=SITE)


def _plans(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """rule id -> its PlanDefinition."""
    return {p["identifier"][0]["value"]: p for p in (e["resource"] for e in bundle["entry"])}


def _condition(plan: dict[str, Any]) -> dict[str, Any] | None:
    conditions = plan["action"][0].get("condition", [])
    assert len(conditions) <= 1
    return conditions[0]["expression"] if conditions else None


def test_the_models_are_fhir_r4() -> None:
    # fhir.resources 7+ defaults to R5 and 6.5 to R4B: a wrong upgrade must fail here.
    assert __fhir_version__ == "4.0.1"


def test_the_bundle_is_valid_fhir_r4_json(bundle: dict[str, Any]) -> None:
    assert json.loads(json.dumps(bundle)) == bundle  # plain JSON, as the export writes it
    parsed = Bundle.parse_obj(bundle)  # every entry is validated as its own resource type
    assert parsed.type == "collection"
    assert {type(e.resource).__name__ for e in parsed.entry} == {"PlanDefinition"}
    assert bundle["identifier"]["value"] == EDITION
    assert bundle["timestamp"] == "2026-12-01T00:00:00Z"


def test_an_r5_element_is_refused(bundle: dict[str, Any]) -> None:
    """The validation reaches every entry, and R5's knowledgeCapability is not R4."""
    broken = copy.deepcopy(bundle)
    broken["entry"][-1]["resource"]["knowledgeCapability"] = ["shareable"]
    with pytest.raises(pydantic.ValidationError, match="knowledgeCapability"):
        Bundle.parse_obj(broken)


def test_one_plan_definition_per_rule(corpus: Corpus, texts: dict[str, str],
                                     bundle: dict[str, Any]) -> None:
    rules = corpus.rules()
    plans = [e["resource"] for e in bundle["entry"]]
    assert len(plans) == len(rules)
    ids = [p["id"] for p in plans]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", i) for i in ids)
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(rules)
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])
    assert [p["identifier"][0]["value"] for p in plans] == [r.id for r in rules]
    by_id = _plans(bundle)
    for r in rules:
        plan = by_id[r.id]
        assert plan["status"] == ("active" if r.status == "verified" else "draft"), r.id
        assert plan["experimental"] is False
        assert plan["date"] == "2026-12-01"
        assert plan["publisher"] == "IL-2 Toxicity Reference"
        assert plan["url"] == canonical(SITE, r) and "#" not in plan["url"]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", plan["name"])  # FHIR pdf-0
        assert plan["topic"][0]["coding"][0]["code"] == r.system
    # Deterministic: the same content gives the same file.
    assert rules_bundle(corpus, texts, edition=EDITION, built="2026-12-01",
                        site_url=SITE) == bundle


def test_a_long_rule_id_is_shortened_stably() -> None:
    long = "rule-" + "x" * 80
    assert fhir_id(long) == fhir_id(long) != fhir_id(long + "y")
    assert len(fhir_id(long)) == 64
    assert fhir_id("rule-renal-legacy-creatinine") == "rule-renal-legacy-creatinine"


def test_every_numeric_threshold_has_a_fhirpath_condition(corpus: Corpus,
                                                          bundle: dict[str, Any]) -> None:
    plans = _plans(bundle)
    for r in corpus.rules():
        action = plans[r.id]["action"][0]
        assert action["textEquivalent"] and action["description"], r.id  # words, always
        expression = _condition(plans[r.id])
        if r.threshold is None:
            assert expression is None, r.id  # R4 allows no words-only Expression (exp-1)
            continue
        assert expression is not None, r.id
        assert expression["language"] == "text/fhirpath"
        assert expression["description"]
        text, t = expression["expression"], r.threshold
        assert f"code = '{t.measure}'" in text and f"unit = '{t.unit}'" in text, r.id
        for number in (t.value, t.low, t.high):
            if number is not None:
                assert re.search(rf"\b{re.escape(f'{number:g}')}\b", text), (r.id, text)


def test_the_expressions_of_two_known_rules(bundle: dict[str, Any]) -> None:
    plans = _plans(bundle)
    head = (f"Observation.where(code.coding.exists(system = '{MEASURES}' and "
            "code = 'creatinine')).value.ofType(Quantity)")
    legacy = _condition(plans["rule-renal-legacy-creatinine"])
    assert legacy is not None
    assert legacy["expression"] == head + ".where(unit = 'mg/dL' and value > 4.5).exists()"
    ranged = _condition(plans["rule-renal-consensus-creatinine-relative"])
    assert ranged is not None
    assert ranged["expression"] == (
        head + ".where(unit = 'mg/dL' and value >= 2.5 and value <= 2.9).exists()")


def test_every_plan_is_shareable_reference_content_only(bundle: dict[str, Any]) -> None:
    for plan in _plans(bundle).values():
        assert "knowledgeCapability" not in plan  # the R5 element; R4 has the extension
        assert "Not for automated clinical decisions" in plan["usage"]
        assert "prescribing information and clinical judgement govern" in plan["usage"]
        assert "not executable" in plan["usage"]
        codes = [x["valueCode"] for x in plan["extension"] if x["url"] == CAPABILITY]
        assert codes == ["shareable"]  # never executable (nor computable)
        assert plan["type"]["coding"][0]["code"] == "eca-rule"
    assert '"executable"' not in json.dumps(bundle)


def test_citations_name_their_references(corpus: Corpus, texts: dict[str, str],
                                         bundle: dict[str, Any]) -> None:
    plans = _plans(bundle)
    for r in corpus.rules():
        cites = [a for a in plans[r.id]["relatedArtifact"] if a["type"] == "citation"]
        assert [c["label"] for c in cites] == [s.key for s in r.sources]
        for c, s in zip(cites, r.sources, strict=True):
            assert c["label"] in corpus.bib_keys
            assert c["citation"] == f"{texts[s.key]} ({s.locator})"
        assert {a["type"] for a in plans[r.id]["relatedArtifact"]} <= {"citation",
                                                                       "documentation"}
        page = [a["url"] for a in plans[r.id]["relatedArtifact"] if "resource" not in a
                and a["type"] == "documentation"]
        assert page == [f"{SITE}{r.page}/#{r.id}"]


def test_resume_and_differing_sources_are_labelled(corpus: Corpus,
                                                   bundle: dict[str, Any]) -> None:
    plans, rules = _plans(bundle), corpus.rules()
    differ = differing(rules)
    assert any(r.resume for r in rules) and any(others(r, differ) for r in rules)
    for r in rules:
        actions = plans[r.id]["action"]
        if r.resume:
            assert actions[1]["title"] == "Resume when"
            assert actions[1]["textEquivalent"].startswith("Resume when: ")
            assert actions[1]["relatedAction"] == [{"actionId": "action",
                                                    "relationship": "after"}]
        else:
            assert len(actions) == 1
        rivals = others(r, differ)
        linked = [a["resource"] for a in plans[r.id]["relatedArtifact"] if "resource" in a]
        assert linked == [canonical(SITE, o) for o in rivals], r.id
        assert all(any(p["url"] == url for p in plans.values()) for url in linked)
        assert ("Sources differ" in plans[r.id]["description"]) == bool(rivals)
        if r.cumulative:
            assert f"at least {r.cumulative.at_least}" in plans[r.id]["description"]


def _observation(measure: str, value: float, unit: str) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": MEASURES, "code": measure}]},
            "valueQuantity": {"value": value, "unit": unit}}


def _cases(r: Rule) -> list[tuple[float, bool]]:
    """Values just inside and just outside the rule's threshold, with the expected result."""
    t, step = r.threshold, 0.01
    assert t is not None
    if t.comparator == "range":
        assert t.low is not None and t.high is not None
        return [(t.low, True), (t.high, True), (t.low - step, False), (t.high + step, False)]
    v = t.value
    assert v is not None
    return {"<": [(v - step, True), (v, False)], "<=": [(v, True), (v + step, False)],
            ">": [(v + step, True), (v, False)], ">=": [(v, True), (v - step, False)]
            }[t.comparator]


def test_the_fhirpath_conditions_evaluate_as_the_site_reads_them(
        corpus: Corpus, bundle: dict[str, Any]) -> None:
    fhirpathpy = pytest.importorskip("fhirpathpy")
    from fhirpathpy.models import models

    plans = _plans(bundle)
    checked = 0
    for r in corpus.rules():
        expression = _condition(plans[r.id])
        if r.threshold is None or expression is None:
            continue
        t, text = r.threshold, expression["expression"]
        for value, expected in _cases(r):
            got = fhirpathpy.evaluate(_observation(t.measure, value, t.unit), text, {},
                                      models["r4"])
            assert got == [expected], (r.id, value, text)
        inside = _cases(r)[0][0]
        # Another measure or another unit never meets the rule.
        for measure, unit in (("not-" + t.measure, t.unit), (t.measure, t.unit + "x")):
            got = fhirpathpy.evaluate(_observation(measure, inside, unit), text, {},
                                      models["r4"])
            assert got == [False], (r.id, measure, unit)
        checked += 1
    assert checked == sum(1 for r in corpus.rules() if r.threshold)
