"""`make export`: every edition is built, opens, and says what the site says."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import lxml.etree
import lxml.html
import pytest
from test_search_benchmark import judge

from conftest import BUILT, ROOT, copy_project
from il2ref import __version__
from il2ref.editions.export import DRAFT_ENV, ExportFailed, export, problems
from il2ref.load.config import placeholder, read_config, site_url
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import ENV as EDITION_ENV
from il2ref.load.edition import edition_id, release_or_commit
from il2ref.tools import search_bench

XHTML = "http://www.w3.org/1999/xhtml"


def test_an_export_with_the_placeholder_address_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review D4: a printed card must not carry a QR code for example.org. The export stops
    before anything is written; SITE_URL (read through MkDocs' own loader) sets the address."""
    project = copy_project(tmp_path / "project")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    monkeypatch.delenv(DRAFT_ENV, raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv(EDITION_ENV, "Edition 9.9.9 (abcdef0)")  # the copy is not a checkout
    with pytest.raises(ExportFailed) as refused:
        export(project, built=BUILT)
    assert str(refused.value) == (
        "cannot export:\n  - site_url in mkdocs.yml is 'https://il2-toxicity.example.org/', a "
        "placeholder: the printed card's QR code, the FHIR and feed links would point there. "
        "Set the real address (SITE_URL=https://your.site/ make export), or IL2REF_DRAFT=1 for "
        "a draft that must not be printed")
    assert not (project / "dist").exists() and not (project / ".build" / "dist").exists()
    monkeypatch.setenv("SITE_URL", "https://il2.hospital.test/reference/")
    assert site_url(project) == "https://il2.hospital.test/reference/"
    assert not placeholder(site_url(project)) and placeholder("https://x.example.org/")
    assert problems(project) == []


def test_an_export_names_everything_it_lacks_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Chromium, no pandoc, no search shim, no git (or not a checkout): each is named, in
    one message, before anything is written, never a traceback."""
    import pypandoc

    from il2ref.editions import export as exporting

    project = copy_project(tmp_path / "project")  # no node_modules, not a checkout
    monkeypatch.setenv(DRAFT_ENV, "1")
    monkeypatch.delenv(EDITION_ENV, raising=False)
    monkeypatch.setattr(exporting, "CHROMIUM", str(tmp_path / "no-chromium"))

    def no_pandoc() -> str:
        raise OSError("No pandoc was found")
    monkeypatch.setattr(pypandoc, "get_pandoc_path", no_pandoc)
    said = problems(project)
    assert [m.split(":")[0] for m in said] == [
        f"Chromium is not at {tmp_path / 'no-chromium'}", "pandoc is missing",
        "node_modules/iframe-worker/shim/index.js is missing",
        "this folder is not a git checkout"]
    monkeypatch.setenv("PATH", str(tmp_path))  # and now no git at all
    assert any(m.startswith("git is missing: every edition names the commit") for m in
               problems(project))
    # A read-only checkout (root can write anywhere, so the refusal is simulated where the
    # export tries its own folder).
    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(exporting.tempfile, "TemporaryFile", read_only)
    assert ("the project folder cannot be written (Permission denied): the export builds in "
            ".build/ and swaps dist/ in at the end") in problems(project)
    with pytest.raises(ExportFailed, match="^cannot export:\n  - Chromium is not at"):
        export(project, built=BUILT)
    assert not (project / "dist").exists() and not (project / ".build" / "dist").exists()


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(ln.split()[-1] for ln in info.stdout.splitlines()
                    if ln.startswith("Pages:")))


def test_dist_holds_only_the_versioned_editions(dist: Path, names: dict[str, str]) -> None:
    assert sorted(p.name for p in dist.iterdir()) == ["files", "site"]
    assert sorted(p.name for p in (dist / "files").iterdir()) == sorted(names.values())
    assert all("-0." in n and BUILT in n for n in names.values())


def test_whole_reference_pdf(dist: Path, names: dict[str, str]) -> None:
    corpus, _ = load_corpus(ROOT)
    for key, size in (("pdf_a4", "(A4)"), ("pdf_letter", "(letter)")):
        pdf = dist / "files" / names[key]
        assert _pages(pdf) > 40
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert size in info
    text = " ".join(_text(dist / "files" / names["pdf_a4"]).split())
    assert "Table of Contents" in text
    for page in corpus.pages:  # every page, in navigation order
        assert page.title.split(" (")[0] in text, page.title
    positions = [text.find(p.title.split(" (")[0], text.find("Capillary leak syndrome"))
                 for p in corpus.pages if p.group == "Organ systems"]
    assert positions == sorted(positions)
    # Reference lists survive: a formatted AMA reference and a page number footer.
    assert "Textor SC" in text
    assert "Page 3" in text
    # Its links go somewhere: Chromium writes a link only to an id that exists (3,126 when
    # mkdocs-print-site-plugin's renaming was left unfinished; il2ref.site.print_anchors), and
    # a destination for each target drawn on a page: every one. (Footnote references in the
    # self-test's answers, printed folded, and in the dose-time check's criteria, left folded
    # on paper by a screen-only rule, were once never drawn: their content was not printed.)
    used, defined = _pdf_links((dist / "files" / names["pdf_a4"]).read_bytes())
    assert len(used) > 5000, len(used)
    assert [name for name in used if name not in defined] == []


def _pdf_links(data: bytes) -> tuple[list[bytes], set[bytes]]:
    """The names of a Chromium-printed PDF's internal links, and the names it defines (its
    catalogue's /Dests dictionary, which Chromium writes uncompressed)."""
    used = re.findall(rb"/Dest\s*/([^\s/<>\[\]()]+)", data)
    ref = re.search(rb"/Dests (\d+) 0 R", data)
    assert ref is not None
    body = re.search(rb"\n" + ref.group(1) + rb" 0 obj\s*<<(.*?)>>\s*endobj", data, re.S)
    assert body is not None
    return used, set(re.findall(rb"/([^\s/<>\[\]()]+)\s*\[", body.group(1)))


def test_bedside_card(dist: Path, names: dict[str, str]) -> None:
    pdf = dist / "files" / names["card"]
    assert _pages(pdf) <= 3  # README: at most three pages
    text = " ".join(_text(pdf).split())
    for expected in ("600,000 IU/kg", "< 90 mmHg", "≥ 3 mg/dL (≥ 265 µmol/L)",
                     "< 30,000/mm³ (< 30 ×10⁹/L)", f"generated {BUILT}", "SOURCES DIFFER",
                     "is not by itself a contraindication"):
        assert expected in text, expected
    # The headings follow what to do now (their order is checked on the HTML the PDF is
    # printed from, in test_rules.py: a two-column PDF's text comes out of reading order).
    for heading in ("Hold this dose", "Stop this cycle", "Discontinue (how long not stated)",
                    "Stop for good", "Before the next course"):
        assert heading in text, heading
    assert "UNVERIFIED" not in text  # nothing unverified is printed on the card


def test_data_edition_matches_the_yaml(dist: Path, names: dict[str, str]) -> None:
    corpus, _ = load_corpus(ROOT)
    data = json.loads((dist / "files" / names["json"]).read_text(encoding="utf-8"))
    schema = json.loads((dist / "files" / names["schema"]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert len(data["excerpts"]) == len(corpus.excerpts())
    assert len(data["rules"]) == len(corpus.rules())
    rules = {r["id"]: r for r in data["rules"]}
    af = rules["rule-cv-label2024-af"]
    assert (af["action"], af["action_title"], af["finding"]) == (
        "hold-dose", "Hold this dose", "atrial-fibrillation")
    assert af["sources_differ"] == ["rule-cv-consensus-af"]
    assert rules["rule-institution-three-held"]["counts"] == "held-doses"
    assert rules["rule-institution-three-held"]["at_least"] == 3
    assert rules["rule-cv-consensus-af"]["tier"] == "absolute"
    assert [e["id"] for e in data["excerpts"]] == [e.id for p in corpus.pages
                                                   for s in p.sections
                                                   for e in (*s.excerpts,
                                                             *(x for c in s.conflicts
                                                               for x in c.sides))]
    assert [r["id"] for r in data["rules"]] == [r.id for r in corpus.rules()]
    for rec in (*data["excerpts"], *data["rules"]):  # every citation resolves
        for c in rec["citations"]:
            assert c["locator"] and c["reference"] == data["references"][c["key"]]["text"]
    for name, records in (("excerpts_csv", data["excerpts"]), ("rules_csv", data["rules"])):
        text = (dist / "files" / names[name]).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["id"] for r in rows] == [r["id"] for r in records], name


def test_epub_is_a_real_epub(dist: Path, names: dict[str, str]) -> None:
    with zipfile.ZipFile(dist / "files" / names["epub"]) as z:
        assert z.read("mimetype") == b"application/epub+zip"
        text = " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist()
                        if n.endswith(".xhtml"))
    assert "Capillary leak syndrome" in text


def test_every_link_in_the_epub_lands_and_its_contents_follow_the_navigation(
        dist: Path, names: dict[str, str]) -> None:
    """Pandoc splits the book at headings and rewrites each link to its file; a link whose target
    pandoc dropped (an id on a <sup> or a table row) or never had would go nowhere."""
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    with zipfile.ZipFile(dist / "files" / names["epub"]) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                tree = lxml.etree.fromstring(z.read(name))
                found = [e.get("id") for e in tree.iter() if e.get("id")]
                assert len(found) == len(set(found)), name  # no id twice in a file
                ids[name] = set(found)
                links += [(name, a.get("href")) for a in tree.iter(f"{{{XHTML}}}a")
                          if a.get("href") and ":" not in a.get("href").split("#")[0]]
        nav = lxml.etree.fromstring(z.read("EPUB/nav.xhtml"))
    missed = []
    for name, href in links:
        file, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), file)) if file else name
        if target not in ids or (fragment and fragment not in ids[target]):
            missed.append(f"{name}: {href}")
    assert not missed, missed[:20]
    assert len(links) > 5000  # the statements, footnotes and rules are links
    # The site's navigation groups are the book's: Toxicities holds Capillary leak syndrome.
    group = nav.xpath(".//x:li[x:a[normalize-space()='Toxicities']]", namespaces={"x": XHTML})
    assert group and "Capillary leak syndrome" in "".join(group[0].itertext())
    assert len(ids) > 30  # one file per page at least, not one 2 MB chapter


def test_online_site_links_its_downloads(dist: Path, names: dict[str, str]) -> None:
    page = (dist / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    for name in names.values():
        assert f'href="../files/{name}"' in page
        assert (dist / "site" / "files" / name).exists()
    # The online edition keeps directory URLs and no offline shim.
    assert (dist / "site" / "capillary-leak" / "index.html").exists()
    assert "iframe-worker" not in (dist / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_offline_bundle_works_from_disk_with_no_network(dist: Path, names: dict[str, str],  # type: ignore[no-untyped-def]
                                                        browser, tmp_path: Path) -> None:
    with zipfile.ZipFile(dist / "files" / names["offline"]) as z:
        z.extractall(tmp_path)
    root = tmp_path / Path(names["offline"]).stem
    requests: list[str] = []
    context = browser.new_context()
    context.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()
                                         if route.request.url.startswith("file://")
                                         else route.abort()))
    # Every page of the bundle carries its policy: nothing may load from outside the folder.
    for html_page in root.rglob("*.html"):
        policy = lxml.html.parse(str(html_page)).getroot().cssselect(
            'head meta[http-equiv="Content-Security-Policy"]')
        assert len(policy) == 1 and "default-src 'self'" in policy[0].get("content"), html_page
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto((root / "index.html").as_uri())
    page.click("input.md-search__input")
    page.type("input.md-search__input", "albuminuria", delay=20)
    page.wait_for_selector(".md-search-result__list > li a")
    page.click(".md-search-result__list > li a")
    page.wait_for_load_state()
    assert page.url.startswith("file://") and "capillary-leak.html" in page.url
    assert page.locator("article h1").first.inner_text().rstrip("¶") == "Capillary leak syndrome"
    # Citations and glossary tooltips are there offline too.
    assert page.locator("a.footnote-ref").count() > 10
    assert page.locator("abbr[title='Interleukin-2']").count() > 0
    # The rule filters work from disk: a bookmarked view opens narrowed, and a new choice is
    # kept in the fragment.
    rules = load_corpus(ROOT)[0].rules()
    shown = """() => [...document.querySelectorAll('table[data-rules="all"] tr[data-rule]')]
        .filter(row => row.checkVisibility()).length"""
    page.goto((root / "management.html").as_uri() + "#system=renal")
    assert page.evaluate(shown) == sum(r.system == "renal" for r in rules) > 0
    page.select_option("select[data-filter=source]", "consensus-2014")
    assert page.evaluate("location.hash") == "#system=renal&source=consensus-2014"
    assert page.evaluate(shown) == sum(r.system == "renal" and r.framework == "consensus-2014"
                                       for r in rules) > 0
    # The dose calculator computes from disk too.
    page.goto((root / "dose-calculator.html").as_uri())
    page.fill("#dose-weight", "70")
    assert page.inner_text("output[data-out=dose-iu]") == "42,000,000 IU"
    # The patient sheet is in the bundle too.
    page.goto((root / "patient-information.html").as_uri())
    assert page.locator("article h1").first.inner_text().rstrip("¶") == "Patient information"
    # And the dose-time check, from a bookmarked fragment.
    page.goto((root / "dose-time-check.html").as_uri() + "#systolic-bp=85")
    assert page.is_visible("li[data-rule=rule-label2024-sbp]")
    assert not page.is_visible("li[data-rule=rule-pulm-label2024-spo2]")
    context.close()
    outside = [u for u in requests if not u.startswith("file://")]
    assert requests and outside == []


@pytest.mark.browser
def test_search_answers_the_benchmark_from_the_offline_zip(dist: Path, names: dict[str, str],
                                                           browser: Any,
                                                           tmp_path: Path) -> None:
    with zipfile.ZipFile(dist / "files" / names["offline"]) as z:
        z.extractall(tmp_path)
    home = tmp_path / Path(names["offline"]).stem / "index.html"
    context = browser.new_context()
    outside: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "file://") else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    answers = search_bench.run(page, home.as_uri(), search_bench.load_questions(ROOT))
    context.close()
    assert outside == []
    judge("offline zip", answers)


def test_self_test_answers_are_folded_and_cited(built_site: Path) -> None:
    page = (built_site / "self-test" / "index.html").read_text(encoding="utf-8")
    answers = page.count('<details class="success">')
    assert answers >= 30
    assert "<details class=\"success\" open" not in page
    assert page.count('class="footnote-ref"') >= answers
    assert "Expert consensus (2014): at what level of “Serum creatinine" in page


def test_a_failed_export_leaves_the_last_dist_in_place(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Built aside and swapped: an edition that fails to build leaves dist/ as it was."""
    from il2ref.editions import export as export_mod

    project = copy_project(tmp_path / "project")
    (project / "dist").mkdir()
    (project / "dist" / "last-good.txt").write_text("the last good export", encoding="utf-8")
    monkeypatch.setattr(export_mod, "_pdf", lambda *args, **kwargs: None)
    broken = export_mod.ExportFailed("mkdocs build -f mkdocs.print.yml failed")
    monkeypatch.setattr(export_mod, "_mkdocs", lambda *args: (_ for _ in ()).throw(broken))
    with pytest.raises(export_mod.ExportFailed):
        export_mod.export(project, built=BUILT)
    assert [p.name for p in (project / "dist").iterdir()] == ["last-good.txt"]


def test_the_export_says_each_stage_as_it_starts_and_its_time(dist: Path) -> None:
    """A one-to-five-minute command is never silent: one line per stage, named as it starts,
    its seconds when it ends, in order."""
    log = (dist.parent / "export.log").read_text(encoding="utf-8")
    # (A tool's own warning may print between a stage's name and its time.)
    stages = re.findall(r"^export: (.+?) …(?:[^\n]*\n)*?[^\n]*? (\d+\.\d) s$", log,
                        re.MULTILINE)
    assert [name for name, _ in stages] == [
        "data (JSON, CSV, FHIR)", "bedside card PDF", "nursing sheet PDF (A4)",
        "nursing sheet PDF (Letter)", "patient information PDF", "wallet card PDF", "print site",
        "whole-reference PDFs (A4 and Letter, side by side)", "EPUB", "offline site",
        "offline zip", "online site"], log


def test_every_build_has_the_data_files_the_downloads_page_links(built_site: Path) -> None:
    """A plain `mkdocs build` (as `make serve` runs) writes the cheap editions: the Downloads
    page's data links work without `make export`, and say which files need it."""
    from il2ref.core.editions import EDITIONS

    page = (built_site / "downloads" / "index.html").read_text(encoding="utf-8")
    footer = re.search(r"Edition [\d.]+ \([0-9a-f]{7}[^)]*\)", page)
    assert footer, "the Downloads page names no edition"
    for e in EDITIONS:
        # The whole name: "-A4.pdf" is also how the nursing sheet's A4 file ends.
        [name] = re.findall(rf'href="\.\./files/(il2-toxicity-reference-[\d.]+-'
                            rf'\d{{4}}-\d{{2}}-\d{{2}}{re.escape(e.suffix)})"', page)
        path = built_site / "files" / name
        assert path.exists() == e.every_build, name
    made = {p.name.rsplit("-", 1)[-1]: p for p in (built_site / "files").iterdir()}
    data = json.loads(next(p for p in (built_site / "files").glob("*-data.json")).read_text())
    assert data["edition"] == footer.group(0)
    assert len(data["rules"]) == len(load_corpus(ROOT)[0].rules())
    rows = list(csv.DictReader(made["rules.csv"].open(encoding="utf-8")))
    assert [r["id"] for r in rows] == [r["id"] for r in data["rules"]]
    bundle = json.loads(made["rules.fhir.json"].read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) == len(rows)
    jsonschema.Draft202012Validator(json.loads(made["data.schema.json"].read_text())).validate(
        data)


def test_the_data_edition_fits_its_schema_without_an_export() -> None:
    """In-process, in a second: every record, the combination rules and CSV quoting; and the
    schema names each controlled field's values, the page schema's own, refusing any other."""
    from il2ref.core.rules import EVIDENCE, MEASURES, TOPICS
    from il2ref.render.data import dataset, export_schema, to_csv

    corpus, _ = load_corpus(ROOT)
    texts = {key: f"Reference {key}." for key in corpus.cited_keys()}
    data = dataset(corpus, texts, version="0", edition="Edition 0.0.0 (0000000)",
                   built="2026-01-01")
    definition = export_schema()
    validator = jsonschema.Draft202012Validator(definition)
    validator.validate(data)
    excerpt = definition["$defs"]["excerpt"]["properties"]
    rule = definition["$defs"]["rule"]["properties"]
    assert excerpt["evidence"]["enum"] == list(EVIDENCE)
    assert excerpt["topic"]["enum"] == rule["system"]["enum"] == list(TOPICS)
    assert rule["measure"]["enum"] == list(MEASURES)
    assert rule["counts"]["enum"] == ["relative-criteria", "absolute-criteria", "held-doses"]
    assert rule["comparator"]["enum"] == ["<", "<=", ">", ">=", "range"]
    assert "mL/8 h" in rule["unit"]["enum"] and "discontinue-therapy" in rule["action"]["enum"]
    for records, field, wrong in (("excerpts", "evidence", "hearsay"),
                                  ("excerpts", "topic", "mood"), ("rules", "system", "mood"),
                                  ("rules", "measure", "mood"), ("rules", "unit", "mg")):
        record = next(r for r in data[records] if field in r)
        record[field], kept = wrong, record[field]
        assert not validator.is_valid(data), (records, field)
        record[field] = kept
    rows = list(csv.DictReader(io.StringIO(to_csv(data["rules"], data["edition"]))))
    assert len(rows) == len(corpus.rules())
    quoted = next(r for r in rows if "," in r["criterion"])  # commas survive the CSV
    assert quoted["criterion"] == next(r["criterion"] for r in data["rules"]
                                       if r["id"] == quoted["id"])


def test_patient_sheet_pdf_has_at_most_five_pages(dist: Path, names: dict[str, str]) -> None:
    pdf = dist / "files" / names["patient"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    assert 1 <= pages <= 5  # README: at most five pages
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    words = " ".join(words.split())
    assert "information for patients and families" in words and "Who to call" in words


EDITION = re.compile(r"Edition \d+\.\d+\.\d+ \([^)]*\)")


def _editions(text: str) -> set[str]:
    return set(EDITION.findall(" ".join(text.split())))


def test_one_edition_id_in_every_exported_file(dist: Path, names: dict[str, str]) -> None:
    """The same id, naming this checkout's commit, in both PDFs, the card, the patient sheet,
    the wallet card, the EPUB, the offline bundle's pages, every data file, and the online
    site's pages."""
    expected = edition_id(ROOT)
    if (ROOT / ".git").exists():
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
        assert expected.startswith(f"Edition {__version__} ({head[:7]}")
    files = dist / "files"
    for key in ("pdf_a4", "pdf_letter", "card", "patient", "wallet"):
        assert _editions(_text(files / names[key])) == {expected}, key
    with zipfile.ZipFile(files / names["epub"]) as z:
        text = " ".join(z.read(n).decode("utf-8") for n in z.namelist()
                        if n.endswith((".xhtml", ".opf")))
    assert _editions(text) == {expected}
    with zipfile.ZipFile(files / names["offline"]) as z:
        pages = [n for n in z.namelist() if n.endswith(".html")]
        home = next(n for n in pages if n.count("/") == 1 and n.endswith("/index.html"))
        assert _editions(z.read(home).decode("utf-8")) == {expected}
        assert _editions(" ".join(z.read(n).decode("utf-8") for n in pages)) == {expected}
    data = json.loads((files / names["json"]).read_text(encoding="utf-8"))
    assert data["edition"] == expected
    for key in ("excerpts_csv", "rules_csv"):
        rows = list(csv.DictReader(io.StringIO((files / names[key]).read_text(encoding="utf-8"))))
        assert {r["edition"] for r in rows} == {expected}, key
    bundle = json.loads((files / names["fhir"]).read_text(encoding="utf-8"))
    assert _editions(json.dumps(bundle["identifier"])) == {expected}
    site = dist / "site"
    assert _editions(" ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html")
                              if "assets" not in p.parts)) == {expected}


def test_card_qr_code_opens_this_edition_online(dist: Path, names: dict[str, str],
                                                tmp_path: Path) -> None:
    """Decoded from the printed card (page 1 at 150 dpi, grey), as a phone camera would."""
    import zxingcpp

    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", "1", "-l", "1",
                    str(dist / "files" / names["card"]), str(tmp_path / "card")], check=True)
    pgm = next(tmp_path.glob("card*.pgm")).read_bytes()
    magic, width, height, _, pixels = pgm.split(maxsplit=4)  # binary PGM: P5 w h max data
    assert magic == b"P5"
    image = memoryview(pixels).cast("B", (int(height), int(width)))
    found = [b.text for b in zxingcpp.read_barcodes(image)
             if b.format == zxingcpp.BarcodeFormat.QRCode]
    config = read_config(ROOT)
    ref = release_or_commit(ROOT)
    assert found == [f"{config['site_url']}quick-reference/?edition={ref}"]
    assert ref in _text(dist / "files" / names["card"])  # and printed beside it


def test_fhir_rules_bundle_is_valid_r4_with_one_plan_per_rule(dist: Path,
                                                              names: dict[str, str]) -> None:
    from fhir.resources import __fhir_version__
    from fhir.resources.bundle import Bundle

    corpus, _ = load_corpus(ROOT)
    raw = json.loads((dist / "files" / names["fhir"]).read_text(encoding="utf-8"))
    assert __fhir_version__ == "4.0.1"
    bundle = Bundle.parse_obj(raw)  # every entry's PlanDefinition validated
    plans = [e.resource for e in bundle.entry if e.resource.resource_type == "PlanDefinition"]
    assert len(plans) == len(bundle.entry) == len(corpus.rules())
    assert sorted(p.identifier[0].value for p in plans) == sorted(r.id for r in corpus.rules())


def test_every_test_of_the_exported_files_runs_in_the_exporting_worker() -> None:
    """`make test` exports once, in the worker that runs EXPORT_FILES (tests/conftest.py): a
    test or fixture elsewhere that asks for `dist` would make the other worker export again.
    Read from the source, so it holds whatever `-k` selects."""
    import ast

    from conftest import EXPORT_FILES

    users: dict[str, list[str]] = {}
    for file in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and "dist" in {a.arg for a in node.args.args}:
                users.setdefault(f"tests/{file.name}", []).append(node.name)
    assert sum(map(len, users.values())) > 10  # the reading found them
    assert set(users) <= set(EXPORT_FILES), users
