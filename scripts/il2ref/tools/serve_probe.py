"""Edit to reload under `mkdocs serve`, as an editor lives it: run by `make bench` in a project
folder. Starts the server, opens the edited page in Chromium, then saves a YAML edit several
times; each time, the seconds from the file's write until the browser's reload receives the
page holding the edit (the issue's measure, "the first response that holds it"), and until
the browser shows it. The edit is undone at the end."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_served(url: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mkdocs serve stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"mkdocs serve did not answer {url} within {timeout:.0f} s")


def edited_file(project: Path) -> Path:
    """The page file both probes edit: the first in name order."""
    return sorted((project / "docs" / "data").glob("*.yaml"))[0]


def measure(project: Path, edits: int = 5, timeout: float = 600
            ) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    from il2ref.editions.chromium import CHROMIUM, CHROMIUM_ARGS

    data = edited_file(project)
    text = data.read_text(encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{data.stem}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "-a",
                               f"127.0.0.1:{port}"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds: list[float] = []  # until the reloaded page's response holds the edit
    shown: list[float] = []  # until the browser shows it
    try:
        _wait_until_served(url, server, timeout)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            time.sleep(1.0)  # livereload's long poll is open
            for n in range(edits):
                mark = f"Edit{n}mark{os.getpid()}"
                saved = False
                while True:  # a reload from before the rebuild finished cannot hold the mark
                    # Waiting starts before the save, so no reload can come unseen.
                    with page.expect_response(
                            lambda r: r.url == url and r.request.resource_type == "document",
                            timeout=timeout * 1000) as response:
                        if not saved:
                            start = time.perf_counter()
                            data.write_text(text.replace("claim: ", f"claim: {mark} ", 1),
                                            encoding="utf-8")
                            saved = True
                    arrived = time.perf_counter() - start
                    if mark in response.value.text():
                        break
                # A function, not an expression: the page's policy forbids eval.
                page.wait_for_function(
                    "(mark) => !!document.body && document.body.innerText.includes(mark)",
                    arg=mark, timeout=timeout * 1000)
                seconds.append(arrived)
                shown.append(time.perf_counter() - start)
                time.sleep(0.5)  # the server is idle again before the next save
            browser.close()
    finally:
        data.write_text(text, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)
    return seconds, shown


def main() -> None:
    edits = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    seconds, shown = measure(Path.cwd(), edits)
    print("response:", " ".join(f"{s:.3f}" for s in seconds))
    print("shown:", " ".join(f"{s:.3f}" for s in shown))
    print(statistics.median(seconds), statistics.median(shown))


if __name__ == "__main__":
    main()
