"""The benchmark's synthetic corpora are real, valid projects (timings live in make bench)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, mkdocs_build
from il2ref.bench import make_corpus, make_floor, table
from il2ref.corpus import load_corpus
from il2ref.diagnostics import errors


def test_synthetic_corpus_is_valid_and_sized(tmp_path: Path) -> None:
    project = make_corpus(ROOT, tmp_path / "corpus", 600)
    corpus, diagnostics = load_corpus(project)
    assert errors(diagnostics) == []
    assert 590 <= len(corpus.excerpts()) <= 610


def test_floor_builds_every_page_the_site_has(tmp_path: Path, built_site: Path) -> None:
    # A floor with fewer or smaller pages than the site would flatter nothing but the ratio.
    floor = make_floor(make_corpus(ROOT, tmp_path / "real", None), tmp_path / "floor")
    assert "hooks" not in (floor / "mkdocs.yml").read_text()
    assert mkdocs_build(floor, tmp_path / "floor-site").returncode == 0

    def pages(site: Path) -> set[str]:
        return {str(p.relative_to(site)) for p in site.rglob("*.html")}

    assert pages(tmp_path / "floor-site") == pages(built_site)
    by_source = (tmp_path / "floor-site" / "by-source" / "index.html").read_text()
    assert by_source.count('class="record-id"') > 300


def test_results_table() -> None:
    row = {"corpus": "synthetic", "excerpts": 10000, "pages": 1000, "validate_s": 1.5,
           "validate_cached_s": 0.4, "build_s": 50.0, "first_build_s": 52.0, "rebuild_s": 1.9,
           "floor_s": 40.0, "ratio_to_floor": 1.25, "peak_rss_mb": 800.0}
    assert table([row]).splitlines()[2] == (
        "| synthetic | 10,000 | 1,000 | 1.5 | 0.4 | 50.0 | 52.0 | 1.9 | 40.0 | 1.25 | 800.0 |")
