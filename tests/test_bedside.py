"""Safe at the bedside on its own (issue #24): one test per class of fault the second clinical
review found, each derived from the data rather than from a list of today's statements.

- Q5: while a rule-giving table has parts no stored copy showed, every rule table and the card
  say so in one visible line, generated from the source outlines; it goes when they are seen.
- Q2, Q6: patient text never holds back a symptom: text about IL-2 being held or stopped tells
  the patient to tell their nurse or doctor, and the sheet opens with what to report at once.
- Unverified marks lifted since the review's commit each carry a row in a checks file naming
  the stored copy that supports them.
- The label's sections, §16 included, are listed by `il2ref validate` and the coverage page.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import lxml.html
import pytest

from conftest import ROOT
from il2ref.cli import main as cli
from il2ref.core.coverage import unseen_rule_items
from il2ref.core.model import Corpus, Outline
from il2ref.load.corpus import load_corpus
from il2ref.render.card import card_markdown
from il2ref.render.markdown import page_markdown

CHECKS = sorted((ROOT / "docs" / "data" / "sources").glob("checks-*.md"))
# Statements marked unverified at a0a7e3a, the commit the 2026-12-02 review read.
UNVERIFIED_AT_REVIEW = [
    "cls-onset", "cls-bp-target-nci-sheet", "derm-rule-text-legacy",
    "derm-desquamation-consensus-hold", "derm-topical-steroids-legacy",
    "rule-derm-consensus-moist-desquamation", "rule-derm-legacy-bullous", "hep-rule-text-legacy",
    "rule-hep-legacy-liver-failure", "inf-klempner-duration", "mgmt-steroid-mice",
    "neuro-new-findings", "renal-legacy-oliguria", "renal-creatinine-legacy",
    "rule-renal-consensus-bicarbonate", "rule-renal-legacy-creatinine",
    "rule-renal-legacy-creatinine-complicated", "rule-renal-legacy-oliguria"]
# Words that tell a patient to speak up, and words that say IL-2 is held or stopped.
TELL = re.compile(r"\b(tell|let)\b[^.]*\b(nurse|doctor|team)\b", re.I)
HELD_OR_STOPPED = re.compile(r"\b(stop|stops|stopped|stopping|hold|holds|held|pause[sd]?|"
                             r"withh\w*|miss(?:ed)? (?:a )?doses?)\b", re.I)
# ... for a reason: a sentence that says when or why (not "symptoms pass after it is stopped").
CONDITION = re.compile(r"\b(if|when|whenever|unless|because)\b", re.I)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT)[0]


def _all_seen(corpus: Corpus) -> Corpus:
    """The same data with every outline item marked seen, as an editor would once the source's
    text is read."""
    seen = {key: dataclasses.replace(o, items=tuple(
        dataclasses.replace(i, status="expected", reason=None) for i in o.items))
        for key, o in corpus.outlines.items()}
    return dataclasses.replace(corpus, outlines=seen)


def _rule_pages(corpus: Corpus) -> list[str]:
    return [p.slug for p in corpus.pages if p.rules or any(
        s.insert == "all-rules" for s in p.sections)]


def test_the_unseen_line_is_generated_from_the_outlines(corpus: Corpus) -> None:
    unseen = unseen_rule_items(corpus)
    # Today: the 2024 label's Table 2 after the GI row, and the post-TIL table after urine.
    assert {(u.key, u.item.locator) for u in unseen} >= {
        ("proleukin_pi_2024", "§2.4 Table 2, rows after the gastrointestinal row")}
    assert all(u.item.status == "not-seen" for u in unseen)
    pages = {p.slug: p for p in corpus.pages}
    for slug in _rule_pages(corpus):
        text = page_markdown(pages[slug], corpus)
        # One line above each table the page inserts, naming each unseen part.
        tables = sum(s.insert in ("page-rules", "all-rules") for s in pages[slug].sections)
        assert text.count("data-unseen") == tables, slug
        for u in unseen:
            assert u.item.locator in text, (slug, u.item.locator)
    card = card_markdown(corpus, edition="E", built="B")
    assert card.count("data-unseen") == 1
    # Marked seen, the line goes from every page and the card, with nothing else to change.
    seen = _all_seen(corpus)
    assert unseen_rule_items(seen) == []
    for slug in _rule_pages(corpus):
        assert "data-unseen" not in page_markdown(pages[slug], seen), slug
    assert "data-unseen" not in card_markdown(seen, edition="E", built="B")


def test_an_unseen_part_of_a_table_no_rule_cites_makes_no_line(corpus: Corpus) -> None:
    """Only tables that rules cite: a not-seen section elsewhere (§16) is not a missing rule."""
    assert not any(u.item.locator.startswith("§16") for u in unseen_rule_items(corpus))
    label = corpus.outlines["proleukin_pi_2024"]
    table_rows = [i for i in label.items if i.locator.startswith("§2.4 Table 2,")]
    only_rows = dataclasses.replace(corpus, outlines={
        **corpus.outlines, "proleukin_pi_2024": Outline(
            label.source, label.path, label.read, tuple(
                dataclasses.replace(i, status="expected", reason=None)
                if i not in table_rows else i for i in label.items))})
    assert {u.item.locator for u in unseen_rule_items(only_rows)
            if u.key == "proleukin_pi_2024"} == {i.locator for i in table_rows
                                                 if i.status == "not-seen"}


def test_every_rule_table_in_the_built_site_shows_the_line(built_site: Path,
                                                           corpus: Corpus) -> None:
    unseen = unseen_rule_items(corpus)
    assert unseen
    for slug in [*_rule_pages(corpus), "quick-reference"]:
        page = lxml.html.parse(str(built_site / slug / "index.html")).getroot()
        lines = page.xpath("//article//p[@data-unseen]")
        assert lines, slug
        for line in lines:
            text = line.text_content()
            assert text.startswith("Not yet included:"), slug
            for u in unseen:
                assert u.item.locator in text
            # Visible: not inside a collapsed block or hidden element.
            assert not line.xpath("ancestor-or-self::*[@hidden or self::details]"), slug


def test_validate_lists_every_section_of_the_current_label(capsys: pytest.CaptureFixture[str],
                                                           corpus: Corpus) -> None:
    assert cli(["validate", "--root", str(ROOT)]) == 0
    out = capsys.readouterr().out
    [label] = [line for line in out.splitlines() if "(proleukin_pi_2024)" in line]
    for item in corpus.outlines["proleukin_pi_2024"].items:
        if item.status != "expected":
            assert item.locator in label, item.locator
    assert "§16" in label or "§16" in {i.locator for i in
                                        corpus.outlines["proleukin_pi_2024"].items
                                        if i.status == "expected"}


def test_patient_text_about_a_held_or_stopped_dose_tells_the_patient_to_speak_up(
        corpus: Corpus) -> None:
    """Q2: 'the label stops IL-2 for good if chest pain occurs' may stop a patient reporting
    chest pain. Any patient text that speaks of IL-2 being held or stopped must tell the
    patient to tell their nurse, doctor or team."""
    checked = 0
    for e in corpus.excerpts():
        if e.patient and any(HELD_OR_STOPPED.search(s) and CONDITION.search(s)
                             for s in re.split(r"(?<=[.;:])\s+", e.patient.text)):
            checked += 1
            assert TELL.search(e.patient.text), (e.id, e.patient.text)
    assert checked >= 3


def test_the_sheet_opens_with_what_to_report_at_once(corpus: Corpus) -> None:
    """Q6: patients are told to report symptoms straight away, each statement cited and
    verified, before anything else on the sheet."""
    from il2ref.render.patient import sheet
    sections = sheet(corpus)
    assert sections[0].id == "tell-at-once" and sections[0].items
    for e in sections[0].items:
        assert e.patient and TELL.search(e.patient.text), e.id
        assert e.sources and e.status == "verified"
    after = [e for s in sections if s.id == "after-home" for e in s.items]
    assert any(e.patient and re.search(r"\b(contrast|dye)\b", e.patient.text, re.I)
               and re.search(r"\btell\b", e.patient.text, re.I) for e in after), \
        "after treatment: tell anyone giving a scan with contrast that you had IL-2"


def _check_rows() -> dict[str, list[str]]:
    """Statement id -> the checks-file rows that name it (first cell)."""
    rows: dict[str, list[str]] = {}
    for path in CHECKS:
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip(" `") for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) >= 3:
                for ident in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", cells[0]):
                    rows.setdefault(ident, []).append(line)
    return rows


def test_every_lifted_mark_carries_the_stored_copy_that_supports_it(corpus: Corpus) -> None:
    rows = _check_rows()
    statuses = {e.id: e.status for e in corpus.excerpts()}
    statuses |= {r.id: r.status for r in corpus.rules()}
    lifted = [i for i in UNVERIFIED_AT_REVIEW if statuses.get(i) == "verified"]
    for ident in lifted:
        named = [r for r in rows.get(ident, [])
                 if re.search(r"[a-z0-9-]+\.[a-z]{2,}[/\w.%?=&#-]*", r)]
        assert named, f"{ident}: verified now, but no checks-file row names a stored copy"
    still = [i for i in UNVERIFIED_AT_REVIEW if statuses.get(i) == "unverified"]
    assert len(lifted) + len(still) + sum(i not in statuses for i in UNVERIFIED_AT_REVIEW) == 18
