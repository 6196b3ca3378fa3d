"""The benchmark's synthetic corpora are real, valid projects (timings live in make bench)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from il2ref.bench import make_corpus, make_floor, table
from il2ref.corpus import load_corpus
from il2ref.diagnostics import errors


def test_synthetic_corpus_is_valid_and_sized(tmp_path: Path) -> None:
    project = make_corpus(ROOT, tmp_path / "corpus", 600)
    corpus, diagnostics = load_corpus(project)
    assert errors(diagnostics) == []
    assert 590 <= len(corpus.excerpts()) <= 610
    floor = make_floor(project, tmp_path / "floor")
    assert len(list((floor / "docs").glob("*.md"))) == len(corpus.pages) + 1


def test_results_table() -> None:
    row = {"excerpts": 10000, "pages": 1000, "validate_s": 1.5, "build_s": 50.0,
           "rebuild_s": 1.9, "floor_s": 40.0, "ratio_to_floor": 1.25, "peak_rss_mb": 800.0}
    assert table([row]).splitlines()[2] == (
        "| 10,000 | 1,000 | 1.5 | 50.0 | 1.9 | 40.0 | 1.25 | 800.0 |")
