"""Editions a reader can trust: one edition id everywhere, review state on every generated
page, a corrections route, and the Atom change feed (the exported files: test_export.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import lxml.html
import pytest
import yaml

from conftest import ENV, MKDOCS, ROOT, WHO, copy_project, mkdocs_build, released_clone, serve
from il2ref import __version__
from il2ref.core.review import review
from il2ref.load.config import site_url
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import edition_id
from il2ref.site import pages

ATOM = "{http://www.w3.org/2005/Atom}"
EDITION = re.compile(r"Edition \d+\.\d+\.\d+ \([^)]*\)")
SITE_URL = site_url(ROOT)  # as MkDocs reads mkdocs.yml (SITE_URL may set it)


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def expected() -> str:
    """This checkout's edition, and proof it names the commit the site is built from."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the edition id names no commit")
    head = _git("rev-parse", "HEAD")
    edition = edition_id(ROOT)
    assert edition.startswith(f"Edition {__version__} ({head[:7]}")  # "-modified" in a dev tree
    return edition


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


def test_every_page_carries_one_edition_id_equal_to_the_commit(built_site: Path,
                                                               expected: str) -> None:
    found: set[str] = set()
    for path in _html_pages(built_site):
        text = path.read_text(encoding="utf-8")
        found |= set(EDITION.findall(text))
        footer = lxml.html.fromstring(text).cssselect(".md-copyright__highlight")
        assert footer and expected in footer[0].text_content(), path
    assert found == {expected}


def test_every_page_links_to_report_an_error(built_site: Path, expected: str) -> None:
    about = lxml.html.parse(str(built_site / "about" / "index.html")).getroot()
    assert about.cssselect("#report-an-error")
    for path in _html_pages(built_site):
        if path.name == "404.html":  # no page to report on
            continue
        doc = lxml.html.parse(str(path)).getroot()
        links = doc.cssselect("p.report-error a")
        assert [a.text_content() for a in links] == ["Report an error in this page"], path
        href = links[0].get("href")
        if "/issues/new?" in href:  # built where GITHUB_REPOSITORY is set (GitHub Actions)
            assert parse_qs(urlsplit(href).query)["edition"] == [expected]
        else:
            target, _, anchor = href.partition("#")
            assert (path.parent / target).resolve() / "index.html" == \
                built_site / "about" / "index.html", (path, href)
            assert anchor == "report-an-error"
        assert doc.cssselect("p.report-error .report-error__edition")[0].text == expected


def test_issue_form_has_the_fields_the_link_fills() -> None:
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "report-an-error.yml")
                          .read_text(encoding="utf-8"))
    ids = {f["id"] for f in form["body"] if "id" in f}
    assert {"page", "edition", "statement", "problem", "source"} <= ids
    required = {f["id"] for f in form["body"] if f.get("validations", {}).get("required")}
    assert required == {"page", "edition", "problem"}


def test_the_review_line_goes_under_the_title_not_into_the_front_matter() -> None:
    import datetime as dt

    corpus, _ = load_corpus(ROOT)
    state = review(corpus.pages[0], corpus, interval_days=365)
    page = "---\ntitle: T\n# a YAML comment, not the title\ndescription: D\n---\n\n# T\n\nBody.\n"
    out = pages.with_review(page, state, dt.date(2026, 12, 3))
    front, title_and_body = out.split("\n---\n", 1)
    assert "page-review" not in front and front.endswith("description: D")
    assert title_and_body.startswith("\n# T\n\n<p class=\"page-review\"")
    assert title_and_body.endswith("Body.\n")


def test_every_generated_page_shows_status_and_three_dates(built_site: Path) -> None:
    corpus, _ = load_corpus(ROOT)
    paths = [f"{p.slug}.md" for p in corpus.pages] + [g.path for g in pages.GENERATED]
    for path in paths:
        doc = lxml.html.parse(str(built_site / path.removesuffix(".md") / "index.html"))
        line = doc.getroot().cssselect("p.page-review")
        assert len(line) == 1, path
        text = " ".join(line[0].text_content().split())
        assert re.fullmatch(r"Status: (Current|Under review|Superseded) · Last reviewed "
                            r"\d{4}-\d\d-\d\d · Evidence current through \S+.* · "
                            r"Next review due \d{4}-\d\d-\d\d", text), (path, text)
    for p in corpus.pages:  # a data page's own dates
        state = review(p, corpus, interval_days=365)
        doc = lxml.html.parse(str(built_site / p.slug / "index.html")).getroot()
        text = " ".join(doc.cssselect("p.page-review")[0].text_content().split())
        assert (f"Last reviewed {p.reviewed} · Evidence current through "
                f"{state.evidence_through} (year of the newest source cited) · Next review due "
                f"{state.due}") in text
    # The card rests on many pages: as old as the least recently reviewed of them.
    card = lxml.html.parse(str(built_site / "quick-reference" / "index.html")).getroot()
    oldest = min(p.reviewed for p in corpus.pages if p.rules)
    assert f"Last reviewed {oldest}" in card.cssselect("p.page-review")[0].text_content()


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy in which editors mark one page under review with its own evidence date,
    supersede another, and publish from a GitHub repository."""
    project = copy_project(tmp_path_factory.mktemp("edited") / "project")
    for name, extra in (("hepatic", 'status: under-review\nevidence_through: "2025-06-30"\n'),
                        ("dermatologic", "status: superseded\n")):
        data = project / "docs" / "data" / f"{name}.yaml"
        text = data.read_text(encoding="utf-8")
        data.write_text(text.replace("\nreviewed:", f"\n{extra}reviewed:", 1), encoding="utf-8")
    site = project / "site"
    result = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)], cwd=project,
        env={**ENV, "GITHUB_REPOSITORY": "example/il2ref", "GITHUB_SERVER_URL":
             "https://github.com", "IL2REF_EDITION": "Edition 9.9.9 (abcdef0)"},
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return site


def test_status_and_editor_date_reach_the_page_and_the_report(edited_site: Path) -> None:
    hepatic = lxml.html.parse(str(edited_site / "hepatic" / "index.html")).getroot()
    line = " ".join(hepatic.cssselect("p.page-review")[0].text_content().split())
    assert line.startswith("Status: Under review · ")
    assert "Evidence current through 2025-06-30 · " in line  # the editor's date, no "(year"
    titles = [t.text_content() for t in hepatic.cssselect(".admonition-title")]
    assert "Under review" in titles
    derm = lxml.html.parse(str(edited_site / "dermatologic" / "index.html")).getroot()
    assert "Kept for the record only: do not act on this page." in derm.text_content()

    report = lxml.html.parse(str(edited_site / "freshness" / "index.html")).getroot()
    groups = {h.text_content().rstrip("¶").strip(): h for h in report.cssselect("h2")}
    current = len(load_corpus(ROOT)[0].pages) - 2
    assert list(groups) == [f"Current ({current})", "Under review (1)", "Superseded (1)"]
    under = groups["Under review (1)"].getnext()
    while under is not None and not under.cssselect("table"):  # in its caption's <figure>
        under = under.getnext()
    assert under is not None
    assert [a.get("href") for a in under.cssselect("tbody a")] == ["../hepatic/"]


def test_report_link_opens_the_issue_form_prefilled(edited_site: Path) -> None:
    doc = lxml.html.parse(str(edited_site / "renal" / "index.html")).getroot()
    href = doc.cssselect("p.report-error a")[0].get("href")
    url = urlsplit(href)
    assert f"{url.scheme}://{url.netloc}{url.path}" == \
        "https://github.com/example/il2ref/issues/new"
    query = parse_qs(url.query)
    assert query["template"] == ["report-an-error.yml"]
    assert query["page"] == ["renal/"]
    assert query["edition"] == ["Edition 9.9.9 (abcdef0)"]
    assert query["title"][0].startswith("Error: Renal")
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "report-an-error.yml")
                          .read_text(encoding="utf-8"))
    assert set(query) - {"template", "title"} <= {f["id"] for f in form["body"] if "id" in f}


def _feed(site: Path) -> lxml.etree._Element:
    """The feed, read by feedparser (as feed readers do: Atom 1.0, well formed) and by lxml."""
    import feedparser

    raw = (site / "changes.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = lxml.etree.fromstring(raw)
    assert root.tag == f"{ATOM}feed"
    assert len(parsed.entries) == len(root.findall(f"{ATOM}entry"))
    return root


def _check_atom(feed: lxml.etree._Element) -> None:
    """RFC 4287's musts: feed and entry id, title and updated; an author for every entry;
    ids unique; dates in RFC 3339."""
    date = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    for tag in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{tag}")) == 1, tag
    assert date.match(feed.findtext(f"{ATOM}updated") or "")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert [link.get("rel") for link in feed.findall(f"{ATOM}link")].count("self") == 1
    ids = [feed.findtext(f"{ATOM}id")]
    for entry in feed.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        assert date.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.find(f"{ATOM}content").get("type") == "html"
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids))


def _links(entry: lxml.etree._Element) -> list[str]:
    content = lxml.html.fromstring(entry.findtext(f"{ATOM}content") or "<p></p>")
    return [a.get("href") for a in content.iter("a")]


def test_feed_is_atom_and_every_link_reaches_its_statement(built_site: Path) -> None:
    feed = _feed(built_site)
    _check_atom(feed)
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    # One entry per tag this checkout has (a clone made with --no-tags has none), newest first.
    tags = (_git("tag", "--list", "--sort=-v:refname", "--merged", "HEAD").split()
            if (ROOT / ".git").exists() else [])
    assert [t for t in titles if t.startswith("Release ")] == [f"Release {t}" for t in tags]
    # The oldest entry, a first release or everything unreleased, adds every rule it had.
    assert sum("#rule-" in h for h in _links(entries[-1])) >= 80
    pages_cache: dict[str, set[str]] = {}
    for entry in feed.findall(f"{ATOM}entry"):
        for href in _links(entry):
            assert href.startswith(SITE_URL), href
            path, _, anchor = href[len(SITE_URL):].partition("#")
            if path not in pages_cache:
                doc = lxml.html.parse(str(built_site / path / "index.html")).getroot()
                pages_cache[path] = {el.get("id") for el in doc.iter() if el.get("id")}
            assert anchor in pages_cache[path], href


def test_every_page_head_links_the_feed(built_site: Path) -> None:
    for path in _html_pages(built_site):
        doc = lxml.html.parse(str(path)).getroot()
        links = doc.cssselect('head link[rel="alternate"][type="application/atom+xml"]')
        assert len(links) == 1, path
        href = links[0].get("href")
        base = built_site if href.startswith("/") else path.parent  # 404.html: from the root
        assert (base / href.lstrip("/")).resolve() == built_site / "changes.xml", path
    changes = lxml.html.parse(str(built_site / "changes" / "index.html")).getroot()
    assert changes.cssselect('article a[href="../changes.xml"]')


def test_a_rule_changed_after_a_release_is_in_the_next_feed(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = released_clone(tmp_path / "clone")
    renal = clone / "docs" / "data" / "renal.yaml"
    text = renal.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    rule = next(r for r in data["rules"] if r.get("threshold", {}).get("value") is not None)
    old = f"value: {rule['threshold']['value']}"
    assert text.count(old) >= 1
    start = text.index(f"id: {rule['id']}")
    at = text.index(old, start)
    new_value = rule["threshold"]["value"] + 1
    renal.write_text(text[:at] + f"value: {new_value}" + text[at + len(old):], encoding="utf-8")
    _git(*WHO, "commit", "-qam", "change one rule", cwd=clone)

    result = mkdocs_build(clone, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    feed = _feed(tmp_path / "site")
    _check_atom(feed)
    newest = feed.findall(f"{ATOM}entry")[0]
    assert (newest.findtext(f"{ATOM}title") or "").endswith("not yet released")
    body = lxml.html.fromstring(newest.findtext(f"{ATOM}content") or "")
    assert body.text_content().startswith("0 added, 1 changed, 0 removed.")
    assert _links(newest) == [f"{SITE_URL}renal/#{rule['id']}"]
    entries = feed.findall(f"{ATOM}entry")
    assert entries[1].findtext(f"{ATOM}title") == "Release v98.0.0"
    oldest = entries[-1]  # the first release adds every statement and rule it had
    assert (oldest.findtext(f"{ATOM}title") or "").startswith("Release v")
    assert sum("#rule-" in h for h in _links(oldest)) >= 80


def test_scanned_card_says_whether_it_is_this_edition(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    from il2ref.load.edition import release_or_commit

    ref = release_or_commit(ROOT)
    box = "[data-edition-check]"
    page.goto(site_url + "quick-reference/")
    assert page.locator(box).is_hidden()  # opened without the QR code: nothing to say
    page.goto(site_url + f"quick-reference/?edition={ref}")
    assert page.locator(f"{box} [data-same]").is_visible()
    assert page.locator(f"{box} [data-differs]").is_hidden()
    assert page.locator(f"{box} [data-printed]").text_content() == ref
    page.goto(site_url + "quick-reference/?edition=v0.0.1")
    assert page.locator(f"{box} [data-differs]").is_visible()
    assert page.locator(f"{box} [data-same]").is_hidden()
    page.locator(f"{box} [data-differs] a").click()
    page.wait_for_url("**/changes/")


def test_report_from_a_linked_rule_names_that_rule(edited_site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    corpus, _ = load_corpus(ROOT)
    rule = next(r for r in corpus.rules() if r.page == "renal")
    claim = next(p for p in corpus.pages if p.slug == "renal").excerpts()[0]
    page = browser.new_page()
    page.route("https://github.com/**", lambda route: route.fulfill(body="form"))
    with serve(edited_site) as url:
        base = f"{url}renal/"
        for fragment, statement in ((rule.id, [rule.id]), (claim.id, [claim.id]),
                                    ("references", None)):
            page.goto(f"{base}#{fragment}")
            with page.expect_request("https://github.com/**") as request:
                page.click("p.report-error a")
            query = parse_qs(urlsplit(request.value.url).query)
            assert query.get("statement") == statement, fragment
            assert query["page"] == ["renal/"]
        # Arrived at the rule, then read on and clicked another statement: that one is named.
        other = next(p for p in corpus.pages if p.slug == "renal").excerpts()[1]
        page.goto(f"{base}#{rule.id}")
        page.click(f'[id="{other.id}"]')
        with page.expect_request("https://github.com/**") as request:
            page.click("p.report-error a")
        assert parse_qs(urlsplit(request.value.url).query).get("statement") == [other.id]
        # And one whose text they selected.
        page.goto(f"{base}#{rule.id}")
        page.evaluate("""id => { const r = document.createRange();
            r.selectNodeContents(document.getElementById(id));
            getSelection().removeAllRanges(); getSelection().addRange(r); }""", claim.id)
        page.wait_for_timeout(100)  # selectionchange is dispatched asynchronously
        with page.expect_request("https://github.com/**") as request:
            page.click("p.report-error a")
        assert parse_qs(urlsplit(request.value.url).query).get("statement") == [claim.id]
    page.close()
