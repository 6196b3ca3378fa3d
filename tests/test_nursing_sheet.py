"""The per-dose nursing sheet: its rows, thresholds, sources and dose columns checked against
the data; the landscape PDFs of `make export`; the HTML axe-clean and usable on a phone."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

from conftest import AXE, ROOT, WCAG_AA
from il2ref.core.model import Corpus, Page, Rule, Source
from il2ref.core.rules import ACTIONS, FRAMEWORKS
from il2ref.core.units import format_threshold
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import edition_id
from il2ref.render.nursing_sheet import sheet_data, sheet_html

EDITION = "Edition 0.0.0 (0000000)"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus, _ = load_corpus(ROOT)
    return corpus


@pytest.fixture(scope="module")
def sheet(corpus: Corpus) -> lxml.html.HtmlElement:
    references = {k: f"Reference {k}." for k in corpus.cited_keys()}
    return lxml.html.fromstring(sheet_html(corpus, references, paper="A4", edition=EDITION,
                                           built="2026-01-01"))


def _words(node: Any) -> str:
    return " ".join(node.text_content().split())


def _doses_in_the_yaml() -> int:
    """Read from the YAML itself, not through the model the sheet uses."""
    regimen = yaml.safe_load((ROOT / "docs" / "data" / "regimen.yaml").read_text("utf-8"))
    return int(regimen["dosing"]["cycle"]["doses"])


def _at_the_dose(rule: Rule) -> bool:
    return rule.status == "verified" and rule.action != "retreatment-contraindication"


def test_every_verified_dose_time_rule_is_on_the_sheet_and_nothing_else(
        corpus: Corpus, sheet: lxml.html.HtmlElement) -> None:
    lines = sheet.xpath("//li[@data-sheet-rule]")
    ids = [li.get("data-sheet-rule") for li in lines]
    assert len(ids) == len(set(ids))  # each once
    assert set(ids) == {r.id for r in corpus.rules() if _at_the_dose(r)}
    assert len(ids) > 60
    by_id = {r.id: r for r in corpus.rules()}
    for li in lines:
        rule, text = by_id[li.get("data-sheet-rule")], _words(li)
        assert text.startswith(f"{ACTIONS[rule.action]}: "), text  # the action's own words
        if rule.threshold:
            assert format_threshold(rule.threshold) in text, rule.id
        assert FRAMEWORKS[rule.framework] in text, rule.id
        for s in rule.sources:  # a label's own name only once, as on the card
            label = corpus.bib_labels[s.key]
            own = re.findall(r"\w+", label.lower()) == re.findall(
                r"\w+", FRAMEWORKS[rule.framework].lower())
            cited = f"{FRAMEWORKS[rule.framework]} [{s.locator}" if own else f"{label}, {s.locator}"
            assert cited in text, (rule.id, text)
        assert "unverified" not in text.lower()


def test_rules_sit_in_the_row_of_their_check(sheet: lxml.html.HtmlElement) -> None:
    def row(rule_id: str) -> str:
        [tr] = sheet.xpath(f'//tr[.//li[@data-sheet-rule="{rule_id}"]]')
        return str(tr.get("data-check"))

    assert row("rule-label2024-sbp") == "blood-pressure"
    assert row("rule-post-til-hypotension") == "blood-pressure"  # by its finding's measure
    assert row("rule-cv-label2024-af") == "heart"
    assert row("rule-pulm-label2024-spo2") == "breathing"
    assert row("rule-renal-consensus-urine-absolute") == "urine"
    assert row("rule-consensus-weight") == "weight"
    assert row("rule-neuro-consensus-cognitive-test") == "mental-status"
    assert row("rule-renal-consensus-creatinine-absolute") == "blood-tests"
    assert row("rule-haem-consensus-platelets-absolute") == "blood-tests"
    assert row("rule-institution-three-relative") == "counts"
    checks = [tr.get("data-check") for tr in sheet.xpath("//tbody/tr[@data-check]")]
    assert checks[:7] == ["blood-pressure", "heart", "breathing", "urine", "weight",
                          "mental-status", "blood-tests"]
    assert "temperature" not in checks  # no rule asks for it: no row


def test_a_rule_no_check_claims_gets_a_row_of_its_own(corpus: Corpus) -> None:
    extra = Rule(id="rule-test-thyroid", system="endocrine", framework="consensus-2014",
                 action="hold-dose", tier="relative", criterion="Thyroid storm",
                 sources=(Source("dutcher2014", "Table 3"),))
    page = Page("x", "x.md", "X", "x", "2026-01-01", "Context", 99, (), rules=(extra,))
    data = sheet_data(dataclasses.replace(corpus, pages=[*corpus.pages, page]))
    [row] = [r for r in data.rows if any(rule.id == extra.id for rule, _ in r.rules)]
    assert row.check.title == "Endocrine"


def test_editor_text_is_shown_never_run(corpus: Corpus) -> None:
    """Criterion, resume and locator arrive as text on paper and on the site page alike."""
    hostile = Rule(id="rule-test-hostile", system="renal", framework="consensus-2014",
                   action="hold-dose", tier="relative",
                   criterion="<script>alert(1)</script> [@dutcher2014]",
                   resume="<b>now</b>", sources=(Source("dutcher2014", "Table 3 [@x] <i>"),))
    page = Page("x", "x.md", "X", "x", "2026-01-01", "Context", 99, (), rules=(hostile,))
    changed = dataclasses.replace(corpus, pages=[*corpus.pages, page])
    html = sheet_html(changed, {k: "R." for k in changed.cited_keys()}, paper="A4",
                      edition=EDITION, built="2026-01-01")
    assert "<script>" not in html and "<b>now" not in html and "<i>" not in html
    [li] = lxml.html.fromstring(html).xpath('//li[@data-sheet-rule="rule-test-hostile"]')
    assert "<script>alert(1)</script> [@dutcher2014]" in _words(li)
    assert "Table 3 [@x] <i>" in _words(li) and "<b>now</b>" in _words(li)
    from il2ref.render.nursing_sheet import sheet_markdown
    assert "[@" not in sheet_markdown(changed, edition=EDITION, built="2026-01-01")


def test_one_column_per_dose_of_the_cycle(sheet: lxml.html.HtmlElement) -> None:
    doses = _doses_in_the_yaml()
    assert doses == 14  # the 2024 label's cycle; the sheet reads it, this pins the data
    assert [th.text_content() for th in sheet.xpath("//thead//th[@data-dose]")] == [
        f"Dose {n}" for n in range(1, doses + 1)]
    for tr in sheet.xpath("//table[@class='sheet']/tbody/tr"):
        assert len(tr.xpath("td")) == doses
    assert f"a cycle holds at most {doses} doses (2024 label)" in _words(sheet)


def test_held_doses_are_counted_where_a_source_counts_them(
        corpus: Corpus, sheet: lxml.html.HtmlElement) -> None:
    counting = [r.id for r in corpus.rules() if _at_the_dose(r) and r.cumulative
                and r.cumulative.counts == "held-doses"]
    assert counting == ["rule-institution-three-held"]
    [tally] = sheet.xpath('//tr[@data-check="held-doses"]')
    assert [li.get("data-sheet-rule") for li in tally.xpath(".//li")] == counting
    text = _words(tally)
    assert text.startswith("Doses held so far in this cycle Discontinue (how long not stated): "
                           "The scheduled dose has been held on three occasions")
    # Without a source that counts them, no tally.
    others = dataclasses.replace(corpus, pages=[dataclasses.replace(
        p, rules=tuple(r for r in p.rules if r.id not in counting)) for p in corpus.pages])
    assert sheet_data(others).held == []
    references = {k: f"Reference {k}." for k in others.cited_keys()}
    assert 'data-check="held-doses"' not in sheet_html(others, references, paper="A4",
                                                       edition=EDITION, built="2026-01-01")


def test_decision_cells_use_the_actions_words(corpus: Corpus,
                                              sheet: lxml.html.HtmlElement) -> None:
    used = {r.action for r in corpus.rules() if _at_the_dose(r)}
    expected = ["Give", *(title for a, title in ACTIONS.items() if a in used)]
    assert expected == ["Give", "Hold this dose", "Stop this cycle",
                        "Discontinue (how long not stated)", "Stop for good"]
    cells = sheet.xpath("//tr[@class='sheet-decision']/td")
    assert len(cells) == _doses_in_the_yaml()
    for td in cells:
        assert [li.text_content() for li in td.xpath(".//li")] == [f"☐ {t}" for t in expected]


def test_what_is_left_off_is_named(corpus: Corpus, sheet: lxml.html.HtmlElement) -> None:
    unverified = [r for r in corpus.rules() if r.status != "verified"]
    assert unverified  # else this test proves nothing
    named = {li.get("data-omitted"): _words(li) for li in sheet.xpath("//li[@data-omitted]")}
    assert set(named) == {r.id for r in unverified}
    for r in unverified:
        assert named[r.id].startswith(f"{ACTIONS[r.action]}: ")
        assert r.sources[0].locator in named[r.id]
    text = _words(sheet)
    from il2ref.core.coverage import unseen_rule_items
    for u in unseen_rule_items(corpus):  # label rows no stored copy showed
        assert u.item.locator in text
    assert "For local adaptation." in text and EDITION in text
    assert "Before the next course" in text  # those rules are named as elsewhere


def test_the_paper_is_landscape_by_css(corpus: Corpus) -> None:
    for paper, size in (("A4", "A4"), ("Letter", "letter")):
        html = sheet_html(corpus, {k: "R." for k in corpus.cited_keys()}, paper=paper,
                          edition=EDITION, built="2026-01-01")
        assert f"@page {{ size: {size} landscape;" in html


# ---------------------------------------------------------------------------------------------
# The exported PDFs (the session's one export)

def test_sheet_pdfs_are_landscape_and_carry_the_edition(dist: Path,
                                                        names: dict[str, str]) -> None:
    expected = edition_id(ROOT)
    for key, size in (("sheet_a4", "(A4)"), ("sheet_letter", "(letter)")):
        pdf = dist / "files" / names[key]
        assert names[key].endswith(f"-nursing-sheet-{'A4' if key == 'sheet_a4' else 'Letter'}"
                                   ".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        page = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts (\(\w+\))", info)
        assert page, info
        width, height = float(page[1]), float(page[2])
        assert width > height and page[3] == size, info  # landscape, the right paper
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())
        assert set(re.findall(r"Edition \d+\.\d+\.\d+ \([^)]*\)", text)) == {expected}
        assert "For local adaptation." in text
        assert "Dose 14" in text and "Dose 15" not in text
        assert "Hold this dose" in text and "Stop this cycle" in text


def test_sheet_qr_code_opens_this_edition_online(dist: Path, names: dict[str, str],
                                                 tmp_path: Path) -> None:
    """Decoded from the printed A4 sheet (page 1 at 150 dpi, grey), as a phone camera would."""
    import zxingcpp

    from il2ref.load.config import read_config
    from il2ref.load.edition import release_or_commit

    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", "1", "-l", "1",
                    str(dist / "files" / names["sheet_a4"]), str(tmp_path / "sheet")],
                   check=True)
    pgm = next(tmp_path.glob("sheet*.pgm")).read_bytes()
    magic, width, height, _, pixels = pgm.split(maxsplit=4)  # binary PGM: P5 w h max data
    assert magic == b"P5"
    image = memoryview(pixels).cast("B", (int(height), int(width)))
    found = [b.text for b in zxingcpp.read_barcodes(image)
             if b.format == zxingcpp.BarcodeFormat.QRCode]
    ref = release_or_commit(ROOT)
    assert found == [f"{read_config(ROOT)['site_url']}quick-reference/?edition={ref}"]


def test_downloads_lists_the_sheets(built_site: Path, names: dict[str, str]) -> None:
    page = (built_site / "downloads" / "index.html").read_text(encoding="utf-8")
    for suffix in ("-nursing-sheet-A4.pdf", "-nursing-sheet-Letter.pdf"):
        assert re.search(rf'href="\.\./files/[^"]+{re.escape(suffix)}"', page), suffix


# ---------------------------------------------------------------------------------------------
# The HTML: axe-clean, and on a phone the table scrolls in its own box

def _axe(page: Any) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return list(page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => v.id + ': ' + v.nodes[0].html.slice(0, 120))", WCAG_AA))


def test_exported_sheet_html_is_axe_clean(browser: Any, dist: Path) -> None:
    html = dist.parent / ".build" / "export" / "nursing-sheet-A4.html"  # the page printed
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(html.as_uri())
    assert _axe(page) == []
    context.close()


def test_site_page_at_390px(browser: Any, site_url: str, built_site: Path) -> None:
    doc = lxml.html.parse(str(built_site / "nursing-sheet" / "index.html")).getroot()
    assert len(doc.xpath("//li[@data-sheet-rule]")) == len(
        {r.id for r in load_corpus(ROOT)[0].rules() if _at_the_dose(r)})
    link = doc.xpath("//li[@data-sheet-rule]//a/@href")[0]
    assert link.startswith("../by-source/#src-")
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True,
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + "nursing-sheet/")
    page_width, box, inner = page.evaluate("""() => {
        const box = document.querySelector('.sheet-scroll');
        return [document.documentElement.scrollWidth, box.clientWidth, box.scrollWidth];
    }""")
    assert page_width <= 390 and box <= 390 < inner  # the table scrolls, the page does not
    assert _axe(page) == []
    context.close()
