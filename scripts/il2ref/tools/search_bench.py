"""The search benchmark (issue #26): bedside and study questions typed into the site's real
search box in Chromium, scored by where the page that answers lands among distinct pages.

The questions are public (`tests/search/questions.yaml`), written from the sources and from
how clinicians phrase questions, not from the site's headings. The suite runs them online and
from the offline zip and holds the scores to their floor; `make bench` writes them, per kind
of question and per kind of wording, to `bench/search.md`, which the Performance page shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

QUESTIONS = Path("tests/search/questions.yaml")
KINDS = ("threshold", "what-to-give", "restart", "expected-or-warning", "patient", "drug-dose",
         "study", "vocabulary")
WORDS = ("source", "lay", "nursing", "us", "uk", "abbreviation", "brand", "misspelling")
BOX = "input.md-search__input"
LINKS = ".md-search-result__list > li > a.md-search-result__link"
META = ".md-search-result__meta"


@dataclass(frozen=True)
class Question:
    query: str
    page: str  # the slug of the page that answers
    expect: str  # a pattern the page's source must hold: the fact the answer depends on
    kind: str
    words: str


@dataclass(frozen=True)
class Answer:
    question: Question
    pages: tuple[str, ...]  # distinct result pages, best first, as slugs ("" for the home page)

    @property
    def rank(self) -> int | None:
        return self.pages.index(self.question.page) + 1 if self.question.page in self.pages \
            else None


def load_questions(root: Path) -> list[Question]:
    data = yaml.safe_load((root / QUESTIONS).read_text(encoding="utf-8"))
    return [Question(**{k: str(v) for k, v in entry.items()}) for entry in data]


def problems(questions: list[Question], root: Path) -> list[str]:
    """What is wrong with the benchmark itself: each question must be well formed, and the page
    it names must hold its `expect` (so a question never asks for what the site lacks)."""
    out: list[str] = []
    seen: set[str] = set()
    for q in questions:
        where = f"{q.query!r}"
        if q.query.lower() in seen:
            out.append(f"{where}: asked twice")
        seen.add(q.query.lower())
        if not 1 <= len(q.query.split()) <= 5:
            out.append(f"{where}: a query is 1–5 words")
        if q.kind not in KINDS or q.words not in WORDS:
            out.append(f"{where}: kind {q.kind!r} / words {q.words!r} not in the lists")
        source = next((p for p in (root / "docs" / "data" / f"{q.page}.yaml",
                                   root / "docs" / f"{q.page}.md") if p.exists()), None)
        if source is None:
            out.append(f"{where}: no page {q.page!r}")
        elif not re.search(q.expect, source.read_text(encoding="utf-8")):
            out.append(f"{where}: {source.relative_to(root)} does not hold {q.expect!r}")
    return out


def _slug(path: str) -> str:
    """A result's path below the site's root ('renal/', 'renal.html', 'renal/index.html',
    'index.html', '') -> 'renal' or '' (the home page)."""
    path = re.sub(r"(^|/)index\.html$", "", path.rstrip("/"))
    return path.removesuffix(".html").rstrip("/").rsplit("/", 1)[-1]


# The steps `ask` takes, run in the page in one call: one Playwright round trip per question
# instead of dozens of polls (the benchmark's 242 questions took about a minute each way).
_ASK = """async ([box, links, meta, query]) => {
  const input = document.querySelector(box);
  const say = () => (document.querySelector(meta) || {}).textContent || "";
  const type = (text) => {  // Material queries on keyup: setting the value alone sends none
    input.focus();
    input.value = text;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent("keyup", {key: "End", bubbles: true}));
  };
  const until = async (done) => {
    for (let i = 0; i < 2000; i++) {  // at most 10 s
      if (done()) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return false;
  };
  type("");
  // The last query's list and its "No matching documents" gone: the next list is this one's.
  if (!await until(() => !document.querySelector(links) && !say().includes("No matching")))
    throw new Error("the search box did not empty");
  type(query);
  const read = () => [...document.querySelectorAll(links)].map((e) =>
    decodeURIComponent(new URL(e.href).pathname).slice(
      decodeURIComponent(location.pathname).replace(/[^/]*$/, "").length));
  await until(() => read().length > 0 || say().includes("No matching"));
  return read();
}"""


def ask(page: Any, query: str) -> tuple[str, ...]:
    """Type a query into the search box as a whole (one input event, as a paste would) and read
    the distinct result pages Material lists for it, as paths below the folder of the page the
    box is on (online or from disk). The box is emptied first, so the list read is this
    query's: Material sends the worker one query per keystroke and draws its answer at once,
    so the first list after emptying is the answer."""
    found: list[str] = page.evaluate(_ASK, [BOX, LINKS, META, query])
    seen: list[str] = []
    for href in found:
        slug = _slug(href)
        if slug not in seen:
            seen.append(slug)
    return tuple(seen)


def run(page: Any, home: str, questions: Iterable[Question]) -> list[Answer]:
    page.goto(home)
    page.click(BOX)
    return [Answer(q, ask(page, q.query)) for q in questions]


@dataclass(frozen=True)
class Score:
    asked: int
    top1: int
    top3: int

    @property
    def top1_pct(self) -> float:
        return 100 * self.top1 / self.asked if self.asked else 0.0

    @property
    def top3_pct(self) -> float:
        return 100 * self.top3 / self.asked if self.asked else 0.0


def score(answers: Iterable[Answer]) -> Score:
    ranks = [a.rank for a in answers]
    return Score(len(ranks), sum(r == 1 for r in ranks),
                 sum(r is not None and r <= 3 for r in ranks))


def scores(answers: list[Answer]) -> dict[str, dict[str, Score]]:
    """Overall, per kind of question and per kind of wording."""
    return {
        "all": {"all": score(answers)},
        "kind": {k: score(a for a in answers if a.question.kind == k) for k in KINDS},
        "words": {w: score(a for a in answers if a.question.words == w) for w in WORDS},
    }


def markdown(by_edition: dict[str, list[Answer]], *, edition: str) -> str:
    """The table the Performance page shows."""
    lines = [f"Measured at {edition}: each question typed into the search box in Chromium; "
             "a question counts when the page that answers it is the first (top-1) or among the "
             "first three (top-3) distinct pages listed.", ""]
    names = list(by_edition)
    head = " | ".join(f"{n} top-1 | {n} top-3" for n in names)
    lines += [f"| Questions | Asked | {head} |", "|---" * (2 + 2 * len(names)) + "|"]
    tables = {n: scores(a) for n, a in by_edition.items()}
    first = tables[names[0]]
    for group, label in (("all", "All"), ("kind", "Kind"), ("words", "Words")):
        for key, s in first[group].items():
            if not s.asked:
                continue
            cells = " | ".join(f"{tables[n][group][key].top1_pct:.0f}% | "
                               f"{tables[n][group][key].top3_pct:.0f}%" for n in names)
            name = "**All questions**" if group == "all" else f"{label}: {key}"
            lines.append(f"| {name} | {s.asked} | {cells} |")
    missed = [a for a in by_edition[names[0]] if a.rank != 1]
    if missed:
        def where(a: Answer) -> str:
            return f"at {a.rank}" if a.rank else f"not in the first {len(a.pages)}"
        lines += ["", f"Not first ({names[0]}): " + "; ".join(
            f"“{a.question.query}” → {a.question.page} ({where(a)})" for a in missed)]
    return "\n".join(lines) + "\n"


def as_json(by_edition: dict[str, list[Answer]]) -> str:
    out = {name: {"scores": {g: {k: asdict(s) for k, s in t.items()}
                             for g, t in scores(answers).items()},
                  "answers": [{"query": a.question.query, "page": a.question.page,
                               "rank": a.rank, "pages": list(a.pages[:5])} for a in answers]}
           for name, answers in by_edition.items()}
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def _serve(folder: Path) -> tuple[Any, str]:
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def main() -> int:
    """`make bench`'s search part: build the site and the offline edition, ask every question
    of both, and write bench/search.md (the Performance page's table) and bench/search.json."""
    import os
    import shutil
    import subprocess
    import sys

    from playwright.sync_api import sync_playwright

    from il2ref.core.progress import stage
    from il2ref.editions.chromium import CHROMIUM, CHROMIUM_ARGS
    from il2ref.editions.export import SHIM
    from il2ref.load.edition import commit

    root = Path.cwd()
    questions = load_questions(root)
    wrong = problems(questions, root)
    if wrong:
        print("the benchmark itself is wrong:\n" + "\n".join(wrong), file=sys.stderr)
        return 1
    work = root / ".build" / "search-bench"
    shutil.rmtree(work, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for name, config in (("online", "mkdocs.yml"), ("offline", "mkdocs.offline.yml")):
        with stage("search bench", f"building the {name} site"):
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f",
                            config, "--site-dir", str(work / name)], cwd=root, env=env,
                           check=True)
    shim = work / "offline" / "assets" / "javascripts" / "iframe-worker-shim.js"
    shutil.copy(root / SHIM, shim)  # as the export does: search from file:// needs it
    server, url = _serve(work / "online")
    answers: dict[str, list[Answer]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, home in (("online", url),
                               ("offline zip", (work / "offline" / "index.html").as_uri())):
                with stage("search bench", f"{len(questions)} questions, {name}"):
                    answers[name] = run(browser.new_page(), home, questions)
                s = score(answers[name])
                print(f"search bench: {name}: top-1 {s.top1_pct:.0f}%, top-3 {s.top3_pct:.0f}%",
                      flush=True)
            browser.close()
    finally:
        server.shutdown()
    out = root / "bench"
    out.mkdir(exist_ok=True)
    # The commit, not the edition id: the page showing this table carries its own edition.
    measured = f"commit {commit(root)}"
    (out / "search.md").write_text(markdown(answers, edition=measured), encoding="utf-8")
    (out / "search.json").write_text(as_json(answers), encoding="utf-8")
    print("search bench: wrote bench/search.md and bench/search.json")
    return 0
