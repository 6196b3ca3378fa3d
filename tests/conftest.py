"""Shared fixtures: the real project, copies of it to break, a built site, and real Chromium."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from il2ref.editions.chromium import CHROMIUM, CHROMIUM_ARGS
from il2ref.editions.export import DRAFT_ENV
from il2ref.load.edition import ENV as EDITION_ENV
from il2ref.load.edition import REF_ENV, edition_id, release_or_commit

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
MKDOCS = [sys.executable, "-m", "mkdocs"]
# The build date is pinned, so the freshness tests ("no page overdue") mean the same on any
# day: with today's date they would start failing a year after the pages' last review.
BUILD_DATE = "2026-12-01"
os.environ["IL2REF_BUILD_DATE"] = BUILD_DATE  # in-process builds and exports too
# MkDocs dates the sitemap by this (midnight UTC of the build date): two builds of one run
# compare equal even across midnight.
os.environ["SOURCE_DATE_EPOCH"] = "1796083200"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


# `make test` runs two workers, each test file in one of them (`--dist loadfile`: a file's
# module fixtures are made once). The files that test the exported editions (the `dist`
# fixture, the whole export: about two minutes) share one worker, so only one exports; with
# a file each, both workers exported whenever the sheet's or the wallet's tests landed on the
# other. (xdist_group marks would say this, but pytest 9.2 drops their node id suffix:
# pytest-xdist issue #1386.) The heaviest files are handed out first, not the ones with the
# most tests (xdist's default), so no worker is left with a long one at the end.
EXPORT_FILES = ("tests/test_export.py", "tests/test_nursing_sheet.py", "tests/test_wallet.py")
FIRST = (*EXPORT_FILES, "tests/test_reader_quality.py", "tests/test_rule_tables.py",
         "tests/test_serve_rebuild.py", "tests/test_search_benchmark.py")


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None  # xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class ExportInOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "export" if _file(nodeid) in EXPORT_FILES else _file(nodeid)

    config.option.loadscopereorder = False  # the order below, not the most tests first
    return ExportInOneWorker(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(_file(item.nodeid), len(FIRST)))  # stable


def copy_project(dest: Path, *, cache: bool = True) -> Path:
    """A full copy of the real project (not .venv or site), for tests that change it.

    With the checkout's `.cache/` as far as its builds have filled it (each entry is named by a
    digest of everything it was made from, so a copy's build reuses only what the test left
    unchanged, as an editor's second build does: 2 s instead of 5 s here). A build with nothing
    kept is tested where it matters (test_serve_rebuild's copies start without it and its
    clean builds remove it; every run's first build of the checkout starts from nothing in CI).
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "mkdocs.offline.yml", "mkdocs.print.yml", "references.bib"):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("docs", "scripts"):
        shutil.copytree(ROOT / folder, dest / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    if cache and (ROOT / ".cache").is_dir():
        # A file another worker is writing is written under a temporary name and renamed.
        shutil.copytree(ROOT / ".cache", dest / ".cache", ignore=shutil.ignore_patterns("*.tmp"))
    return dest


WHO = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]


def released_clone(dest: Path, tag: str = "v98.0.0") -> Path:
    """A clone of this checkout holding its working tree (a developer's uncommitted work is
    what is tested), committed and tagged as a release: edits after it are "what changed"."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    shutil.rmtree(dest / "docs")
    shutil.rmtree(dest / "scripts")
    copy_project(dest)
    for args in (["commit", "-qam", "as checked out", "--allow-empty"],
                 ["tag", "-a", tag, "-m", "a release"]):
        subprocess.run(["git", *WHO, *args], cwd=dest, check=True, capture_output=True)
    return dest


def digest(folder: Path) -> str:
    """One hash of every file's path and bytes: equal digests mean an untouched folder."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(folder).as_posix().encode() + f.read_bytes())
    return h.hexdigest()


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project, env=ENV, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test run with --strict."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    return site


def print_page_misses(page: Any) -> list[str]:
    """What is wrong with a print page's (lxml tree's) in-page links: each one must land, and
    inside the page it names (mkdocs-print-site-plugin writes `#<page key>-<id>`), and no id
    may be used twice (the PDFs and the EPUB are made from this page)."""
    owner: dict[str, str] = {}
    wrong = []
    for element in page.iter():
        name = element.get("id") if isinstance(element.tag, str) else None
        if name is None:
            continue
        if name in owner:
            wrong.append(f"id used twice: {name}")
        sections = element.xpath("ancestor-or-self::section[contains(@class, 'print-page')]"
                                 "[not(contains(@class, 'md-section'))]/@id")
        owner[name] = sections[-1] if sections else ""
    for link in page.iter("a"):
        target = (link.get("href") or "")[1:]
        if not (link.get("href") or "").startswith("#") or not target:
            continue
        if target not in owner:
            wrong.append(f"lands nowhere: #{target}")
        elif owner[target] and not (target == owner[target]
                                    or target.startswith(owner[target] + "-")):
            wrong.append(f"lands in page {owner[target]!r}: #{target}")
    return wrong


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A built site over HTTP on a free local port, for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's `browser` and `page` fixtures, launching Debian's Chromium
    (Playwright cannot download its own here) off the closed network."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(browser: Any, urls: list[str], *, scheme: str, palette: str,
                   viewport: dict[str, int],
                   requests: list[str] | None = None) -> dict[str, list[str]]:
    """url -> axe-core's WCAG 2.1 AA violations there, in one palette at one width. Given a
    `requests` list, the same crawl also records every request the pages make, each page
    opened until the network is idle (one crawl instead of two)."""
    axe = AXE.read_text(encoding="utf-8")
    # axe is the test's own script, injected inline: the page's policy (checked on its own in
    # test_publishing and test_hostile_outputs) would rightly refuse it.
    context = browser.new_context(color_scheme=scheme, viewport=viewport, bypass_csp=True)
    if requests is not None:
        context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    found = {}
    for url in urls:
        # The light crawl, which records requests, checks each page once the network has been
        # quiet for 500 ms (anything fetched after the load is drawn by then); the dark one
        # at the load event. (Waiting while axe ran instead was measured, and reverted: axe
        # would then check the page before late content was drawn.)
        page.goto(url, wait_until="networkidle" if requests is not None else "load")
        assert page.get_attribute("body", "data-md-color-scheme") == palette
        page.add_script_tag(content=axe)
        # Only the violations are read: axe skips gathering every passing node.
        violations = page.evaluate(
            "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
            "resultTypes: ['violations']}))"
            ".violations.map(v => v.id + ': ' + v.nodes[0].html.slice(0, 120))", WCAG_AA)
        if violations:
            found[url] = violations
    context.close()
    return found


BUILT = "2026-01-02"  # the exported editions' date (their file names carry it)


# Session scope: pytest-playwright's session-wide browser parameter reorders the tests, which
# split this module's tests in two and made a module-scoped export run twice.
@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory, built_site: Path) -> Path:
    # After the checkout's own build (built_site), so the copy has its .cache/ to reuse.
    project = copy_project(tmp_path_factory.mktemp("export") / "project")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    # The copy is not a git checkout: it exports this checkout's edition, as an export of the
    # checkout itself would (the same variables `il2ref export` sets for its own builds).
    edition = {EDITION_ENV: edition_id(ROOT), REF_ENV: release_or_commit(ROOT)}
    # Its own process, as `make export` runs it (Playwright's sync API allows one per process).
    done = subprocess.run(
        [sys.executable, "-c", "import sys, pathlib; from il2ref.editions.export import "
         "export; export(pathlib.Path.cwd(), built=sys.argv[1])", BUILT],
        cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **edition,
                          DRAFT_ENV: "1"},  # the placeholder site_url is kept
        capture_output=True, text=True)
    (project / "export.log").write_text(done.stderr, encoding="utf-8")  # its stage lines
    assert done.returncode == 0, done.stderr[-3000:]
    return project / "dist"


@pytest.fixture(scope="session")
def names() -> dict[str, str]:
    """The exported files' names, by edition."""
    from il2ref import __version__
    from il2ref.core.editions import file_names

    return file_names(__version__, BUILT)


@pytest.fixture(scope="session")
def search_page(browser: Any, site_url: str) -> Iterator[Any]:
    """One page of the served site with its search box open, shared by every search test:
    each question is typed into the same box (il2ref.tools.search_bench.ask)."""
    page = browser.new_page()
    page.goto(site_url)
    page.click("input.md-search__input")
    yield page
    page.close()
