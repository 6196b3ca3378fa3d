"""`make serve` survives an editor's mistake (issue #25): the last good site stays served, the
error (file:line:col, code) is on every page as well as in the terminal, and the site recovers
by itself once the file is fixed. Before, every request hung until the file was fixed."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ENV, MKDOCS, copy_project

BOMB = "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i else "x"] * 10) + "]\n"
               for i in range(30))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - localhost
        return str(response.read().decode("utf-8"))


def _until(url: str, wanted: str, present: bool = True, limit: float = 90) -> str:
    """The page once `wanted` is (or is no longer) in it: each request must answer quickly."""
    end = time.monotonic() + limit
    while True:
        page = _get(url)
        if (wanted in page) is present or time.monotonic() > end:
            return page
        time.sleep(0.5)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    port = _port()
    # Live reload on: without it MkDocs does not watch the files at all.
    server = subprocess.Popen([*MKDOCS, "serve", "--strict", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        end = time.monotonic() + 120
        while True:
            try:
                _get(url + "renal/", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > end:
                    raise AssertionError(server.stdout.read() if server.stdout else "") from None
                time.sleep(0.5)
        yield project, url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("mistake", ["a wrong field", "an alias bomb"])
def test_a_mistake_keeps_the_last_good_site_with_the_error_on_the_page(
        served: tuple[Path, str], mistake: str) -> None:
    project, url = served
    renal = project / "docs" / "data" / "renal.yaml"
    good = renal.read_text(encoding="utf-8")
    assert "Serum creatinine" in _get(url + "renal/")
    if mistake == "a wrong field":
        target, broken = renal, good.replace("\ntopic: renal\n", "\ntopic: kidneyz\n", 1)
        where = "docs/data/renal.yaml:11:8: topic:"
    else:
        target, broken = project / "docs" / "data" / "bomb.yaml", BOMB
        where = "[E006]"  # refused in milliseconds, at the block the aliases copy
    assert broken != good
    target.write_text(broken, encoding="utf-8")
    try:
        page = _until(url + "renal/", "The data has errors")
        assert "The data has errors: this page shows the last good data" in page
        assert where in page and "Serum creatinine" in page  # the error, and the last good page
        assert "The data has errors" in _get(url + "management/")  # every page says so
    finally:
        if target == renal:
            renal.write_text(good, encoding="utf-8")
        else:
            target.unlink()
    page = _until(url + "renal/", "The data has errors", present=False)
    assert "The data has errors" not in page and "Serum creatinine" in page


def test_a_saved_edit_reloads_the_open_page_by_itself(served: tuple[Path, str],
                                                       browser: Any) -> None:
    """The editor's loop (issue #27): the page open in the browser reloads after a save and
    shows the edit, with no click. The page's Content-Security-Policy had blocked MkDocs'
    live-reload script, so no save ever reloaded a page. (Timings: `make bench`.)"""
    project, url = served
    renal = project / "docs" / "data" / "renal.yaml"
    good = renal.read_text(encoding="utf-8")
    page = browser.new_page()
    page.goto(url + "renal/")
    page.wait_for_timeout(1000)  # live reload's long poll is open
    marker = "Reloadedbyitself"
    renal.write_text(good.replace("claim: ", f"claim: {marker} ", 1), encoding="utf-8")
    try:
        # No reload, goto or click here: only MkDocs' script can bring the edit in.
        page.wait_for_function("(m) => !!document.body && document.body.innerText.includes(m)",
                               arg=marker, timeout=60_000)
    finally:
        renal.write_text(good, encoding="utf-8")
        page.close()
