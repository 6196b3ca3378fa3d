"""Search speaks the clinicians' language: each query must put the right page first.

Typed into Material's real search box in Chromium (one shared page: conftest.search_page).
Abbreviations and synonyms are found through the pages' "Also called" lines (the `aliases`
field in the data) and the search vocabulary (docs/includes/vocabulary.yaml).
"""

from __future__ import annotations

import lxml.html
import pytest

from il2ref.tools.search_bench import ask

pytestmark = pytest.mark.browser

QUERIES = [
    ("capillary leak", "capillary-leak"),
    ("CLS", "capillary-leak"),
    ("vascular leak syndrome", "capillary-leak"),
    ("phenylephrine", "capillary-leak"),
    # The brand name: the regimen page (dose, schedule, who gets it) lists it among its names.
    ("Proleukin", "regimen"),
    ("lifileucel", "regimen"),
    ("TIL", "regimen"),
    ("600,000 IU/kg", "regimen"),
    ("14 doses", "regimen"),
    ("hypotension", "cardiovascular"),
    ("SBP", "cardiovascular"),
    ("atrial fibrillation", "cardiovascular"),
    ("troponin", "cardiovascular"),
    ("thallium", "cardiovascular"),
    ("SpO2", "pulmonary"),
    ("intubation", "pulmonary"),
    ("AKI", "renal"),
    ("creatinine", "renal"),
    ("oliguria", "renal"),
    ("bilirubin", "hepatic"),
    ("cholestasis", "hepatic"),
    ("confusion", "neurologic"),
    ("seizures", "neurologic"),
    ("thrombocytopenia", "haematologic"),
    ("platelets", "haematologic"),
    ("catheter infection", "infection"),
    ("hypothyroidism", "endocrine"),
    ("desquamation", "dermatologic"),
    ("diarrhea", "gastrointestinal"),
    ("diarrhoea", "gastrointestinal"),
    ("rigors", "constitutional"),
    ("contrast", "late-effects"),
    ("monitoring schedule", "monitoring"),
    ("dexamethasone", "management"),
    ("vasopressors", "management"),
    ("mortality", "safety-over-time"),
    ("CRS", "crs-comparison"),
    ("ICANS", "crs-comparison"),
    ("tocilizumab", "crs-comparison"),
    ("Sculier", "case-study"),
]


# Bedside questions about the label-complete content, in a nurse's or pharmacist's words: the
# page that answers must come first, and that page must hold the fact the question is after.
ANSWERS = [
    ("drug interactions", "medicines", "psychotropic"),
    ("beta blocker", "medicines", "beta-blockers"),
    ("antihypertensives", "medicines", "antihypertensive"),
    ("pregnancy", "medicines", "category C"),
    ("breastfeeding", "medicines", "breastfeeding"),
    ("contraception", "medicines", "contraception"),
    # Both labels' contraindications have one home, beside the regimen (and on the card).
    ("contraindications", "regimen", "allograft"),
    ("FEV1", "regimen", "75%"),
    ("interferon", "medicines", "interferon"),
    ("psychotropic", "medicines", "psychotropic"),
    ("reconstitution", "regimen", "1.2 mL"),
    ("dilution", "regimen", "30 µg/mL"),
    ("D5W", "regimen", "50 mL"),
    ("in-line filter", "regimen", "in-line filter"),
    ("sterile water", "regimen", "bacteriostatic"),
    ("concentration", "regimen", "70 µg/mL"),
    ("after TIL", "regimen", "3–24 hours"),
    ("retreatment", "regimen", "7 weeks"),
    ("vital signs", "monitoring", "2–4 hours"),
    ("daily labs", "monitoring", "daily"),
    ("suspected infection", "infection", "antibiotics"),
    ("antibiotics", "infection", "work-up"),
    ("indomethacin", "constitutional", "50–75 mg"),
    ("meperidine", "constitutional", "25 mg"),
    ("acetaminophen", "constitutional", "650 mg"),
    ("relative criteria", "management", "Hold this dose"),
    ("absolute criteria", "management", "Stop this cycle"),
    ("held three times", "management", "three occasions"),
    ("paraesthesias", "management", "Extreme paraesthesias"),
    ("tamponade", "cardiovascular", "Before the next course"),
    ("ventricular tachycardia", "cardiovascular", "≥5 beats"),
    ("moist desquamation", "dermatologic", "Sources differ"),
    ("bicarbonate", "renal", "18 mEq/L"),
    ("dialysis", "renal", "72 h"),
    ("hallucinations", "neurologic", "Hallucinations"),
    ("bowel perforation", "gastrointestinal", "Stop for good"),
]


def test_queries_are_many_distinct_and_aim_at_real_pages(built_site) -> None:  # type: ignore[no-untyped-def]
    queries = [q for q, _ in QUERIES] + [q for q, _, _ in ANSWERS]
    assert len(QUERIES) >= 30 and len(ANSWERS) >= 30
    assert len(set(queries)) == len(queries)  # each question asked once
    for slug in {s for _, s in QUERIES} | {s for _, s, _ in ANSWERS}:
        assert (built_site / slug / "index.html").is_file(), slug


@pytest.mark.parametrize(("query", "slug", "fact"), ANSWERS)
def test_bedside_question_lands_on_the_page_that_answers_it(  # type: ignore[no-untyped-def]
        search_page, built_site, query: str, slug: str, fact: str) -> None:
    pages = ask(search_page, query)
    assert pages and pages[0] == slug, f"{query!r}: {pages[:3]}"
    article = lxml.html.parse(str(built_site / slug / "index.html")).getroot().cssselect(
        "article")[0]
    text = " ".join(article.text_content().split())
    assert fact.lower() in text.lower(), (query, fact)


@pytest.mark.parametrize(("query", "slug"), QUERIES)
def test_clinician_query_finds_the_right_page_first(search_page, query: str,  # type: ignore[no-untyped-def]
                                                     slug: str) -> None:
    pages = ask(search_page, query)
    assert pages and pages[0] == slug, f"{query!r}: {pages[:3]}"


def test_results_show_the_matching_section(search_page) -> None:  # type: ignore[no-untyped-def]
    page = search_page
    ask(page, "desquamation")
    # Material lists matching sections under the page, each with its heading.
    sections = page.eval_on_selector_all(
        ".md-search-result__list > li:first-child .md-search-result__article h2",
        "els => els.map(e => e.textContent)")
    assert "When to withhold or stop" in sections
