"""The benchmark's synthetic corpora are real, valid projects (timings live in make bench)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, mkdocs_build
from il2ref.core.diagnostics import errors
from il2ref.load.config import read_config
from il2ref.load.corpus import load_corpus
from il2ref.site import nav as site_nav
from il2ref.site.pages import nav
from il2ref.tools.bench import make_corpus, make_floor, table


def test_synthetic_corpus_is_valid_and_sized(tmp_path: Path) -> None:
    project = make_corpus(ROOT, tmp_path / "corpus", 600)
    corpus, diagnostics = load_corpus(project)
    assert errors(diagnostics) == []
    assert 590 <= len(corpus.excerpts()) <= 610


def test_floor_builds_every_page_the_site_has(tmp_path: Path, built_site: Path) -> None:
    # A floor with fewer or smaller pages than the site would flatter nothing but the ratio.
    project = make_corpus(ROOT, tmp_path / "real", None)
    floor = make_floor(project, tmp_path / "floor")
    config = yaml.safe_load((floor / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "hooks" not in config
    hand_written = read_config(ROOT)["nav"]
    assert config["nav"] == nav(hand_written, load_corpus(project)[0])  # the site's own
    assert mkdocs_build(floor, tmp_path / "floor-site").returncode == 0

    def pages(site: Path) -> set[str]:
        return {str(p.relative_to(site)) for p in site.rglob("*.html")}

    assert pages(tmp_path / "floor-site") == pages(built_site)
    by_source = (tmp_path / "floor-site" / "by-source" / "index.html").read_text()
    assert by_source.count('class="record-id"') > 300


def test_results_table_shows_each_target_beside_its_number() -> None:
    row = {"corpus": "synthetic", "excerpts": 10000, "pages": 1000, "validate_s": 2.5,
           "validate_cached_s": 0.4, "build_s": 50.0, "first_build_s": 52.0, "rebuild_s": 1.9,
           "edit_to_reload_s": 9.0, "floor_s": 40.0, "ratio_to_floor": 1.25,
           "peak_rss_mb": 800.0, "targets": {"ratio_to_floor": 1.3, "validate_s": 2.0}}
    assert table([row]).splitlines()[2] == (
        "| synthetic | 10,000 | 1,000 | 2.5 (misses ≤ 2) | 0.4 | 50.0 | 52.0 | 1.9 | 9.0 | – "
        "| 40.0 | 1.25 (meets ≤ 1.3) | – | – | 800.0 |")


def test_the_profile_table_puts_the_largest_gap_over_the_floor_first() -> None:
    from il2ref.tools.bench import profile_table

    row = {"corpus": "real site", "excerpts": 381, "profile": {
        "build": {"Markdown to HTML (Python-Markdown)": 1.9, "config: il2ref hook": 0.5,
                  "total": 3.0},
        "floor": {"Markdown to HTML (Python-Markdown)": 1.7, "total": 2.0}}}
    lines = profile_table([row]).splitlines()
    assert lines[0] == "**Real site** (one clean build each: 3.0 s against 2.0 s)"
    assert lines[4:6] == ["| config: il2ref hook | 0.5 | 0 | +0.5 |",
                          "| Markdown to HTML (Python-Markdown) | 1.9 | 1.7 | +0.2 |"]


def test_large_groups_are_split_so_each_page_carries_a_short_navigation(tmp_path: Path) -> None:
    """At 1,000 pages a single group made every page 1,000 links long and the build quadratic:
    groups over NAV_PART pages are split into parts, which navigation.prune leaves closed."""
    real_excerpts = len(load_corpus(ROOT)[0].excerpts())  # the real site grows; the test does not
    project = make_corpus(ROOT, tmp_path / "corpus", real_excerpts + 260)  # 26 synthetic pages
    corpus, _ = load_corpus(project)
    hand_written = read_config(ROOT)["nav"]
    full = nav(hand_written, corpus)
    organ = next(item["Organ systems"] for item in full if "Organ systems" in item)
    assert all(len(next(iter(part.values()))) <= site_nav.NAV_PART for part in organ)
    flat = [page for part in organ for page in next(iter(part.values()))]
    assert len(flat) == sum(1 for p in corpus.pages if p.group == "Organ systems") > 30
    first_part = organ[0]
    title = next(iter(first_part))
    pages = first_part[title]
    assert title == f"{next(iter(pages[0]))} – {next(iter(pages[-1]))}"
    # The real site's groups are small: its navigation is unchanged, one level under a group.
    real = nav(hand_written, load_corpus(ROOT)[0])
    assert all(isinstance(v, str) for item in real for group in item.values()
               if isinstance(group, list) for page in group for v in page.values())
    config = read_config(ROOT)
    assert "navigation.prune" in config["theme"]["features"]  # the feature is on, not a comment


def test_the_bench_says_each_stage_as_it_starts_and_its_time(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Several minutes of benchmark are never silent: one line per corpus stage and run.
    (The builds themselves are stood in for: their timings belong to `make bench`.)"""
    from il2ref.tools import bench

    monkeypatch.setattr(bench, "_timed", lambda cmd, cwd: (0.5, 100.0))
    monkeypatch.setattr(bench, "_rebuild", lambda project, site: 0.5)
    monkeypatch.setattr(bench, "_profile", lambda project: {"total": 0.5})
    monkeypatch.setattr(bench, "_edit_to_reload", lambda project, edits: (0.5, 0.6))
    row = bench.measure(ROOT, 20, 1, tmp_path)
    said = capfd.readouterr().err
    assert re.findall(r"^bench: (.+?) … \d+\.\d s$", said, re.MULTILINE) == [
        "20 excerpts: writing the corpus and its floor",
        "20 excerpts: cold validation (median of 3) and first build",
        "20 excerpts: run 1 of 1 (validate, build, floor)",
        "20 excerpts: rebuilds after an edit",
        "20 excerpts: profile of one build and of its floor",
        "20 excerpts: edit to reload under mkdocs serve, in Chromium"], said
    assert row["ratio_to_floor"] == 1.0
