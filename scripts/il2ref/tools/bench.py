"""`make bench`: build time, rebuild time, validation time and memory on synthetic corpora.

Each corpus uses the real schema, hook, templates and plugins. The floor is the same generated
Markdown built as a plain Material site (search only: no hook, no bibtex), run alternately
with the real build so both see the same machine load. Medians of several runs.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from il2ref.core import dosing
from il2ref.core.dates import build_date
from il2ref.core.progress import stage
from il2ref.load import bibliography, shape
from il2ref.load.config import read_config
from il2ref.load.corpus import load_corpus
from il2ref.load.edition import edition_id
from il2ref.site.pages import generated_pages, nav

WORDS = [
    "patients", "receiving", "high", "dose", "interleukin", "showed", "reversible", "changes",
    "in", "blood", "pressure", "renal", "function", "hepatic", "tests", "platelet", "counts",
    "weight", "oedema", "oxygen", "needs", "during", "each", "cycle", "and", "these",
    "settled", "after", "doses", "were", "withheld",
]
EXCERPTS_PER_PAGE = 10
BIB_ENTRIES = 2000


def _bib(n: int) -> str:
    return "\n".join(
        f"@article{{synth{i:04d},\n  author = {{Author{i}, A. and Second, B.}},\n"
        f"  title = {{Synthetic study number {i}}},\n  journal = {{Journal of Benchmarks}},\n"
        f"  year = {{{1980 + i % 45}}},\n  volume = {{{i % 50 + 1}}},\n"
        f"  pages = {{{i}--{i + 7}}}\n}}\n" for i in range(n))


def _page(rng: random.Random, number: int) -> dict:
    def sources() -> list[dict]:
        return [{"key": f"synth{rng.randrange(BIB_ENTRIES):04d}", "locator": f"Table {k + 1}"}
                for k in range(rng.choice((1, 1, 2)))]

    excerpts = [{
        "id": f"p{number}-e{j}", "claim": " ".join(rng.choices(WORDS, k=24)) + ".",
        "sources": sources(), "evidence": "cohort", "topic": "renal",
        **({"key_fact": True} if j == 0 else {}),
    } for j in range(EXCERPTS_PER_PAGE)]
    return {
        "title": f"Synthetic page {number}", "summary": "A synthetic page for the benchmark.",
        "reviewed": "2026-11-23", "group": "Organ systems", "order": number, "topic": "renal",
        "sections": [{"id": "findings", "title": "Findings", "excerpts": excerpts,
                      "insert": "page-rules"}],
        "rules": [{"id": f"p{number}-rule", "system": "renal", "framework": "consensus-2014",
                   "action": "hold-dose", "tier": "relative", "criterion": "Serum creatinine",
                   "threshold": {"measure": "creatinine", "comparator": "range", "low": 2.5,
                                 "high": 2.9, "unit": "mg/dL"},
                   "sources": sources()}],
    }


def make_corpus(root: Path, dest: Path, excerpts: int | None) -> Path:
    """A full project at `dest`: the real configuration and pages, plus synthetic data up to
    `excerpts` in all (None: the real project alone)."""
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "docs" / "data").mkdir(parents=True)
    shutil.copy(root / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(root / "scripts", dest / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for item in (root / "docs").iterdir():
        if item.name != "data":
            (shutil.copytree if item.is_dir() else shutil.copy)(item, dest / "docs" / item.name)
    # The real pages stay (hand-written pages link to them); synthetic pages make up the rest.
    for data in (root / "docs" / "data").glob("*.yaml"):
        shutil.copy(data, dest / "docs" / "data" / data.name)
    if excerpts is None:
        shutil.copy(root / "references.bib", dest / "references.bib")
        return dest
    excerpts -= len(load_corpus(root)[0].excerpts())
    real_bib = (root / "references.bib").read_text(encoding="utf-8")
    (dest / "references.bib").write_text(real_bib + "\n" + _bib(BIB_ENTRIES), encoding="utf-8")
    rng = random.Random(excerpts)
    for number in range(excerpts // EXCERPTS_PER_PAGE):
        text = yaml.safe_dump(_page(rng, number), sort_keys=False, allow_unicode=True)
        (dest / "docs" / "data" / f"page-{number:04d}.yaml").write_text(text, encoding="utf-8")
    return dest


def make_floor(project: Path, dest: Path) -> Path:
    """Every page the real site has (hand-written and generated, the same Markdown), built by
    plain Material with the same theme, navigation and Markdown extensions: search only, no
    hook, no bibtex. What is left between the two is the cost of the pipeline and the citations."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(project / "docs", dest / "docs", ignore=shutil.ignore_patterns("data"))
    corpus, _ = load_corpus(project)
    config = read_config(project)
    generated = generated_pages(corpus, project, built=build_date(),
                                edition=edition_id(project),
                                review_interval_days=config["extra"]["review_interval_days"],
                                directory_urls=True)
    for path, markdown in generated.pages:
        (dest / "docs" / path).write_text(markdown, encoding="utf-8")
    for path, content in generated.files:  # the change feed
        (dest / "docs" / path).write_bytes(content)
    for key in ("hooks", "watch", "validation"):
        config.pop(key, None)
    config["theme"]["custom_dir"] = str(project / config["theme"]["custom_dir"])
    config["nav"] = nav(config["nav"], corpus)  # the site's navigation (the hook sets it)
    config["strict"] = False  # [@key] stays literal text without the bibtex plugin
    config["plugins"] = ["search"]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return dest


def make_plain(floor: Path, dest: Path) -> Path:
    """The same pages' words as the floor, built as plainly as Material allows: no Markdown
    extensions, no navigation, no custom templates, no citations (search only). The real
    site's cost against it is everything the reference adds."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(floor / "docs", dest / "docs")
    config = {"site_name": "Plain", "theme": {"name": "material", "font": False},
              "plugins": ["search"], "strict": False}
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return dest


TARGETS = {"ratio_to_floor": 1.3, "ratio_to_plain": 2.0, "validate_s": 2.0,
           "edit_to_reload_s": 1.0, "suite_s": 360.0}


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    with open(os.devnull, "wb") as quiet, subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=quiet, stderr=subprocess.PIPE) as proc:
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}: {stderr}")
    return seconds, usage.ru_maxrss / 1024


def _tool(module: str, project: Path, *args: str) -> str:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=project, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return out.stdout.strip().splitlines()[-1]


def _rebuild(project: Path, site: Path) -> float:
    return float(_tool("il2ref.tools.rebuild_probe", project, str(site)))


def _profile(project: Path) -> dict[str, float]:
    return dict(json.loads(_tool("il2ref.tools.build_profile", project)))


def _edit_to_reload(project: Path, edits: int) -> tuple[float, float]:
    """Medians: until the reload's response holds the edit, and until the browser shows it."""
    response, shown = _tool("il2ref.tools.serve_probe", project, str(edits)).split()
    return float(response), float(shown)


def measure(root: Path, excerpts: int | None, runs: int, work: Path) -> dict[str, object]:
    name = "real" if excerpts is None else str(excerpts)
    corpus_name = "real site" if excerpts is None else f"{excerpts:,} excerpts"
    with stage("bench", f"{corpus_name}: writing the corpus and its floor"):
        project = make_corpus(root, work / f"corpus-{name}", excerpts)
        floor = make_floor(project, work / f"floor-{name}")
        plain = make_plain(floor, work / f"plain-{name}") if excerpts is None else None
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir"]
    validate, build, floor_s, plain_s, rss = [], [], [], [], []
    # A fresh clone has no .cache/: pandoc formats every reference and the schema is compiled.
    # Reported on their own; the runs below are rebuilds.
    shutil.rmtree(project / ".cache", ignore_errors=True)
    with stage("bench", f"{corpus_name}: cold validation (median of 3) and first build"):
        colds = []
        for _ in range(3):  # one run is at the mercy of whatever else the machine does
            # make_floor validated in this process: compile and parse afresh each time.
            shape._fast.cache_clear()
            bibliography.parsed.cache_clear()
            dosing.accepted.cache_clear()
            start = time.perf_counter()
            load_corpus(project)
            colds.append(time.perf_counter() - start)
        validate_cold = statistics.median(colds)
        shutil.rmtree(project / ".cache", ignore_errors=True)
        first, peak = _timed([*mkdocs, str(work / "site")], project)
    rss.append(peak)
    for run in range(runs):
        with stage("bench", f"{corpus_name}: run {run + 1} of {runs} (validate, build, floor"
                            f"{', plain' if plain else ''})"):
            start = time.perf_counter()
            load_corpus(project)
            validate.append(time.perf_counter() - start)
            seconds, peak = _timed([*mkdocs, str(work / "site")], project)
            build.append(seconds)
            rss.append(peak)
            floor_s.append(_timed([*mkdocs, str(work / "floor-site")], floor)[0])
            if plain is not None:
                plain_s.append(_timed([*mkdocs, str(work / "plain-site")], plain)[0])
    with stage("bench", f"{corpus_name}: rebuilds after an edit"):
        rebuild = [_rebuild(project, work / "site") for _ in range(max(1, runs // 2))]
    with stage("bench", f"{corpus_name}: profile of one build and of its floor"):
        profile = {"build": _profile(project), "floor": _profile(floor)}
    with stage("bench", f"{corpus_name}: edit to reload under mkdocs serve, in Chromium"):
        reload_s, shown_s = _edit_to_reload(project,
                                            5 if excerpts is None or excerpts <= 1000 else 2)
    corpus, _ = load_corpus(project)
    row: dict[str, object] = {
        "corpus": "real site" if excerpts is None else "synthetic",
        "excerpts": len(corpus.excerpts()), "pages": len(corpus.pages),
        "validate_s": round(validate_cold, 3),
        "validate_cached_s": round(statistics.median(validate), 3),
        "build_s": round(statistics.median(build), 2),
        "first_build_s": round(first, 2),
        "rebuild_s": round(statistics.median(rebuild), 2),
        "edit_to_reload_s": round(reload_s, 2),
        "edit_to_shown_s": round(shown_s, 2),
        "floor_s": round(statistics.median(floor_s), 2),
        "ratio_to_floor": round(statistics.median(build) / statistics.median(floor_s), 2),
        "peak_rss_mb": round(max(rss), 1),
        "profile": profile,
    }
    targets = {"ratio_to_floor": TARGETS["ratio_to_floor"]}
    if excerpts is None:
        targets["edit_to_reload_s"] = TARGETS["edit_to_reload_s"]
        row["plain_s"] = round(statistics.median(plain_s), 2)
        row["ratio_to_plain"] = round(statistics.median(build) / statistics.median(plain_s), 2)
        targets["ratio_to_plain"] = TARGETS["ratio_to_plain"]
    elif excerpts >= 10000:
        targets["validate_s"] = TARGETS["validate_s"]
    row["targets"] = targets
    return row


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return "–"
    text = str(value)
    target = row.get("targets", {}).get(key)
    if target is None:
        return text
    met = value <= target
    return f"{text} ({'meets' if met else 'misses'} ≤ {target:g})"


def table(results: list[dict[str, Any]]) -> str:
    head = ("| Corpus | Excerpts | Pages | Validate, compiling the schema (s) "
            "| Validate again (s) "
            "| Full build (s) | First build, empty .cache (s) "
            "| Rebuild after one edit (s) | Edit to reload, make serve (s) | … shown (s) "
            "| Floor (s) | Build / floor | Plain (s) | Build / plain | Peak memory (MB) |")
    lines = [head, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r.get('corpus', 'synthetic')} | {r['excerpts']:,} | {r['pages']:,} | "
              f"{_cell(r, 'validate_s')} | {r.get('validate_cached_s', '–')} | "
              f"{r['build_s']} | {r.get('first_build_s', '–')} | "
              f"{r['rebuild_s']} | {_cell(r, 'edit_to_reload_s')} | "
              f"{r.get('edit_to_shown_s', '–')} | {r['floor_s']} | "
              f"{_cell(r, 'ratio_to_floor')} | {_cell(r, 'plain_s')} | "
              f"{_cell(r, 'ratio_to_plain')} | {r['peak_rss_mb']} |" for r in results]
    return "\n".join(lines) + "\n"


def profile_table(results: list[dict[str, Any]]) -> str:
    """Per corpus, each stage's seconds in one build and in its floor, largest gap first."""
    out = []
    for r in results:
        profile = r.get("profile")
        if not profile:
            continue
        name = "Real site" if r.get("corpus") == "real site" else f"{r['excerpts']:,} excerpts"
        ours, floor = profile["build"], profile["floor"]
        stages = sorted(set(ours) | set(floor) - {"total"},
                        key=lambda k: -(ours.get(k, 0) - floor.get(k, 0)))
        out += [f"**{name}** (one clean build each: {ours['total']} s against "
                f"{floor['total']} s)", "",
                "| Stage | Build (s) | Floor (s) | Difference (s) |", "|---|---|---|---|"]
        out += [f"| {k} | {ours.get(k, 0)} | {floor.get(k, 0)} | "
                f"{round(ours.get(k, 0) - floor.get(k, 0), 3):+} |"
                for k in stages if k != "total" and max(ours.get(k, 0), floor.get(k, 0)) >= 0.01]
        out.append("")
    return "\n".join(out)


def suite_time(root: Path) -> dict[str, object]:
    """`make test`'s pytest, timed as CI runs it (two workers)."""
    with stage("bench", "the test suite (make test's pytest, two workers)"):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile",
                              "-q", "-p", "no:cacheprovider"], cwd=root,
                             capture_output=True, text=True)
        seconds = time.perf_counter() - start
    summary = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return {"suite_s": round(seconds, 1), "result": summary, "passed": out.returncode == 0,
            "targets": {"suite_s": TARGETS["suite_s"]}}


def suite_line(suite: dict[str, Any]) -> str:
    met = "meets" if suite["suite_s"] <= suite["targets"]["suite_s"] else "misses"
    return (f"\nThe test suite (`make test`'s pytest, two workers): {suite['suite_s']} s "
            f"({met} ≤ {suite['targets']['suite_s']:g} s); {suite['result']}.\n")


def main() -> int:
    root = Path.cwd()
    work = root / ".build" / "bench"
    sizes = [None if s == "real" else int(s)
             for s in os.environ.get("BENCH_SIZES", "real,1000,10000").split(",")]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    results = []
    for n in sizes:
        # The real site builds in about a second, where noise is a few percent: more runs.
        count = 3 * runs if n is None else runs if n <= 1000 else max(1, runs - 1)
        results.append(measure(root, n, count, work))
        print(json.dumps({k: v for k, v in results[-1].items() if k != "profile"}), flush=True)
    suite = suite_time(root) if os.environ.get("BENCH_SUITE", "1") != "0" else None
    out = root / "bench"
    out.mkdir(exist_ok=True)
    record = {"corpora": results, "suite": suite}
    (out / "results.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    text = table(results)
    if suite is not None:
        text += suite_line(suite)
    (out / "results.md").write_text(text, encoding="utf-8")
    (out / "profile.md").write_text(profile_table(results), encoding="utf-8")
    print(text)
    if os.environ.get("BENCH_SEARCH", "1") != "0":  # the search benchmark (issue #26)
        from il2ref.tools.search_bench import main as search_main

        return search_main()
    return 0
