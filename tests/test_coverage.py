"""Source coverage: every item of every key source's outline is covered, left out with a reason,
or marked not seen, and the generated page says so item by item."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT
from il2ref.core.coverage import coverage, match
from il2ref.core.model import Corpus
from il2ref.load.corpus import load_corpus

# What the issue asks an outline for, per source: these items must exist in its outline.
REQUIRED = {
    "proleukin_pi_2024": ["Boxed Warning", "§1", "§2.1", "§2.2", "§2.3", "§2.4", "§2.5", "§4",
                          "§5.1", "§5.2", "§6", "§7", "§8.1", "§8.2", "§8.3", "§10", "§11",
                          "§12", "§17"],
    "proleukin_pi_legacy": ["Boxed Warning", "Contraindications", "Warnings",
                            "Adverse Reactions", "Dosage and Administration",
                            "Dose Modifications"],
    "dutcher2014": ["Table 2", "Table 3"],
    "betofwarner2024": ["Table 2"],
    "lee2019astct": ["CRS grading table", "ICANS grading table"],
}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus, _ = load_corpus(ROOT)
    return corpus


def test_every_key_source_has_an_outline_with_the_items_asked_for(corpus: Corpus) -> None:
    for key, items in REQUIRED.items():
        assert key in corpus.outlines, key
        have = {i.locator for i in corpus.outlines[key].items}
        assert set(items) <= have, (key, set(items) - have)


def test_every_citation_of_an_outlined_source_names_an_item(corpus: Corpus) -> None:
    checked = 0
    for page in corpus.pages:
        for item in (*page.excerpts(), *page.rules):
            for s in item.sources:
                if s.key in corpus.outlines:
                    named, unknown = match(corpus.outlines[s.key], s.locator)
                    assert named and not unknown, (item.id, s.key, s.locator)
                    checked += 1
                    if any(i.status == "not-seen" for i in named):
                        assert item.status == "unverified", (item.id, s.locator)
    assert checked > 200


def test_coverage_page_shows_every_item_as_the_data_says(built_site: Path,
                                                         corpus: Corpus) -> None:
    doc = lxml.html.parse(str(built_site / "coverage" / "index.html")).getroot()
    used = coverage(corpus)
    for key, outline in corpus.outlines.items():
        [heading] = doc.xpath(f"//h2[@id='cov-{key}']")
        table = heading.xpath("following::table[1]")[0]
        rows = {r[0].text_content(): r for r in table.xpath(".//tbody/tr")}
        assert list(rows) == [i.locator for i in outline.items], key
        for item in outline.items:
            status, cited = rows[item.locator][2].text_content(), rows[item.locator][3]
            uses = used[key][item.locator]
            if uses:
                assert status == f"Covered ({len(uses)})", (key, item.locator)
                assert [a.text_content() for a in cited.xpath(".//a")] == [u.id for u in uses]
            elif item.status == "not-seen":
                assert status == f"Not seen: {item.reason}", (key, item.locator)
            elif item.status == "left-out":
                assert status == f"Left out: {item.reason}", (key, item.locator)
            else:
                assert status == "Not yet covered", (key, item.locator)


def test_coverage_links_land_on_the_statement(built_site: Path) -> None:
    doc = lxml.html.parse(str(built_site / "coverage" / "index.html")).getroot()
    links = doc.xpath("//article//td//a[contains(@href, '#')]")
    assert len(links) > 200
    pages: dict[str, str] = {}
    for a in links:
        href = a.get("href")
        path, anchor = href.split("#")
        target = (built_site / "coverage" / path).resolve() / "index.html"
        if str(target) not in pages:
            pages[str(target)] = target.read_text(encoding="utf-8")
        assert f'id="{anchor}"' in pages[str(target)], href
