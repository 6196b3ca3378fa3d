"""The patient's wallet card (issue #28): on the phone page and the printed card, exactly the
late effects the data marks (`wallet` on a verified excerpt), read straight from the YAML; every
line on the page cited with its locators; plain words (Flesch–Kincaid grade at most 8, textstat,
as the patient sheet); nothing that could make a patient wait; one A4 sheet of exact
bank-card-sized panels that carries the edition id and a QR code to the page; the page axe
clean on a 390 px phone in both palettes, beside Patient information in the navigation and in
the offline zip."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import textstat
import yaml

from conftest import ROOT, axe_violations
from il2ref.core.model import Corpus
from il2ref.core.schema import schema
from il2ref.load.config import read_config
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import edition_id, release_or_commit
from il2ref.render.qr import qr_svg
from il2ref.render.wallet import text, wallet_card, wallet_html

PHONE = {"width": 390, "height": 844}
# Words that could make a patient wait before reporting a symptom.
WAIT = re.compile(r"\b(normal|harmless|nothing to worry|no need|wait and see|can wait|"
                  r"expected|usually settles?|goes? away)\b", re.I)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT)[0]


def _marked() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(effect, id, text, [(key, locator)]) of every verified excerpt the YAML marks for the
    card, read from the files themselves (not through the model the card is made from), in
    the card's order: by the schema's groups, then as the pages run."""
    root = schema()
    groups = [o["const"] for o in root["$defs"]["wallet_effect"]["oneOf"]]
    nav_groups = root["properties"]["group"]["enum"]
    found = []
    for path in sorted((ROOT / "docs" / "data").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in doc.get("sections", []):
            sides = [s for c in section.get("conflicts", []) for s in c["sides"]]
            for e in [*section.get("excerpts", []), *sides]:
                if "wallet" in e and e.get("status", "verified") == "verified":
                    # Pages in the navigation's order; a page's lines as they run.
                    found.append(((nav_groups.index(doc["group"]), doc["order"], path.stem), e))
    found.sort(key=lambda pair: pair[0])  # stable: a page's own order is kept
    rows = [(e["wallet"]["effect"], e["id"], " ".join(e["wallet"]["text"].split()),
             [(s["key"], s["locator"]) for s in e["sources"]]) for _, e in found]
    return sorted(rows, key=lambda row: groups.index(row[0]))


def test_the_data_marks_contrast_and_thyroid_lines() -> None:
    marked = _marked()
    assert {effect for effect, *_ in marked} == {"contrast", "thyroid"}
    ids = {ident for _, ident, *_ in marked}
    assert {"late-contrast-choyke", "late-contrast-tell-scan-staff",
            "late-contrast-reaction-signs", "late-thyroid-krouse"} <= ids


def test_the_model_reads_the_same_lines(corpus: Corpus) -> None:
    assert [(g.id, e.id) for g in wallet_card(corpus) for e in g.items] == [
        (effect, ident) for effect, ident, *_ in _marked()]


def _page(built_site: Path) -> Any:
    return lxml.html.parse(str(built_site / "wallet-card" / "index.html")).getroot()


def _words(el: Any) -> str:
    return " ".join(el.text_content().split())


def test_the_page_shows_every_marked_line_and_nothing_else_each_cited(built_site: Path) -> None:
    page = _page(built_site)
    shown = page.xpath("//article//span[@class='claim']")
    assert [(el.xpath("preceding::h3[1]/@id")[0], el.get("id"), _words(el)) for el in shown] == [
        (effect, ident, words) for effect, ident, words, _ in _marked()]
    by_id = {ident: sources for _, ident, _, sources in _marked()}
    for el in shown:
        item = el.getparent()
        assert item.tag == "li"
        # One numbered footnote and its locator per source, as on every page.
        assert len(item.xpath(".//a[@class='footnote-ref']")) == len(by_id[el.get("id")])
        assert [_words(loc) for loc in item.xpath(".//span[@class='loc']")] == [
            locator for _, locator in by_id[el.get("id")]]
    # Every list item in the article is a cited line, but the treatments to tick and the
    # reference list itself.
    items = page.xpath("//article//li[not(ancestor::div[@class='footnote'])]")
    uncited = [_words(li) for li in items if not li.xpath(".//a[@class='footnote-ref']")]
    assert uncited == ["high-dose IL-2 (aldesleukin)", "TIL therapy with IL-2"]
    keys = {key for *_, sources in _marked() for key, _ in sources}
    assert len(page.xpath("//div[@class='footnote']//li")) == len(keys)


def test_the_printed_card_shows_every_marked_line_and_nothing_else(corpus: Corpus) -> None:
    card = lxml.html.fromstring(wallet_html(corpus, edition="Edition 9.9.9 (abcdef0)",
                                            built="2026-01-02"))
    shown = [(section.get("data-effect"), _words(li))
             for section in card.cssselect("section.effect") for li in section.cssselect("li")]
    assert shown == [(effect, words) for effect, _, words, _ in _marked()]
    panels = card.cssselect("section.panel")
    assert len(panels) == 2 + len({effect for effect, *_ in _marked()})  # front, groups, back
    words = _words(card)
    for expected in ("high-dose IL-2 (aldesleukin)", "TIL therapy with IL-2", "Date of treatment",
                     "Treating centre", "Phone",
                     "show this card to any doctor, nurse or radiographer",
                     "straight away. Do not wait.", "Edition 9.9.9 (abcdef0)"):
        assert expected in words, expected
    assert len(card.cssselect("span.box")) == 2  # a box to tick for each treatment


def _as_read(root: Any) -> str:
    """The blocks a reader reads (headings, paragraphs, list items), each ended as a sentence,
    so a heading or a label to fill in is not run into the sentence after it."""
    blocks = [" ".join(el.text_content().split())
              for el in root.xpath(".//h1 | .//h2 | .//h3 | .//p | .//li")]
    return " ".join(b if b.endswith((".", ":", "?", "!")) else f"{b}." for b in blocks if b)


def test_the_lines_read_at_grade_8_or_below(corpus: Corpus, built_site: Path) -> None:
    lines = text(corpus)
    assert textstat.flesch_kincaid_grade(lines) <= 8
    assert max(textstat.flesch_kincaid_grade(line) for line in lines.split("\n")) <= 10
    # The page as a patient reads it: without its citations and reference list, the review
    # line, the box only a scanned card opens, and the edition under the content.
    article = _page(built_site).xpath("//article")[0]
    for skip in article.xpath(".//div[@class='footnote'] | .//*[@data-edition-check] | "
                              ".//*[@class='page-review'] | .//*[@class='report-error'] | "
                              ".//span[@class='cites'] | .//script"):
        skip.drop_tree()
    page = _as_read(article)
    assert len(page.split()) > 150
    assert textstat.flesch_kincaid_grade(page) <= 8, page
    # And the printed card, every word of it.
    card = lxml.html.fromstring(wallet_html(corpus, edition="", built=""))
    strip = _as_read(card.cssselect("div.strip")[0])
    assert textstat.flesch_kincaid_grade(strip) <= 8, strip


def test_nothing_tells_a_patient_to_wait(corpus: Corpus, built_site: Path) -> None:
    page = _page(built_site)
    words = _words(page.xpath("//article")[0])
    assert "Call your treatment centre or see a doctor straight away" in words
    assert "Do not wait" in words
    assert "Show this page, or the printed card, to any doctor, nurse or radiographer" in words
    for line in text(corpus).split("\n"):
        assert not WAIT.search(line), line
    card = _words(lxml.html.fromstring(wallet_html(corpus, edition="", built="")))
    assert not WAIT.search(card.replace("Do not wait", "")), WAIT.search(card)


def test_label_figures_name_their_label(corpus: Corpus) -> None:
    for g in wallet_card(corpus):
        for e in g.items:
            assert e.wallet and e.status == "verified"
            if e.label_version:
                assert f"{e.label_version} label" in e.wallet.text, e.id


def test_the_page_sits_beside_patient_information(built_site: Path) -> None:
    home = lxml.html.parse(str(built_site / "index.html")).getroot()
    links = [a.get("href") for a in home.cssselect("nav.md-nav--primary a.md-nav__link[href]")]
    at = links.index("patient-information/")
    assert links[at + 1] == "wallet-card/"


# --- The printed card -------------------------------------------------------------------------

MM = 96 / 25.4  # CSS px in a millimetre


@pytest.mark.browser
def test_each_panel_is_a_bank_card_and_nothing_is_cut_off(page: Any, corpus: Corpus,
                                                          tmp_path: Path) -> None:
    """In the HTML the PDF is printed from, as print media: every panel 85.6 × 54 mm (ISO/IEC
    7810 ID-1) and nothing hidden by the panel's overflow; the strip fits an A4 and a Letter
    sheet (the A4 PDF printed at actual size on Letter keeps it whole)."""
    html = tmp_path / "wallet.html"
    html.write_text(wallet_html(corpus, edition="Edition 9.9.9 (abcdef0)", built="2026-01-02",
                                qr_svg=qr_svg("https://il2.example.test/wallet-card/?edition=v1"),
                                online="https://il2.example.test/wallet-card/?edition=v1"),
                    encoding="utf-8")
    page.emulate_media(media="print")
    page.goto(html.as_uri())
    panels = page.evaluate("""() => [...document.querySelectorAll('section.panel')].map(p => {
        const r = p.getBoundingClientRect();
        return {width: r.width, height: r.height, top: r.top, left: r.left, bottom: r.bottom,
                overflow: p.scrollHeight - p.clientHeight};
    })""")
    assert len(panels) == 2 + len(wallet_card(corpus))
    for p in panels:
        assert abs(p["width"] / MM - 85.6) < 0.05 and abs(p["height"] / MM - 54) < 0.05, p
        assert p["overflow"] <= 0, p  # the text fits its panel
    # Panels stacked edge to edge, so each fold line is one panel's edge.
    assert all(abs(b["top"] - a["bottom"]) < 0.5 for a, b in zip(panels, panels[1:], strict=False))
    assert panels[-1]["bottom"] / MM < 279.4 - 10 and panels[0]["left"] / MM + 85.6 < 215.9


def _pdf_info(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout


def test_the_pdf_is_one_a4_sheet_with_the_edition_and_the_lines(dist: Path,
                                                               names: dict[str, str]) -> None:
    pdf = dist / "files" / names["wallet"]
    assert pdf.name.endswith("-wallet-card.pdf")
    info = _pdf_info(pdf)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    # A4 is 595.28 × 841.89 pt; Chromium writes it to the nearest CSS pixel.
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)$", info, re.M)
    assert size, info
    assert abs(float(size[1]) - 595.28) < 0.5 and abs(float(size[2]) - 841.89) < 0.5, info
    # The strip only (the left 102 mm of the sheet; pdftotext crops in points).
    strip = subprocess.run(["pdftotext", "-x", "0", "-y", "0", "-W", "290", "-H", "842",
                            str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    strip = " ".join(strip.split())
    assert edition_id(ROOT) in strip
    for _, _, words, _ in _marked():
        assert words in strip, words


def test_the_pdf_qr_code_opens_the_page_of_this_edition(dist: Path, names: dict[str, str],
                                                        tmp_path: Path) -> None:
    """Decoded from the printed card (150 dpi, grey), as a phone camera would."""
    import zxingcpp

    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(dist / "files" / names["wallet"]),
                    str(tmp_path / "wallet")], check=True)
    pgm = next(tmp_path.glob("wallet*.pgm")).read_bytes()
    magic, width, height, _, pixels = pgm.split(maxsplit=4)  # binary PGM: P5 w h max data
    assert magic == b"P5"
    image = memoryview(pixels).cast("B", (int(height), int(width)))
    found = [b.text for b in zxingcpp.read_barcodes(image)
             if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [f"{read_config(ROOT)['site_url']}wallet-card/?edition="
                     f"{release_or_commit(ROOT)}"]


def test_the_offline_zip_holds_the_page(dist: Path, names: dict[str, str]) -> None:
    with zipfile.ZipFile(dist / "files" / names["offline"]) as z:
        top = Path(names["offline"]).stem
        page = z.read(f"{top}/wallet-card.html").decode("utf-8")
    assert 'class="footnote-ref"' in page and "Wallet card" in page


# --- The page on a phone ----------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_axe_finds_nothing_on_a_390px_phone(browser: Any, site_url: str, scheme: str,
                                            palette: str) -> None:
    url = site_url + "wallet-card/"
    assert axe_violations(browser, [url], scheme=scheme, palette=palette, viewport=PHONE) == {}
    context = browser.new_context(viewport=PHONE, is_mobile=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


@pytest.mark.browser
def test_a_scanned_card_says_whether_the_page_is_its_edition(page: Any, site_url: str) -> None:
    """The card's QR code names its edition: the page says whether the lines may have changed
    since the card was printed, and shows nothing when opened without it."""
    ref = release_or_commit(ROOT)
    box = "[data-edition-check]"
    page.goto(site_url + "wallet-card/")
    assert page.locator(box).is_hidden()
    page.goto(site_url + f"wallet-card/?edition={ref}")
    assert page.locator(f"{box} [data-same]").is_visible()
    assert page.locator(f"{box} [data-differs]").is_hidden()
    page.goto(site_url + "wallet-card/?edition=v0.0.1")
    assert page.locator(f"{box} [data-differs]").is_visible()
    assert page.locator(f"{box} [data-printed]").text_content() == "v0.0.1"
