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

from il2ref.core.dates import build_date
from il2ref.core.progress import stage
from il2ref.load import shape
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


def _rebuild(project: Path, site: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run([sys.executable, "-m", "il2ref.tools.rebuild_probe", str(site)],
                         cwd=project, env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return float(out.stdout.strip().splitlines()[-1])


def measure(root: Path, excerpts: int | None, runs: int, work: Path) -> dict[str, object]:
    name = "real" if excerpts is None else str(excerpts)
    corpus_name = "real site" if excerpts is None else f"{excerpts:,} excerpts"
    with stage("bench", f"{corpus_name}: writing the corpus and its floor"):
        project = make_corpus(root, work / f"corpus-{name}", excerpts)
        floor = make_floor(project, work / f"floor-{name}")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir"]
    validate, build, floor_s, rss = [], [], [], []
    # A fresh clone has no .cache/: pandoc formats every reference and the schema is compiled.
    # Reported on their own; the runs below are rebuilds.
    shutil.rmtree(project / ".cache", ignore_errors=True)
    shape._fast.cache_clear()  # make_floor validated in this process: compile afresh too
    with stage("bench", f"{corpus_name}: cold validation and first build"):
        start = time.perf_counter()
        load_corpus(project)
        validate_cold = time.perf_counter() - start
        shutil.rmtree(project / ".cache", ignore_errors=True)
        first, peak = _timed([*mkdocs, str(work / "site")], project)
    rss.append(peak)
    for run in range(runs):
        with stage("bench", f"{corpus_name}: run {run + 1} of {runs} (validate, build, floor)"):
            start = time.perf_counter()
            load_corpus(project)
            validate.append(time.perf_counter() - start)
            seconds, peak = _timed([*mkdocs, str(work / "site")], project)
            build.append(seconds)
            rss.append(peak)
            floor_s.append(_timed([*mkdocs, str(work / "floor-site")], floor)[0])
    with stage("bench", f"{corpus_name}: rebuilds after an edit"):
        rebuild = [_rebuild(project, work / "site") for _ in range(max(1, runs // 2))]
    corpus, _ = load_corpus(project)
    return {
        "corpus": "real site" if excerpts is None else "synthetic",
        "excerpts": len(corpus.excerpts()), "pages": len(corpus.pages),
        "validate_s": round(validate_cold, 3),
        "validate_cached_s": round(statistics.median(validate), 3),
        "build_s": round(statistics.median(build), 2),
        "first_build_s": round(first, 2),
        "rebuild_s": round(statistics.median(rebuild), 2),
        "floor_s": round(statistics.median(floor_s), 2),
        "ratio_to_floor": round(statistics.median(build) / statistics.median(floor_s), 2),
        "peak_rss_mb": round(max(rss), 1),
    }


def table(results: list[dict[str, Any]]) -> str:
    head = ("| Corpus | Excerpts | Pages | Validate, compiling the schema (s) "
            "| Validate again (s) "
            "| Full build (s) | First build, empty .cache (s) "
            "| Rebuild after one edit (s) | Floor (s) | Build / floor | Peak memory (MB) |")
    lines = [head, "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r.get('corpus', 'synthetic')} | {r['excerpts']:,} | {r['pages']:,} | "
              f"{r['validate_s']} | {r.get('validate_cached_s', '–')} | "
              f"{r['build_s']} | {r.get('first_build_s', '–')} | "
              f"{r['rebuild_s']} | {r['floor_s']} | {r['ratio_to_floor']} | "
              f"{r['peak_rss_mb']} |" for r in results]
    return "\n".join(lines) + "\n"


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
        print(json.dumps(results[-1]), flush=True)
    out = root / "bench"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / "results.md").write_text(table(results), encoding="utf-8")
    print(table(results))
    if os.environ.get("BENCH_SEARCH", "1") != "0":  # the search benchmark (issue #26)
        from il2ref.tools.search_bench import main as search_main

        return search_main()
    return 0
