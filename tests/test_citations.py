"""mkdocs-bibtex gets the validator's parse of references.bib, and keeps its formatted references
across `mkdocs serve` rebuilds while references.bib is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config import load_config

from conftest import copy_project


def _configure(project: Path, plugin: object = None):  # type: ignore[no-untyped-def]
    """Load the config and run on_config like `mkdocs serve` does on each rebuild: a fresh
    config, but the same bibtex plugin object (it asks to be kept, via on_startup)."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    if plugin is not None:
        config.plugins["bibtex"] = plugin
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    return config, config.hooks["scripts/hooks.py"]


def test_bibtex_reuses_the_parse_and_keeps_its_cache_between_rebuilds(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config, hooks = _configure(project)
    plugin = config.plugins["bibtex"]
    corpus = hooks._build["corpus"]
    hooks._build.pop("citations").result()  # the background pandoc run
    first = plugin.registry
    assert first.bib_data is corpus.bib_data  # one pybtex parse, not two
    assert corpus.cited_keys() <= set(first._reference_cache)
    assert "Dutcher JP" in first._reference_cache["dutcher2014"]

    # A rebuild with references.bib unchanged keeps the formatted references.
    config, hooks = _configure(project, plugin)
    hooks._build.pop("citations").result()
    assert config.plugins["bibtex"].registry is first

    # An edited references.bib gets a fresh registry with the new text.
    bib = project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "Dutcher, Janice P.", "Dutcher, Janet P.", 1), encoding="utf-8")
    config, hooks = _configure(project, plugin)
    hooks._build.pop("citations").result()
    registry = config.plugins["bibtex"].registry
    assert registry is not first
    assert "Dutcher JP" in registry._reference_cache["dutcher2014"]
