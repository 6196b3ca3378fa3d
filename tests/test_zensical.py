"""The second door (issue #29): `il2ref plain` writes the site as ordinary Markdown, and Zensical
(Material's successor, which runs no hook and no plugin) builds it with the site's theme
settings. Compared page by page with the MkDocs build of the same checkout (`built_site`).

Run them alone with `pytest -k zensical`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

from conftest import BUILD_DATE, ENV, ROOT
from il2ref.core import dosing as calc
from il2ref.editions import plain
from il2ref.load.config import read_config
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import edition_id
from il2ref.render.dose_calculator import find_dosing
from il2ref.site.markers import MARKER

ZENSICAL = Path(sys.executable).with_name("zensical")
# What a reader must never see: a citation key or a bibliography command the build did not
# replace, or the footnotes' place marker. A marker left raw is an HTML comment, which shows no
# text: it is looked for in each page's HTML (MARKER).
RAW = re.compile(r"\[@|@[a-z][a-z0-9_-]*\d{4}\b|\\(?:full_)?bibliography|///Footnotes")


def _pages(site: Path) -> dict[str, Path]:
    """Every page of a built site by its path, the 404 page left out (Zensical's is its own)."""
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))
            if p.name != "404.html" and "assets" not in p.parts}


def _article(path: Path) -> Any:
    """A page's article as a reader gets it. Left out: scripts; what the browser does not
    show (`hidden`: the search words Zensical lists as tags, il2ref.editions.plain hides
    them); Zensical's empty skip-link target `a#__skip` (Material has it outside the article).
    """
    tree = lxml.html.parse(str(path)).getroot()
    [article] = tree.cssselect("article.md-content__inner")
    for gone in article.cssselect("script, style, [hidden], a#__skip"):
        gone.drop_tree()
    return article


def _text(article: Any) -> str:
    return " ".join(article.text_content().split())


@pytest.fixture(scope="module")
def plain_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain") / "plain"
    plain.write_plain(ROOT, folder, built=BUILD_DATE)
    return folder


def _zensical(folder: Path) -> Path:
    """`zensical build` of a plain folder, as `make plain` runs it; its site/ folder."""
    start = time.perf_counter()
    result = subprocess.run([str(ZENSICAL), "build", "--clean", "-f",
                             str(folder / "mkdocs.yml")], cwd=folder, env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout + result.stderr
    print(f"zensical build of {folder.name}: {time.perf_counter() - start:.1f} s")
    return folder / "site"


@pytest.fixture(scope="module")
def zensical_site(plain_folder: Path) -> Path:
    return _zensical(plain_folder)


def test_zensical_plain_folder_needs_no_hook_plugin_or_project_code(plain_folder: Path) -> None:
    config = yaml.safe_load((plain_folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "hooks" not in config
    # The site's theme folder comes along as it is: templates, no code.
    theme = plain_folder / config["theme"]["custom_dir"]
    assert sorted(p.name for p in theme.iterdir()) == ["main.html"]
    assert theme.joinpath("main.html").read_bytes() == (
        ROOT / "scripts" / "il2ref" / "site" / "theme" / "main.html").read_bytes()
    assert config["extra"]["il2ref"]["edition"] == edition_id(ROOT)
    named = [next(iter(e)) if isinstance(e, dict) else e
             for e in config["plugins"] + config["markdown_extensions"]]
    assert "bibtex" not in named and not [n for n in named if n.startswith("il2ref")]
    # The site's theme settings, as mkdocs.yml has them.
    site = read_config(ROOT)
    assert {k: v for k, v in site["theme"].items() if k != "custom_dir"} == {
        k: v for k, v in config["theme"].items() if k != "custom_dir"}
    assert config["copyright"].endswith(f"{edition_id(ROOT)}.")
    # The navigation written out: every page in it, generated ones included.
    listed = re.findall(r"\b[\w-]+\.md\b", json.dumps(config["nav"]))
    pages = sorted(p.relative_to(plain_folder / "docs").as_posix()
                   for p in (plain_folder / "docs").rglob("*.md"))
    assert sorted(listed) == pages
    corpus = load_corpus(ROOT)[0]
    assert {f"{p.slug}.md" for p in corpus.pages} <= set(pages)
    assert {g.path for g in plain.pages.GENERATED} <= set(pages)


def test_zensical_builds_every_page_of_the_mkdocs_site(built_site: Path,
                                                       zensical_site: Path) -> None:
    assert sorted(_pages(zensical_site)) == sorted(_pages(built_site))
    assert len(_pages(zensical_site)) > 30
    # The site's theme additions, through the same template: the change feed in every head,
    # the report line under every article, the filters' script on the same pages as MkDocs'.
    def filtered(site: Path) -> set[str]:
        found = set()
        for path, page in _pages(site).items():
            scripts = lxml.html.parse(str(page)).getroot().cssselect("script")
            if any((s.get("src") or "").endswith("rule-filters.js") for s in scripts):
                found.add(path)
        return found

    for path, page in _pages(zensical_site).items():
        tree = lxml.html.parse(str(page)).getroot()
        assert tree.cssselect("head link[rel=alternate][type='application/atom+xml']"), path
        assert tree.cssselect("article p.report-error"), path
    assert "management/index.html" in filtered(built_site)
    assert filtered(zensical_site) == filtered(built_site)


def test_zensical_pages_show_no_raw_citation_or_marker(zensical_site: Path) -> None:
    raw = {path: RAW.findall(_text(_article(page)))
               + MARKER.findall(page.read_text(encoding="utf-8"))
           for path, page in _pages(zensical_site).items()}
    assert {path: found for path, found in raw.items() if found} == {}
    # Citations became numbered footnotes with their reference list.
    notes = _article(zensical_site / "source-notes" / "index.html")
    assert len(notes.cssselect("sup[id^='fnref'] a.footnote-ref")) >= 30
    assert "Dutcher JP" in _text(notes.cssselect("div.footnote")[0])


def test_zensical_has_the_statements_and_text_of_the_mkdocs_site(built_site: Path,
                                                                zensical_site: Path) -> None:
    """Page by page: the same element ids (every statement, rule, heading and footnote) and
    the same article text, whitespace normalised. No difference is allowed in the text."""
    assert _same_articles(_pages(built_site), _pages(zensical_site)) >= 120


def _same_articles(ours: dict[str, Path], theirs: dict[str, Path]) -> int:
    """Asserts each page pair has the same ids and text, and no raw leftover; the number of
    statements compared."""
    statements = 0
    for path in ours:
        mine, other = _article(ours[path]), _article(theirs[path])
        ids = [e.get("id") for e in mine.iter() if e.get("id")]
        assert ids == [e.get("id") for e in other.iter() if e.get("id")], path
        statements += len(mine.cssselect(".claim[id]"))
        assert _text(mine) == _text(other), path
        assert not RAW.search(_text(other)), path
        assert not MARKER.search(theirs[path].read_text(encoding="utf-8")), path
    return statements


def _strip(html: str) -> str:
    return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split())


def test_zensical_search_finds_a_statement(built_site: Path, zensical_site: Path) -> None:
    """Zensical's search index (search.json, read by its search worker) holds each statement
    under its page: the first words of the first statement on the capillary leak page, as the
    MkDocs site shows them, are found there and nowhere else first."""
    claim = _article(built_site / "capillary-leak" / "index.html").cssselect(".claim[id]")[0]
    words = " ".join(claim.text_content().split()[:8])
    index = json.loads((zensical_site / "search.json").read_text(encoding="utf-8"))
    hits = [item["location"] for item in index["items"] if words in _strip(item["text"])]
    assert hits and all(h.startswith("capillary-leak/") for h in hits), (words, hits)
    assert not [i for i in index["items"] if RAW.search(_strip(i["text"]))]


@pytest.mark.browser
def test_zensical_offline_edition_searches_from_file_with_nothing_from_outside(
        browser: Any, built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`il2ref plain --offline` (from mkdocs.offline.yml) built by Zensical: the same pages,
    ids and text as the MkDocs site, and it opens from file://: its search (Zensical's offline
    index, search.js, through the shipped iframe-worker shim) finds a statement and lands on
    its page, the rule filters work, and no request leaves the folder."""
    folder = tmp_path_factory.mktemp("plain-offline") / "plain"
    plain.write_plain(ROOT, folder, built=BUILD_DATE, config=plain.OFFLINE_CONFIG)
    site = _zensical(folder)
    assert (site / "search.js").is_file()
    # The same pages as the MkDocs site, as files (no directory URLs), checked the same way.
    online = _pages(built_site)
    offline = {path: site / (path.replace("/index.html", ".html")) for path in online}
    assert sorted(p.relative_to(site).as_posix() for p in offline.values()) == sorted(
        p.name for p in site.glob("*.html") if p.name != "404.html")
    assert _same_articles(online, offline) >= 120
    claim = _article(built_site / "capillary-leak" / "index.html").cssselect(".claim[id]")[0]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
            else outside.append(r.url))
    try:
        page.goto((site / "index.html").as_uri())
        page.click(".md-search__button")
        page.keyboard.type(" ".join(claim.text_content().split()[:5]), delay=20)
        # Zensical draws its results in a shadow root; Playwright's CSS reaches into it.
        # Found: a result on the statement's page (its rank is Zensical's, not compared).
        found = page.locator("a[href*='/capillary-leak.html?h=']").first
        found.wait_for(timeout=15_000)
        page.goto(found.get_attribute("href") or "")
        assert page.locator(f"[id='{claim.get('id')}']").count() == 1
        # The all-rules tables' filters run too (rule-filters.js needs the bundle's document$).
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "management.html").as_uri() + "#system=renal")
        page.wait_for_selector("form[data-rule-filters][data-ready]", state="attached")
        shown, total = page.evaluate("""() => { const rows = [...document.querySelectorAll(
            'tr[data-rule]')]; return [rows.filter(r => r.offsetParent).length, rows.length]; }""")
        assert 0 < shown < total and errors == []
        # A bedside tool: the dose calculator's page script gives the reference's numbers.
        dosing = find_dosing(load_corpus(ROOT)[0])
        assert dosing is not None
        page.goto((site / "dose-calculator.html").as_uri())
        page.fill("#dose-weight", "70")
        shown_lines = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
            '[data-dose-results] output[data-out]')].map(o => [o.dataset.out, o.textContent]))""")
        result = calc.read_weight(dosing, "70", "kg")
        assert not isinstance(result, calc.Refusal) and shown_lines == result.lines
        assert errors == [] and outside == []
    finally:
        page.close()


# ------------------------------------------------------------------------------------------
# A change that breaks the plain output fails here: each check below feeds a broken page
# through the real finishing code and expects the build of the folder to refuse it.

@pytest.fixture(scope="module")
def door() -> plain.Door:
    corpus = load_corpus(ROOT)[0]
    return plain.door(ROOT, corpus, read_config(ROOT), edition_id(ROOT))


def test_zensical_plain_refuses_a_marker_left_raw(door: plain.Door,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    source = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert "<!-- il2ref:glossary -->" not in plain.plain_page(source, "glossary.md", door)
    monkeypatch.setattr(plain.markers, "fill", lambda markdown, *a, **k: markdown)
    with pytest.raises(plain.PlainError, match=r"docs/glossary.md:\d+: left raw: "
                                               r"<!-- il2ref:glossary -->"):
        plain.plain_page(source, "glossary.md", door)


def test_zensical_plain_refuses_a_citation_left_raw(door: plain.Door,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    source = (ROOT / "docs" / "source-notes.md").read_text(encoding="utf-8")
    page = plain.plain_page(source, "source-notes.md", door)
    assert "[^dutcher2014]: Dutcher JP" in page and "[@" not in page
    monkeypatch.setattr(plain, "resolve_citations", lambda markdown, *a: markdown)
    with pytest.raises(plain.PlainError, match=r"left raw: \[@proleukin_pi_2024\]"):
        plain.plain_page(source, "source-notes.md", door)


def test_zensical_plain_refuses_an_unknown_or_unformatted_citation(
        door: plain.Door, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(plain.PlainError, match="unknown citation key.*nosuch2099"):
        plain.plain_page("---\ntitle: T\n---\n\n# T\n\nA claim [@nosuch2099].\n", "t.md", door)
    # A reference pandoc did not format: mkdocs-bibtex drops the citation without a word and
    # the claim loses its number; here the page is refused.
    monkeypatch.setattr(door.registry, "validate_citation_blocks", lambda blocks: None)
    monkeypatch.delitem(door.registry._reference_cache, "dutcher2014")
    with pytest.raises(plain.PlainError, match="@dutcher2014 has no formatted reference"):
        plain.plain_page("# T\n\nA claim [@dutcher2014].\n\n\\bibliography\n", "t.md", door)


def test_zensical_raw_check_finds_what_a_reader_must_not_see() -> None:
    """The check the Zensical pages go through is not blind: it finds each kind of leftover."""
    for leftover in ("[@dutcher2014]", "\\bibliography", "see @dutcher2014 p. 3",
                     "///Footnotes Go Here///"):
        assert RAW.search(leftover), leftover
    assert MARKER.search("<p>a</p>\n<!-- il2ref:codes -->\n<p>b</p>")
    assert not RAW.search("Dutcher JP, et al. 2014;2(1):26. e-mail: editor@hospital.org")
    assert not MARKER.search("<code>&lt;!-- il2ref:codes --&gt;</code>")  # shown, as meant
    for leftover in ("<!-- il2ref:codes -->", "[@dutcher2014]", "[see @dutcher2014, p. 3]",
                     "\\bibliography", "\\full_bibliography"):
        assert plain.leftovers(f"text\n{leftover}\n", "x.md") == [
            f"x.md:2: left raw: {leftover}"], leftover
    assert plain.leftovers("mail [editor@hospital.org] or\n```\n[@dutcher2014]\n```\n",
                           "x.md") == []
