"""No field carries live markup into any output (issue #25).

The mini fixture project is copied twice: once with hostile text in every free-text field (one
page per hostile value, which starts every field of that page, so a leading `#`, `=` or `-`
is tried where it matters) and once with plain words in the same places. Both are built with
MkDocs (the site, and the print page the PDFs and the EPUB are made from), and the card, the
patient sheet and the data editions are made from both. Every HTML output must have the same
elements and attributes, in the same order, as its plain twin: nothing the data did not
intend. The hostile text must show as text (titles, navigation, meta description, search
index), and the data editions (JSON, CSV, FHIR, feed) must carry it literally.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
import yaml

from conftest import FIXTURES, copy_project, print_page_misses, serve
from il2ref.core.model import Corpus
from il2ref.core.units import plain_text
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import ENV as EDITION_ENV
from il2ref.load.edition import REF_ENV
from il2ref.load.vocabulary import VOCABULARY
from il2ref.render.card import card_html
from il2ref.render.data import dataset, to_csv
from il2ref.render.fhir import rules_bundle
from il2ref.render.patient import patient_html
from il2ref.render.wallet import wallet_html

# What a careless or hostile editor might type: live HTML, attribute break-outs, CDATA and
# template syntax, Markdown links and blocks, includes and markers, formulas.
HOSTILE = [
    "<iframe src=x></iframe>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "]]> <![CDATA[x]]> <!-- a comment -->",
    "{{ 7*7 }} {% raw %}{{ }}{% endraw %} {# x #}",
    "[link](javascript:alert(1))",
    '" onmouseover="alert(1)" data-x="',
    "' onfocus='alert(1)' autofocus x='",
    '<a href="javascript:alert(1)">a link</a>',
    "javascript:alert(1)",
    "&lt;b&gt;an entity&lt;/b&gt; &amp; &#60;i&#62;",
    '=HYPERLINK("http://example.org","click")',
    "+1+2 and @SUM(1)",
    "-1+2 a formula",
    '--8<-- "mkdocs.yml"',
    "\\bibliography [@alpha2001] [^1] <!-- il2ref:codes -->",
    "# a heading",
    '!!! danger "an admonition"',
    "1. a list *[ABBR]: an abbreviation, ABBR",
    "<svg onload=alert(1)><math><style>x</style></math>",
]
PLAIN = "Plain words"
# Fields under the lab-value grammar (claims, criteria, resume conditions, patient text) refuse
# braces that are not lab values, so they get each hostile value without its braces.
BRACED = ("claim", "criterion", "resume", "text")
SITE_NAME = "IL-2 Toxicity Reference"
REF = "v1.2.3"  # the release this build says it is, for the card's edition check


def _plain(value: str, hostile: bool, field: str) -> str:
    if not hostile:
        return PLAIN
    return value.replace("{", "(").replace("}", ")") if field in BRACED else value


def _page(i: int, value: str, hostile: bool) -> dict[str, Any]:
    """The mini fixture's page, every free-text field starting with `value`, ids made unique."""
    data = yaml.safe_load((FIXTURES / "mini" / "docs" / "data" / "good.yaml").read_text(
        encoding="utf-8"))
    t = lambda field: _plain(value, hostile, field)  # noqa: E731
    data |= {"title": t("title"), "summary": t("summary"), "aliases": [t("alias")]}
    first = data["sections"][0]
    first["title"] = t("title")
    for e in first["excerpts"]:
        e["id"] = f"{e['id']}-p{i}"
        e["claim"] = t("claim")
        e["key_fact"] = True
    one = first["excerpts"][0]
    one["sources"][0]["locator"] = t("locator")  # alpha2001 has no outline to match
    # Patient text is at least 20 characters long.
    one["patient"] = {"section": "what-it-is", "text": t("text") + " and so on, in words"}
    one["wallet"] = {"effect": "contrast", "text": t("text") + " and so on, in words"}

    def side(n: int) -> dict[str, Any]:
        return {"id": f"side-{n}-p{i}", "claim": t("claim"), "evidence": "trial",
                "topic": "capillary-leak",
                "sources": [{"key": "alpha2001", "locator": t("locator")}]}

    data["sections"] += [
        {"id": "differ", "title": t("title"),
         "conflicts": [{"id": f"conflict-p{i}", "title": t("title"), "sides": [side(1), side(2)]}]},
        {"id": "rules", "title": t("title"), "insert": "page-rules"},
    ]
    rule = data["rules"][0]
    rule |= {"id": f"rule-p{i}", "finding": f"finding-p{i}", "criterion": t("criterion"),
             "resume": t("resume")}
    rule2 = copy.deepcopy(rule) | {"id": f"rule-b-p{i}", "framework": "consensus-2014",
                                   "action": "stop-cycle", "tier": "absolute",
                                   "sources": [{"key": "alpha2001", "locator": t("locator")}]}
    data["rules"].append(rule2)  # two sources on one finding: a "Sources differ" row
    return data


def mini_project(dest: Path) -> Path:
    """The mini fixture as a whole project: the real configuration, scripts and hand-written
    pages (but those citing the real references), with the fixture's data."""
    copy_project(dest)
    shutil.rmtree(dest / "docs" / "data")
    shutil.copytree(FIXTURES / "mini" / "docs" / "data", dest / "docs" / "data")
    shutil.copy(FIXTURES / "mini" / "references.bib", dest / "references.bib")
    (dest / "docs" / "index.md").write_text(
        "---\ntitle: Home\ndescription: A small reference made for the tests.\n---\n\n# Home\n\n"
        "The [quick-reference card](quick-reference.md).\n", encoding="utf-8")
    (dest / "docs" / "source-notes.md").unlink()  # it cites the real references
    (dest / VOCABULARY).unlink()  # it names the real pages (a vocabulary of its own: below)
    config = dest / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      - Source notes: source-notes.md\n", ""), encoding="utf-8")
    return dest


def make_project(dest: Path, *, hostile: bool) -> Path:
    """The mini project with a page per hostile value in place of its one page."""
    mini_project(dest)
    (dest / "docs" / "data" / "good.yaml").unlink()
    for i, value in enumerate(HOSTILE):
        (dest / "docs" / "data" / f"p{i}.yaml").write_text(
            yaml.safe_dump(_page(i, value, hostile), allow_unicode=True, sort_keys=False),
            encoding="utf-8")
    # Outlines and the bibliography: every hostile value in one field (BibTeX reads `%` as a
    # comment and braces as grouping, so those are written as BibTeX escapes).
    everything = " ".join(HOSTILE) if hostile else PLAIN
    outline_path = dest / "docs" / "data" / "sources" / "gamma_label.yaml"
    outline = yaml.safe_load(outline_path.read_text(encoding="utf-8"))
    outline["read"] = [everything]
    outline["items"][0]["title"] = everything
    outline["items"][2]["reason"] = everything
    outline_path.write_text(yaml.safe_dump(outline, allow_unicode=True), encoding="utf-8")
    bib = "".join("\\" + c if c in "{}%#&$_~^\\" else c for c in everything)
    (dest / "references.bib").write_text(
        (FIXTURES / "mini" / "references.bib").read_text(encoding="utf-8")
        .replace("A trial of something", bib).replace("Journal of Tests", bib),
        encoding="utf-8")
    # A git history, so the feed and "What changed" list every statement as new.
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], cwd=dest, check=True)
    return dest


def build(project: Path, config: str, site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", EDITION_ENV: "Edition 0.0.0 (1a2b3c4)",
           REF_ENV: REF}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config,
                             "--site-dir", str(site)], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@dataclass(frozen=True)
class Built:
    project: Path
    site: Path
    print_page: Path
    corpus: Corpus
    data: dict[str, Any]
    texts: dict[str, str]


def _built(root: Path, *, hostile: bool) -> Built:
    from il2ref.site.citations import reference_texts

    project = make_project(root / "project", hostile=hostile)
    corpus, problems = load_corpus(project)
    assert not [str(p) for p in problems if p.severity.value == "error"]
    build(project, "mkdocs.yml", root / "site")
    build(project, "mkdocs.print.yml", root / "print")
    texts = reference_texts(project / "references.bib", corpus, None)
    data = dataset(corpus, texts, version="0", edition="E", built="2026-12-01")
    return Built(project, root / "site", root / "print" / "print_page" / "index.html", corpus,
                 data, texts)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _built(tmp_path_factory.mktemp("hostile"), hostile=True)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _built(tmp_path_factory.mktemp("plain"), hostile=False)


# ---------------------------------------------------------------------------------------------
# HTML outputs: the same elements and attributes as the plain twin

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "cite", "srcset"}


def skeleton(root: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Every element in document order, with the names of its attributes."""
    return [(str(el.tag), tuple(sorted(el.attrib))) for el in root.iter()
            if isinstance(el.tag, str)]


def _tree(path: Path) -> Any:
    return lxml.html.parse(str(path)).getroot()


def assert_same_markup(hostile_root: Any, plain_root: Any, where: str) -> None:
    got, want = skeleton(hostile_root), skeleton(plain_root)
    extra = [x for x in got if x not in want]
    assert got == want, (where, extra[:5] or "same elements, different order or count")
    for el in hostile_root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in URL_ATTRIBUTES & set(el.attrib):
            value = el.attrib[name]
            assert not value.strip().lower().startswith("javascript:"), (where, name, value)


def test_every_site_page_has_only_the_markup_of_its_plain_twin(hostile: Built,
                                                                 plain: Built) -> None:
    pages = sorted(p.relative_to(plain.site) for p in plain.site.rglob("*.html"))
    assert sorted(p.relative_to(hostile.site) for p in hostile.site.rglob("*.html")) == pages
    assert len(pages) > 30
    for rel in pages:
        assert_same_markup(_tree(hostile.site / rel), _tree(plain.site / rel), str(rel))


def test_the_print_page_for_pdfs_and_epub_has_only_its_plain_twins_markup(
        hostile: Built, plain: Built) -> None:
    assert_same_markup(_tree(hostile.print_page), _tree(plain.print_page), "print page")
    assert print_page_misses(_tree(hostile.print_page)) == []  # and its links land


def test_card_patient_sheet_and_wallet_card_html_have_only_their_plain_twins_markup(
        hostile: Built, plain: Built) -> None:
    for make in (lambda b: card_html(b.corpus, b.texts, edition="E", built="B"),
                 lambda b: patient_html(b.corpus, b.texts, edition="E", built="B"),
                 lambda b: wallet_html(b.corpus, edition="E", built="B")):
        got, want = make(hostile), make(plain)
        assert_same_markup(lxml.html.fromstring(got), lxml.html.fromstring(want), got[:60])
    card = lxml.html.fromstring(card_html(hostile.corpus, hostile.texts, edition="E",
                                          built="B")).text_content()
    assert HOSTILE[2] in card and plain_text(HOSTILE[1]) in card
    wallet = lxml.html.fromstring(wallet_html(hostile.corpus, edition="E",
                                              built="B")).text_content()
    assert HOSTILE[2] in wallet and plain_text(HOSTILE[1]) in wallet


def _text(el: Any) -> str:
    return " ".join(el.text_content().split())


def test_titles_navigation_and_descriptions_show_the_text_as_typed(hostile: Built) -> None:
    for i, value in enumerate(HOSTILE):
        shown = " ".join(value.split())
        page = _tree(hostile.site / f"p{i}" / "index.html")
        assert _text(page.find(".//title")) == f"{shown} - {SITE_NAME}"
        assert page.cssselect('meta[name="description"]')[0].get("content") == shown
        heading = page.cssselect("article h1")[0]
        assert _text(heading).removesuffix("¶") == shown  # Python-Markdown's permalink
        assert _text(page.cssselect(".md-header__topic:last-child")[0]) == shown
        assert _text(page.cssselect(".md-content .aliases")[0]) == f"Also called: {shown}"
        # Every page's navigation names the page as typed.
        home = _tree(hostile.site / "index.html")
        links = [_text(a) for a in home.cssselect(f'nav.md-nav--primary a[href="p{i}/"]')]
        assert links == [shown], (value, links)


def _fragments(index: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(f"{d['location']} {key}", lxml.html.fragment_fromstring(d[key], create_parent="div"))
            for d in index["docs"] for key in ("title", "text")]


def test_search_index_text_is_escaped(hostile: Built, plain: Built) -> None:
    """Material shows the index's titles and text as HTML: every hostile value is there as
    escaped text, and the index has no element its plain twin lacks."""
    def load(b: Built) -> dict[str, Any]:
        return json.loads((b.site / "search" / "search_index.json").read_text(encoding="utf-8"))

    got, want = load(hostile), load(plain)
    assert [d["location"] for d in got["docs"]] == [d["location"] for d in want["docs"]]
    for (where, h), (_, p) in zip(_fragments(got), _fragments(want), strict=True):
        assert_same_markup(h, p, where)
    shown = " ".join(_text(f) for _, f in _fragments(got))
    for value in HOSTILE:
        assert " ".join(value.split()) in shown, value


def test_json_and_fhir_carry_the_text_literally(hostile: Built) -> None:
    for i, value in enumerate(HOSTILE):
        braced = value.replace("{", "(").replace("}", ")")
        records = [e for e in hostile.data["excerpts"] if e["id"].endswith(f"-p{i}")]
        assert {e["page_title"] for e in records} == {value}
        assert {e["section"] for e in records} == {value}
        assert all(e["claim"] == plain_text(braced) for e in records)
        rule = next(r for r in hostile.data["rules"] if r["id"] == f"rule-p{i}")
        assert (rule["criterion"], rule["resume"]) == (plain_text(braced), plain_text(braced))
        side = next(e for e in records if e["id"] == f"side-1-p{i}")
        assert side["conflict"] == value and side["citations"][0]["locator"] == value
    bundle = rules_bundle(hostile.corpus, hostile.texts, edition="E", built="2026-12-01",
                          site_url="https://example.org/")
    text = json.dumps(bundle, ensure_ascii=False)
    for value in HOSTILE:
        braced = plain_text(value.replace("{", "(").replace("}", ")"))
        assert json.dumps(braced, ensure_ascii=False)[1:-1] in text, value


def test_csv_carries_the_text_literally_and_never_a_formula(hostile: Built) -> None:
    for key in ("excerpts", "rules"):
        records = hostile.data[key]
        rows = list(csv.DictReader(io.StringIO(to_csv(records, "E"))))
        assert len(rows) == len(records)
        for row, rec in zip(rows, records, strict=True):
            for column, cell in row.items():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
                value = rec.get(column)
                if isinstance(value, str):  # a formula's first character follows a quote
                    formula = value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    assert cell == ("'" if formula else "") + value, (column, cell)


# LibreOffice's CSV import, formulas evaluated (a reader's setting, on here so a formula would
# show): comma, double quote, UTF-8, from line 1, quoted fields not forced to text.
CALC_CSV = "CSV:44,34,76,1,,0,false,true,true,false,false,0,true"


def _calc_formulas(csv_text: str, folder: Path) -> tuple[list[str], str]:
    """(the formulas LibreOffice Calc made of the CSV's cells, the sheet's XML)."""
    source = folder / "edition.csv"
    source.write_text(csv_text, encoding="utf-8")
    subprocess.run(["soffice", "--headless", f"--infilter={CALC_CSV}", "--convert-to", "fods",
                    "--outdir", str(folder), str(source)],
                   capture_output=True, check=True, timeout=120,
                   env={**os.environ, "HOME": str(folder)})  # its own profile, no lock
    sheet = (folder / "edition.fods").read_text(encoding="utf-8")
    return re.findall(r'table:formula="([^"]*)"', sheet), sheet


def test_the_csv_opens_in_a_spreadsheet_with_every_cell_as_text(hostile: Built,
                                                                  tmp_path: Path) -> None:
    """Opened in LibreOffice Calc with formula evaluation on, no cell of either CSV edition
    becomes a formula, and the hostile text shows as typed (after the guarding quote)."""
    control = tmp_path / "control"
    control.mkdir()
    assert _calc_formulas('a\n"=1+1"\n', control)[0] == ["of:=1+1"]  # the test can fail
    for key in ("excerpts", "rules"):
        folder = tmp_path / key
        folder.mkdir()
        formulas, sheet = _calc_formulas(to_csv(hostile.data[key], "E"), folder)
        assert formulas == [], (key, formulas[:3])
        assert html.escape("'=HYPERLINK(", quote=True).replace("&#x27;", "&apos;") in sheet


def test_feed_carries_the_text_literally(hostile: Built, plain: Built) -> None:
    """changes.xml (Atom): well-formed XML whatever the text, each statement and rule as text
    in its entry's HTML, and that HTML no richer than its plain twin's."""
    atom = "{http://www.w3.org/2005/Atom}"

    def content(b: Built) -> list[Any]:
        feed = lxml.etree.parse(str(b.site / "changes.xml")).getroot()
        return [lxml.html.fragment_fromstring(e.findtext(f"{atom}content"), create_parent="div")
                for e in feed.findall(f"{atom}entry")]

    got, want = content(hostile), content(plain)
    for h, p in zip(got, want, strict=True):
        assert_same_markup(h, p, "feed entry")
    shown = " ".join(_text(c) for c in got)
    for value in HOSTILE:
        assert " ".join(plain_text(value.replace("{", "(").replace("}", ")")).split()) in shown


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy in every page

def test_every_page_carries_its_policy_before_any_script(hostile: Built) -> None:
    from il2ref.site.html import content_security_policy, inline_script_hashes

    for path in hostile.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")  # as built: the hook put the policy there
        head = _tree_from(text).find("head")
        metas = head.cssselect('meta[http-equiv="Content-Security-Policy"]')
        assert len(metas) == 1, path  # put there once, by the build itself
        assert metas[0].get("content") == content_security_policy(
            inline_script_hashes(text), meta=True)
        first_script = next(head.iter("script"), None)
        assert first_script is None or list(head).index(metas[0]) < list(head).index(
            first_script), path


def _tree_from(text: str) -> Any:
    return lxml.html.fromstring(text)


# ---------------------------------------------------------------------------------------------
# The card's ?edition= link: only an edition is ever shown as one

EDITION_VALUES = [
    "WITHDRAWN: give 10x the dose, call 555 0100",
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "v1.2.3 WITHDRAWN",
    "v1.2.3\u202e3.2.1v",  # a bidi override that reverses what a reader sees
    "\u202ev1.2.3",
    "1a2b3c4\u200b",  # a zero-width space after a commit
    "x" * 5000,
    "v1.2",
    "1a2b3c",  # six hex digits: not a commit id
    "G1A2B3C4",
    "no commit",
]


@pytest.fixture(scope="module")
def card_page(hostile: Built) -> Any:
    with serve(hostile.site) as url:
        yield f"{url}quick-reference/"


def _box(page: Any, card_page: str, value: str) -> Any:
    from urllib.parse import quote

    page.goto(f"{card_page}?edition={quote(value, safe='')}")
    return page.locator("[data-edition-check]")


@pytest.fixture(scope="module")
def refusal(browser: Any, card_page: str) -> tuple[str, int]:
    """What the box says, and how many elements it holds, for a plain non-edition: what every
    hostile value must get, word for word (read once, not twice per value)."""
    page = browser.new_page()
    box = _box(page, card_page, "not-an-edition")
    said, count = box.inner_text(), box.locator("*").count()
    page.close()
    assert "does not name an edition of this reference" in said
    assert "not-an-edition" not in said
    return said, count


@pytest.mark.browser
@pytest.mark.parametrize("value", EDITION_VALUES)
def test_a_link_that_names_no_edition_gets_only_the_plain_refusal(
        page: Any, card_page: str, refusal: tuple[str, int], value: str) -> None:
    """The box says exactly what it says for any other non-edition, word for word: the
    value never shows, as an edition or otherwise."""
    said, count = refusal
    box = _box(page, card_page, value)
    assert box.is_visible()
    assert box.inner_text() == said
    assert page.locator("[data-edition-check] [data-unknown]").is_visible()
    assert page.locator("[data-edition-check] [data-known]").is_hidden()
    assert page.locator("[data-edition-check] [data-printed]").text_content() == ""
    assert page.locator("[data-edition-check] *").count() == count


@pytest.mark.browser
@pytest.mark.parametrize(("value", "same"), [
    (REF, True), ("v0.0.1", False), ("1a2b3c4", False), ("1a2b3c4-modified", False),
    ("0123456789abcdef0123456789abcdef01234567", False),
])
def test_a_link_that_names_an_edition_says_whether_it_is_this_one(
        page: Any, card_page: str, value: str, same: bool) -> None:
    page.goto(f"{card_page}?edition={value}")
    assert page.locator("[data-edition-check] [data-unknown]").is_hidden()
    assert page.locator("[data-edition-check] [data-printed]").text_content() == value
    assert page.locator("[data-edition-check] [data-same]").is_visible() == same
    assert page.locator("[data-edition-check] [data-differs]").is_visible() == (not same)


def test_the_edition_grammar_takes_what_the_build_names(hostile: Built) -> None:
    """The card page's grammar accepts every form il2ref.load.edition gives a card: a release
    tag, a short commit, a modified one; this project's ref is in it."""
    import re

    box = _tree(hostile.site / "quick-reference" / "index.html").cssselect(
        "[data-edition-check]")[0]
    grammar = re.compile(box.get("data-edition"))
    assert box.get("data-ref") == REF
    for good in (REF, "v10.20.30", "1a2b3c4", "1a2b3c4-modified", "0" * 40):
        assert grammar.fullmatch(good), good
    for bad in EDITION_VALUES:
        assert not grammar.fullmatch(bad), bad


# ---------------------------------------------------------------------------------------------
# D3: the mini fixture itself (no dosing constants) builds

def test_the_mini_fixture_project_builds_with_mkdocs(tmp_path: Path) -> None:
    """A project without a `dosing` block builds (review D3), its calculator page saying why
    there is nothing to compute; a page whose rules no section places still shows them."""
    project = mini_project(tmp_path / "project")
    build(project, "mkdocs.yml", tmp_path / "site")
    page = _tree(tmp_path / "site" / "dose-calculator" / "index.html")
    assert "nothing to compute with" in _text(page.cssselect("article")[0])
    assert page.cssselect('meta[name="description"]')[0].get("content")
    good = _tree(tmp_path / "site" / "good" / "index.html")
    assert good.cssselect('tr[data-rule="good-rule"]')


def test_readers_words_never_become_markup_anywhere(tmp_path: Path) -> None:
    """The vocabulary's words reach the Glossary's table, each page's search tags, the search
    worker and the no-results list: hostile words are shown as typed in the first and stay
    JSON strings in the scripts."""
    project = mini_project(tmp_path / "project")
    words = [v[:32] for v in HOSTILE if "\\" not in v]  # a word is at most 40 characters
    page = yaml.safe_load((project / "docs" / "data" / "good.yaml").read_text("utf-8"))
    page["aliases"] = ["good page"]
    (project / "docs" / "data" / "good.yaml").write_text(yaml.safe_dump(page), "utf-8")
    vocabulary = {"site_words": ["<b>site</b>"], "terms": [
        {"term": "measured in a trial", "page": "good",
         "words": {"lay": [f"{w} word{i}" for i, w in enumerate(words)]}}]}
    (project / VOCABULARY).write_text(yaml.safe_dump(vocabulary, allow_unicode=True), "utf-8")
    site = tmp_path / "site"
    build(project, "mkdocs.yml", site)
    glossary = lxml.html.parse(str(site / "glossary" / "index.html")).getroot()
    table = glossary.cssselect(".search-words table")[0]
    assert not table.cssselect("iframe, img, script, svg, math, style, a[href^=javascript]")
    shown = " ".join(table.text_content().split())
    for i, w in enumerate(words):
        assert " ".join(f"{w} word{i}".split()) in shown
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    tags = next(d.get("tags", []) for d in index["docs"] if d["location"] == "good/")
    assert all("<" not in t or "&lt;" in t for t in tags) and len(tags) > len(words) // 2
    for script in ("javascripts/search-terms.js", "assets/javascripts/workers/il2ref-search.js"):
        text = (site / script).read_text(encoding="utf-8")
        literal = text.split(" = ", 1)[1].split(";\n", 1)[0]  # the data, on one line
        data = json.dumps(json.loads(literal))  # a JSON literal: no word broke out of it
        assert all(json.dumps(f"{w} word{i}".casefold())[1:-1] in data.casefold()
                   for i, w in enumerate(words)), script
