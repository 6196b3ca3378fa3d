"""Content integrity, checked from the data and the built site rather than by hand."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import lxml.html
import pytest

import seed_runs
from conftest import FIXTURES, ROOT
from il2ref.load.corpus import load_corpus

SEEDS = ROOT.parent / "shared" / "seeds"
# Every page the reference promises (issue: the whole clinical reference).
REQUIRED_PAGES = [
    "mechanism", "regimen", "capillary-leak", "cardiovascular", "pulmonary", "renal", "hepatic",
    "neurologic", "haematologic", "infection", "endocrine", "dermatologic", "gastrointestinal",
    "constitutional", "late-effects", "monitoring", "management", "safety-over-time",
    "crs-comparison", "case-study", "quick-reference", "glossary", "references",
    "source-notes",
]


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    corpus, _ = load_corpus(ROOT)
    return corpus


def test_scale_of_the_evidence_base(corpus) -> None:  # type: ignore[no-untyped-def]
    assert len(corpus.excerpts()) >= 120
    assert len(corpus.cited_keys()) >= 40


def test_every_statement_and_rule_has_a_source_with_a_locator(corpus) -> None:  # type: ignore[no-untyped-def]
    items = [*corpus.excerpts(), *corpus.rules()]
    assert len(items) > 400
    for item in items:  # a blank locator once passed (schema: every text field needs text)
        assert item.sources and all(re.search(r"\w", s.locator) for s in item.sources), item.id


def test_every_brief_conflict_is_shown(built_site: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    shown = {c.brief_ref for p in corpus.pages for s in p.sections for c in s.conflicts}
    assert {f"C{i}" for i in range(1, 17)} - shown == {"C15"}
    # C15 (bibliographic oddities) is about citations: a Sources differ box on the built
    # source-notes page, listing each oddity with its citation.
    notes = lxml.html.parse(str(built_site / "source-notes" / "index.html")).getroot()
    [box] = [a for a in notes.cssselect("div.admonition.warning")
             if "bibliographic details" in a.text_content()]
    items = box.cssselect("li")
    assert len(items) >= 3 and all(i.cssselect("a.footnote-ref") for i in items)


def test_c13_unit_error_is_not_reproduced(built_site: Path) -> None:
    text = _site_text(built_site)
    assert not re.search(r"100\.5\s*°C", text)


def test_every_promised_page_is_built_and_in_the_navigation(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for slug in REQUIRED_PAGES:
        assert (built_site / slug / "index.html").exists(), slug
        assert f'href="{slug}/"' in home, f"{slug} missing from navigation"


def _article(path: Path) -> lxml.html.HtmlElement:
    tree = lxml.html.parse(str(path)).getroot()
    return tree.cssselect("article.md-content__inner")[0]


def test_every_generated_statement_with_a_number_is_cited(  # type: ignore[no-untyped-def]
        built_site: Path, corpus) -> None:
    checked = 0
    for page in corpus.pages:
        article = _article(built_site / page.slug / "index.html")
        for footnotes in article.cssselect("div.footnote"):
            footnotes.drop_tree()
        for item in article.cssselect("li, tr"):
            if item.xpath(".//li | .//th"):  # nested lists are checked item by item; skip headers
                continue
            if "rule-differs" in (item.get("class") or ""):
                continue  # the line naming every side of a group: each row under it is cited
            statement = copy.deepcopy(item)
            for cite in statement.cssselect(".cites, sup"):  # citation numbers are not claims
                cite.drop_tree()
            text = statement.text_content()
            if re.search(r"\d", text):
                checked += 1
                assert item.cssselect("a.footnote-ref"), f"{page.slug}: uncited: {text[:90]}"
    assert checked > 100


def _site_text(site: Path) -> str:
    parts = []
    for html in site.rglob("index.html"):
        article = _article(html)
        for footnotes in article.cssselect("div.footnote"):  # reference titles may match
            footnotes.drop_tree()
        parts.append(article.text_content())
    return "\n".join(parts)


def _seed_fingerprints() -> dict[str, str]:
    """fingerprint -> seed file name, from the committed fixture (no seed text needed)."""
    lines = (FIXTURES / "seed-runs.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line and not line.startswith("#")]
    return {fp: name for name, fp in pairs}


def test_no_twelve_word_run_of_a_seed_document_appears(built_site: Path) -> None:
    seeds = _seed_fingerprints()
    assert len(set(seeds.values())) == 5 and len(seeds) > 2000
    copied = [(seeds[seed_runs.fingerprint(run)], " ".join(run))
              for run in seed_runs.runs(_site_text(built_site))
              if seed_runs.fingerprint(run) in seeds]
    assert not copied, copied[:3]


def test_the_check_would_catch_a_copied_run(tmp_path: Path) -> None:
    """Fingerprints made the fixture's way catch a copied run, and only that (so the test
    above can fail), without any seed text in the repository."""
    (tmp_path / "seed.txt").write_text("one two three four five six seven eight nine ten "
                                       "eleven twelve thirteen", encoding="utf-8")
    seeds = {line.split()[1] for line in seed_runs.fingerprints(tmp_path)}
    copied = "Ours, then Two three four five six seven eight nine ten eleven twelve THIRTEEN."
    own = "Ours, then two three four five six seven eight nine ten eleven twelve fourteen."
    assert any(seed_runs.fingerprint(run) in seeds for run in seed_runs.runs(copied))
    assert not any(seed_runs.fingerprint(run) in seeds for run in seed_runs.runs(own))


def test_seed_fingerprints_match_the_seed_documents() -> None:
    """Where the seeds are beside the clone, the committed fingerprints are theirs."""
    if not SEEDS.is_dir():
        pytest.skip(f"no seed documents at {SEEDS} (a clone on its own); fingerprints used")
    want = seed_runs.fingerprints(SEEDS)
    got = [line for line in (FIXTURES / "seed-runs.txt").read_text(encoding="utf-8")
           .splitlines() if line and not line.startswith("#")]
    assert got == want


def test_label_figures_name_their_version(built_site: Path) -> None:
    for html in built_site.rglob("index.html"):
        text = html.read_text(encoding="utf-8")
        for m in re.finditer(r'<span class="claim"[^>]*>.*?</li>', text, re.S):
            # "(2024 label)" after a statement, or its evidence badge "2024 label".
            if "#fn:proleukin_pi_2024" in m.group(0):
                assert "2024 label" in m.group(0), (html, m.group(0)[:120])
            if "#fn:proleukin_pi_legacy" in m.group(0):
                assert "legacy label" in m.group(0).lower(), (html, m.group(0)[:120])
