"""The hold and stop rules as an HL7 FHIR R4 Bundle of PlanDefinitions (plain JSON-able dicts).

Shareable reference content for people and for systems that list or display rules; never an
executable rule set. The FHIRPath conditions state each number exactly, but they are there to
be read and checked, not run: the prescribing information and clinical judgement govern.
tests/test_fhir.py validates the Bundle against the R4 models of fhir.resources (a test-only
dependency: nothing here imports it).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from il2ref import __version__
from il2ref.core.model import Corpus, Rule, Threshold
from il2ref.core.rules import ACTIONS, FRAMEWORKS, MEASURES, differing, others, system_name
from il2ref.core.schema import schema
from il2ref.core.units import format_threshold, plain_text

PUBLISHER = "IL-2 Toxicity Reference"
USAGE = ("Shareable reference content, not executable: published for people to read and "
         "check against its sources. Not for automated clinical decisions. The prescribing "
         "information and clinical judgement govern every decision.")
# R4 has no PlanDefinition.knowledgeCapability (R5 added it); the CPG IG's extension carries it.
CAPABILITY = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeCapability"
ECA_RULE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                        "code": "eca-rule", "display": "ECA Rule"}]}
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
# "=" is for lab values in prose only (no rule threshold may use it): a KeyError, never a guess.
_FHIRPATH_OP = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}


def fhir_id(rule_id: str) -> str:
    """The rule id if FHIR allows it as a resource id, else a stable shortened form."""
    if _FHIR_ID.fullmatch(rule_id):
        return rule_id
    tail = hashlib.sha256(rule_id.encode()).hexdigest()[:10]
    return re.sub(r"[^A-Za-z0-9\-.]", "-", rule_id)[:53] + "-" + tail


def canonical(site_url: str, rule: Rule) -> str:
    # A canonical url must not hold '#' (FHIR's cnl-1), so the anchored page link is a
    # relatedArtifact instead.
    return f"{site_url}fhir/PlanDefinition/{fhir_id(rule.id)}"


def page_url(site_url: str, rule: Rule) -> str:
    """The rule's row on its own page (rule_tables gives each row the rule id)."""
    return f"{site_url}{rule.page}/#{rule.id}"


def _name(rule_id: str) -> str:
    # FHIR's pdf-0: a name starts with a capital and holds letters, digits and '_' only.
    name = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", rule_id))
    return name if name[:1].isalpha() else "Rule" + name


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def fhirpath(t: Threshold, measures: str) -> str:
    """True for an Observation of the measure, in the rule's unit, that meets the threshold.
    A range includes both ends, as format_threshold shows it and dose_check applies it."""
    if t.comparator == "range":
        assert t.low is not None and t.high is not None
        test = f"value >= {_number(t.low)} and value <= {_number(t.high)}"
    else:
        assert t.value is not None
        test = f"value {_FHIRPATH_OP[t.comparator]} {_number(t.value)}"
    return (f"Observation.where(code.coding.exists(system = {_literal(measures)} and "
            f"code = {_literal(t.measure)})).value.ofType(Quantity)"
            f".where(unit = {_literal(t.unit)} and {test}).exists()")


def _counts(code: str) -> str:
    options = schema()["$defs"]["cumulative"]["properties"]["counts"]["oneOf"]
    return next((o["title"] for o in options if o["const"] == code), code)


def _condition(r: Rule) -> str:
    """The condition in words: every rule has one, numeric or not."""
    text = plain_text(r.criterion)
    if r.threshold:
        measure = MEASURES.get(r.threshold.measure, r.threshold.measure)
        limit = format_threshold(r.threshold)
        text += f" {limit}" if text == measure else f" ({measure} {limit})"
    if r.cumulative:
        text += (f" (a combination rule: {_counts(r.cumulative.counts).lower()}, at least "
                 f"{r.cumulative.at_least}, counted within {FRAMEWORKS[r.framework]})")
    return text


def _actions(r: Rule, measures: str) -> list[dict[str, Any]]:
    main: dict[str, Any] = {"id": "action", "title": ACTIONS[r.action],
                            "description": plain_text(r.criterion),
                            "textEquivalent": f"{ACTIONS[r.action]} when: {_condition(r)}"}
    if r.threshold:
        # R4 Expression needs a language and an expression (exp-1), so only a numeric
        # threshold gets a condition; the words are in textEquivalent for every rule.
        main["condition"] = [{"kind": "applicability", "expression": {
            "description": _condition(r), "language": "text/fhirpath",
            "expression": fhirpath(r.threshold, measures)}}]
    actions = [main]
    if r.resume:
        actions.append({"id": "resume", "title": "Resume when",
                        "description": plain_text(r.resume),
                        "textEquivalent": f"Resume when: {plain_text(r.resume)}",
                        "relatedAction": [{"actionId": "action", "relationship": "after"}]})
    return actions


def _plan(r: Rule, texts: dict[str, str], differ: dict[str, list[Rule]], built: str,
          site_url: str) -> dict[str, Any]:
    rivals = others(r, differ)
    description = f"{ACTIONS[r.action]} when: {_condition(r)}. Source: {FRAMEWORKS[r.framework]}."
    if r.status != "verified":
        description += " Not yet verified against its source."
    if rivals:
        description += " Sources differ: see also " + ", ".join(o.id for o in rivals) + "."
    topic = {"coding": [{"system": f"{site_url}systems", "code": r.system,
                         "display": system_name(r.system)}], "text": system_name(r.system)}
    artifacts: list[dict[str, Any]] = [
        {"type": "citation", "label": s.key, "citation": f"{texts[s.key]} ({s.locator})"}
        for s in r.sources]
    artifacts.append({"type": "documentation", "display": f"This rule on the {PUBLISHER} site",
                      "url": page_url(site_url, r)})
    artifacts += [{"type": "documentation", "display": f"Sources differ: {FRAMEWORKS[o.framework]}"
                   f" asks '{ACTIONS[o.action]}' when: {_condition(o)}",
                   "url": page_url(site_url, o), "resource": canonical(site_url, o)}
                  for o in rivals]
    return {
        "resourceType": "PlanDefinition", "id": fhir_id(r.id),
        "extension": [{"url": CAPABILITY, "valueCode": "shareable"}],
        "url": canonical(site_url, r),
        "identifier": [{"system": f"{site_url}rules", "value": r.id}],
        "version": __version__, "name": _name(r.id),
        "title": f"{ACTIONS[r.action]}: {plain_text(r.criterion)} — {FRAMEWORKS[r.framework]}",
        "type": ECA_RULE, "status": "active" if r.status == "verified" else "draft",
        "experimental": False, "date": built, "publisher": PUBLISHER,
        "description": description,
        "useContext": [{"code": {"system": "http://terminology.hl7.org/CodeSystem/"
                                           "usage-context-type", "code": "focus"},
                        "valueCodeableConcept": topic}],
        "purpose": "Records one hold or stop rule of high-dose IL-2 (aldesleukin) as its "
                   "source gives it, with the citation, for reference. " + USAGE,
        "usage": USAGE, "topic": [topic], "relatedArtifact": artifacts,
        "action": _actions(r, f"{site_url}measures"),
    }


def rules_bundle(corpus: Corpus, texts: dict[str, str], *, edition: str, built: str,
                 site_url: str) -> dict[str, Any]:
    """Every rule as a PlanDefinition in one collection Bundle. `texts`: key -> reference text
    (il2ref.site.citations.reference_texts); `built`: an ISO date; `site_url`: the online
    site's address, with or without its final '/'."""
    site_url = site_url.rstrip("/") + "/"
    rules = corpus.rules()
    differ = differing(rules)
    entries = []
    for r in rules:
        url = canonical(site_url, r)
        entries.append({"fullUrl": uuid.uuid5(uuid.NAMESPACE_URL, url).urn,
                        "resource": _plan(r, texts, differ, built, site_url)})
    return {
        "resourceType": "Bundle",
        # Bundle.meta.versionId must be a FHIR id (no spaces), so the edition is an identifier.
        "meta": {"source": site_url},
        "identifier": {"system": f"{site_url}editions", "value": edition},
        "type": "collection", "timestamp": f"{built}T00:00:00Z", "entry": entries,
    }
