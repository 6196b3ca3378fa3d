"""The Patient information sheet: plain words (Flesch–Kincaid grade at most 8, measured with
textstat), every statement from a verified, cited excerpt, a PDF of at most five pages."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import textstat

from conftest import ROOT
from il2ref.core.model import Corpus
from il2ref.load.corpus import load_corpus
from il2ref.render.patient import sheet, text


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT)[0]


def test_the_sheet_reads_at_grade_8_or_below(corpus: Corpus) -> None:
    words = text(corpus)
    assert len(words.split()) > 800  # a sheet, not a line
    assert textstat.flesch_kincaid_grade(words) <= 8
    # No single statement much harder than the rest.
    assert max(textstat.flesch_kincaid_grade(line) for line in words.split("\n")) <= 10


def test_every_section_has_cited_verified_statements(corpus: Corpus) -> None:
    sections = sheet(corpus)
    assert [s.id for s in sections] == ["tell-at-once", "what-it-is", "what-you-feel",
                                        "signs-checked", "organs", "after-home"]
    for s in sections:
        assert len(s.items) >= 3, s.id
        for e in s.items:
            assert e.status == "verified" and e.sources, e.id
    # Patient-facing sources are cited where they support a statement.
    cited = {x.key for s in sections for e in s.items for x in e.sources}
    assert "lay_overview" in cited


def test_label_figures_name_their_label(corpus: Corpus) -> None:
    for s in sheet(corpus):
        for e in s.items:
            assert e.patient
            if e.label_version:
                assert f"{e.label_version} label" in e.patient.text, e.id


def test_the_page_cites_every_statement(built_site: Path, corpus: Corpus) -> None:
    page = lxml.html.parse(str(built_site / "patient-information" / "index.html")).getroot()
    items = page.xpath("//article//h2[@id!='references']/following-sibling::ul[1]/li")
    assert len(items) == sum(len(s.items) for s in sheet(corpus))
    for li in items:
        assert li.xpath(".//a[@class='footnote-ref']"), li.text_content()[:60]
