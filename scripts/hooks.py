"""MkDocs hook: glue between MkDocs events and the il2ref package. Keep it thin.

Listed in mkdocs.yml under `hooks:`. Validation runs in `on_config`, before MkDocs empties
`site_dir`, so a failed build leaves the last good site in place.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from il2ref import citations, render, rules
from il2ref import corpus as corpus_mod
from il2ref.cache import CACHE_DIR
from il2ref.dates import build_date
from il2ref.diagnostics import Severity, ValidationFailed
from il2ref.glossary import glossary_markdown, parse
from il2ref.schema_doc import actions_markdown, codes_markdown, schema_markdown
from il2ref.site_pages import generated_pages

log = get_plugin_logger("il2ref")
_MARKER = re.compile(r"<!-- il2ref:([a-z-]+) -->")
ABBREVIATIONS = Path("docs/includes/abbreviations.md")


def _glossary() -> str:
    root = _build["root"]
    return glossary_markdown(parse((root / ABBREVIATIONS).read_text(encoding="utf-8")))


def _recorded(name: str) -> str:
    """A results table written by `make bench` or `make lighthouse` and committed in bench/."""
    path = _build["root"] / "bench" / name
    if not path.exists():
        return f"No results recorded yet (`bench/{name}` is written by the benchmark)."
    return path.read_text(encoding="utf-8")


# Generated regions of hand-written pages, filled like Material's own shortcodes.
_MARKERS = {
    "schema": schema_markdown,
    "actions": actions_markdown,
    "codes": codes_markdown,
    "glossary": _glossary,
    "bench": lambda: _recorded("results.md"),
    "lighthouse": lambda: _recorded("lighthouse.md"),
}

# Where each marker must stand: a marker deleted by mistake would drop its generated table
# without a word, so a page that lacks one of its markers fails the build.
_MARKER_PAGES = {"editors.md": {"actions", "codes", "schema"}, "glossary.md": {"glossary"},
                 "performance.md": {"bench", "lighthouse"}}

# Per-build state, replaced on every `on_config` (mkdocs serve reloads config on each rebuild,
# but not this module), so it never serves stale YAML.
_build: dict[str, Any] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


# ---------------------------------------------------------------------------------------------
# Validate and configure: before plugins (bibtex reads csl_file in its own on_config)
# ---------------------------------------------------------------------------------------------
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if rules.stale():  # MkDocs does not re-import the package when `mkdocs serve` rebuilds
        raise PluginError("scripts/il2ref/page.schema.json changed while `make serve` was "
                          "running; its lists and titles are read when it starts: restart it")
    bibtex = config.plugins.get("bibtex")
    worker = citations.begin() if bibtex is not None else None  # finds pandoc meanwhile
    try:
        corpus, diagnostics = corpus_mod.require_corpus(_root(config))
    except ValidationFailed as failed:
        if worker is not None:
            worker.shutdown(wait=False)
        raise PluginError(str(failed)) from None
    for d in diagnostics:
        if d.severity is Severity.WARNING:
            log.info(str(d))  # unused entries etc.: informative, not fatal under --strict
    _build["corpus"] = corpus
    _build["root"] = _root(config)
    config.nav = render.nav(corpus)

    if bibtex is not None and worker is not None:
        if not bibtex.config.csl_file:
            bibtex.config.csl_file = citations.default_style()
        # One pybtex parse (ours), pandoc on the worker thread for references not yet cached.
        _build["citations"] = citations.prepare(worker, bibtex, corpus,
                                                cache_dir=_root(config) / CACHE_DIR)
    return config


# ---------------------------------------------------------------------------------------------
# Generate pages from the model
# ---------------------------------------------------------------------------------------------
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    corpus = _build["corpus"]
    generated = generated_pages(
        corpus, _build["root"], built=build_date(),
        review_interval_days=int(config.extra.get("review_interval_days", 365)),
        directory_urls=config.use_directory_urls)
    for path, markdown in generated.pages:
        files.append(File.generated(config, path, content=markdown))
    for path, reviewed in generated.overdue:  # editorial: informs, never fails --strict
        log.info("review overdue: %s (last reviewed %s)", path, reviewed)
    if generated.history:
        why, wrong = generated.history
        # A shallow clone would publish a wrong "What changed" page: a warning, which fails
        # --strict. A folder without git just says so on the page.
        (log.warning if wrong else log.info)("What changed: %s", why)
    return files


# ---------------------------------------------------------------------------------------------
# Before bibtex: fill markers, and refuse unknown keys (mkdocs-bibtex would drop them quietly)
# ---------------------------------------------------------------------------------------------
def _fill(match: re.Match[str], where: str) -> str:
    name = match.group(1)
    if name not in _MARKERS:
        raise PluginError(f"docs/{where}: unknown marker <!-- il2ref:{name} -->; "
                          f"known: {', '.join(_MARKERS)}")
    return _MARKERS[name]()


@event_priority(100)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # MkDocs shows front matter it cannot parse as page text, silently: make that an error.
    if markdown.startswith("---") or not page.meta.get("description"):
        raise PluginError(f"docs/{page.file.src_uri}: front matter missing or not valid YAML "
                          "(every page needs a title and a description)")
    missing = _MARKER_PAGES.get(page.file.src_uri, set()) - set(_MARKER.findall(markdown))
    if missing:
        raise PluginError(f"docs/{page.file.src_uri}: marker(s) missing: "
                          + ", ".join(f"<!-- il2ref:{m} -->" for m in sorted(missing)))
    markdown = _MARKER.sub(lambda m: _fill(m, page.file.src_uri), markdown)
    cited = citations.cited_keys(markdown)
    if cited and "citations" in _build:
        _wait_for_citations()  # the first page that cites anything needs the formatted list
    unknown = sorted(cited - _build["corpus"].bib_keys.keys())
    if unknown:
        keys = ", ".join(unknown)
        raise PluginError(
            f"docs/{page.file.src_uri}: unknown citation key(s) {keys}: not in references.bib")
    return markdown


def _wait_for_citations() -> None:
    _build.pop("citations").result()  # re-raises a pandoc failure here


def on_env(env: Any, *, config: MkDocsConfig, files: Files) -> Any:
    if "citations" in _build:  # no page cited anything: still surface a pandoc failure
        _wait_for_citations()
    return env


# ---------------------------------------------------------------------------------------------
# After mkdocs-bibtex: pandoc's Markdown output keeps `[text]{.nocase}` spans (from BibTeX
# "and others" author lists), which Python-Markdown leaves as literal text. Unwrap them.
# ---------------------------------------------------------------------------------------------
_NOCASE = re.compile(r"\[([^\[\]<>]*)\]\{\.nocase\}")


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Abbreviations get a tab stop so keyboard users can reach their expansion (extra.css).
    html = _NOCASE.sub(r"\1", html).replace("<abbr title=", '<abbr tabindex="0" title=')
    # Full reference texts stay out of the search index (Material skips a block marked
    # data-search-exclude): their titles ("Proleukin ...", "interleukin-2 ...") outranked the
    # pages that answer a query. Authors and years stay findable through each page's
    # "Cited on this page" line.
    return html.replace('<div class="footnote">', '<div class="footnote" data-search-exclude>')


# ---------------------------------------------------------------------------------------------
# The process ends after this (`mkdocs build` done, or `mkdocs serve` stopping)
# ---------------------------------------------------------------------------------------------
def on_shutdown() -> None:
    # CPython's final garbage collection at exit walks every object the build made: measured
    # at ~55 ms of a 1.5 s build, for memory the OS reclaims anyway. gc.freeze() is CPython's
    # documented way to leave objects out of all later collections.
    gc.freeze()
