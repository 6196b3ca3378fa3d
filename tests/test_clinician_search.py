"""Search speaks the clinicians' language: each query must put the right page first.

Typed into Material's real search box in Chromium. Abbreviations and synonyms are found
through the pages' "Also called" lines, which come from the `aliases` field in the data.
"""

from __future__ import annotations

import pytest
from test_search import search

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


def test_query_list_is_long_enough() -> None:
    assert len(QUERIES) >= 30


@pytest.mark.parametrize(("query", "slug"), QUERIES)
def test_clinician_query_finds_the_right_page_first(page, site_url: str, query: str,  # type: ignore[no-untyped-def]
                                                     slug: str) -> None:
    links = search(page, site_url, query)
    expected = f"/{slug}/" if slug else "/"
    assert links and links[0] == expected, f"{query!r}: {links[:3]}"


def test_results_show_the_matching_section(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    search(page, site_url, "desquamation")
    # Material lists matching sections under the page, each with its heading.
    sections = page.eval_on_selector_all(
        ".md-search-result__list > li:first-child .md-search-result__article h2",
        "els => els.map(e => e.textContent)")
    assert "When to withhold or stop" in sections
