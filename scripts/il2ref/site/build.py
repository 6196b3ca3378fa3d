"""One function per MkDocs event, called by scripts/hooks.py and directly by the tests.

Validation runs in `configure` (MkDocs' `on_config`), before MkDocs empties `site_dir`, so a
failed build leaves the last good site in place. Everything one build needs is in `Build`,
made afresh by every `configure` (`mkdocs serve` re-reads the config on each rebuild, but not
the hook module), so a rebuild never serves stale YAML.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from il2ref.core import rules
from il2ref.core.cache import CACHE_DIR
from il2ref.core.dates import BuildDateError, build_date
from il2ref.core.diagnostics import Severity, ValidationFailed
from il2ref.core.model import Corpus
from il2ref.load.config import site_url as published_url
from il2ref.load.corpus import require_corpus
from il2ref.load.edition import edition_id, release_or_commit
from il2ref.render.glossary import (
    SEARCH_TERMS,
    glossary_markdown,
    parse,
    search_terms_js,
    vocabulary_markdown,
)
from il2ref.render.schema_doc import actions_markdown, codes_markdown, schema_markdown
from il2ref.site import (
    citations,
    data_files,
    html,
    markers,
    pages,
    print_anchors,
    rebuild_cache,
    search_worker,
)

log = get_plugin_logger("il2ref")
ABBREVIATIONS = Path("docs/includes/abbreviations.md")


@dataclass
class Build:
    root: Path
    corpus: Corpus
    edition: str  # "Edition 0.2.0 (1a2b3c4)"
    ref: str  # the release tag or commit the card's QR code names
    makers: dict[str, Callable[[], str]] = field(default_factory=dict)
    offline: bool = False  # the file:// edition (Material's offline plugin is on)
    problem: str | None = None  # under `make serve`: the data's errors, shown on every page


# `make serve` only, kept for the life of the process (this package is imported once; MkDocs
# reloads the hook module and the config on every rebuild): the last data that validated, by
# project. A mistake then leaves the last good site served with the error on every page,
# instead of a server that hangs every request until the file is fixed.
SERVING: dict[str, bool] = {"on": False}
_LAST_GOOD: dict[Path, Corpus] = {}


def _recorded(root: Path, name: str) -> Callable[[], str]:
    """A results table written by `make bench` or `make lighthouse` and committed in bench/."""
    def read() -> str:
        path = root / "bench" / name
        if not path.exists():
            return f"No results recorded yet (`bench/{name}` is written by the benchmark)."
        return path.read_text(encoding="utf-8")
    return read


def issues_url(config: MkDocsConfig) -> str | None:
    """Where "Report an error in this page" opens a new issue: `extra.repository`, else the
    repository GitHub Actions is building (GITHUB_REPOSITORY), else None (the link then goes
    to the About page's corrections section)."""
    return issues_url_for(str(config.extra.get("repository") or ""))


def issues_url_for(repository: str) -> str | None:
    """`issues_url` from `extra.repository`'s value (the plain-Markdown edition has no
    MkDocsConfig)."""
    repo = repository
    if not repo and os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        repo = f"{server}/{os.environ['GITHUB_REPOSITORY']}"
    return f"{repo.rstrip('/')}/issues/new" if repo else None


def page_makers(root: Path, corpus: Corpus, edition: str,
                review_interval_days: int) -> dict[str, Callable[[], str]]:
    """What fills each `<!-- il2ref:name -->` marker: one table for the MkDocs build and for
    the plain-Markdown edition (il2ref.editions.plain), so the two doors show the same text."""
    glossary = root / ABBREVIATIONS
    return {
        "schema": schema_markdown, "actions": actions_markdown, "codes": codes_markdown,
        "glossary": lambda: glossary_markdown(parse(glossary.read_text(encoding="utf-8"))),
        "vocabulary": lambda: vocabulary_markdown(corpus.vocabulary, corpus.pages),
        "search": _recorded(root, "search.md"),
        "bench": _recorded(root, "results.md"), "lighthouse": _recorded(root, "lighthouse.md"),
        "profile": _recorded(root, "profile.md"),
        "edition": lambda: edition,
        "review-cycle": lambda: str(review_interval_days),
    }


def configure(config: MkDocsConfig) -> Build:
    """Validate everything, set the navigation and the citation style. Raises PluginError with
    every problem found, one per line."""
    if rules.stale():  # MkDocs does not re-import the package when `mkdocs serve` rebuilds
        raise PluginError("scripts/il2ref/core/page.schema.json changed while `make serve` was "
                          "running; its lists and titles are read when it starts: restart it")
    root = Path(config.config_file_path).resolve().parent
    rebuild_cache.start_build(root / CACHE_DIR)
    rebuild_cache.reuse_theme_listing(config)
    try:  # before MkDocs empties site_dir: a bad date variable keeps the last good site
        built = build_date()
    except BuildDateError as wrong:
        raise PluginError(str(wrong)) from None
    problem = None
    try:
        corpus, diagnostics = require_corpus(root, built=built)
    except ValidationFailed as failed:
        if not (SERVING["on"] and root in _LAST_GOOD):
            raise PluginError(str(failed)) from None
        # Printed, not logged: under --strict a logged error would end the rebuild.
        problem = str(failed)
        print(f"{problem}\nil2ref: serving the last good data until this is fixed",
              file=sys.stderr)
        corpus, diagnostics = _LAST_GOOD[root], []
    else:
        if SERVING["on"]:
            _LAST_GOOD[root] = corpus
    for d in diagnostics:
        if d.severity is Severity.WARNING:
            log.info(str(d))  # unused entries etc.: informative, not fatal under --strict
    try:
        config.nav = pages.nav(config.nav or [], corpus)
    except ValueError as wrong:
        raise PluginError(str(wrong)) from None
    bibtex = config.plugins.get("bibtex")
    citations.share_parse()
    if bibtex is not None and not bibtex.config.csl_file:
        bibtex.config.csl_file = citations.default_style()  # read by the plugin's on_config
    edition = edition_id(root)
    # Read by the theme (scripts/il2ref/site/theme) and the print cover; the footer shows the
    # copyright line, so the edition goes there too.
    config.extra["il2ref"] = {"edition": edition, "built": built,
                              "issues": issues_url(config)}
    config.copyright = f"{config.copyright or ''} {edition}.".strip()
    return Build(root, corpus, edition, release_or_commit(root), page_makers(
        root, corpus, edition, int(config.extra.get("review_interval_days", 365))),
        offline=any(name in config.plugins for name in ("offline", "material/offline")),
        problem=problem)


def add_pages(build: Build, files: Files, config: MkDocsConfig) -> Files:
    """Generate the pages, and have mkdocs-bibtex (configured by now) format every cited
    reference before the first page needs one."""
    generated = pages.generated_pages(
        build.corpus, build.root, built=build_date(), edition=build.edition,
        review_interval_days=int(config.extra.get("review_interval_days", 365)),
        directory_urls=config.use_directory_urls, site_name=config.site_name,
        site_url=config.site_url or "", ref=build.ref)
    for path, markdown in generated.pages:
        files.append(File.generated(config, path, content=markdown))
    for path, content in generated.files:
        files.append(File.generated(config, path, content=content))
    files.append(File.generated(config, f"{search_worker.WORKERS}/{search_worker.WRAPPER}",
                                content=search_worker.worker_js(build.corpus)))
    files.append(File.generated(config, SEARCH_TERMS, content=search_terms_js(
        build.corpus.vocabulary, build.corpus.pages, directory_urls=config.use_directory_urls)))
    for path, reviewed in generated.overdue:  # editorial: informs, never fails --strict
        log.info("review overdue: %s (last reviewed %s)", path, reviewed)
    if generated.history:
        why, wrong = generated.history
        # A shallow clone would publish a wrong "What changed" page: a warning, which fails
        # --strict. A folder without git just says so on the page.
        (log.warning if wrong else log.info)("What changed: %s", why)
    # Every plugin's on_config has run by now: Material's search index exists.
    search: Any = config.plugins.get("material/search") or config.plugins.get("search")
    rebuild_cache.reuse_search(getattr(search, "search_index", None))
    bibtex: Any = config.plugins.get("bibtex")
    if bibtex is not None and bibtex.registry is not None:
        citations.format_cited(bibtex.registry, build.corpus, build.root / CACHE_DIR)
        texts = citations.plain_texts(bibtex.registry, build.corpus, build.root / CACHE_DIR)
        for name, content in data_files.data_files(
                build.corpus, texts, edition=build.edition, built=build_date(),
                site_url=published_url(build.root)):
            files.append(File.generated(config, f"{data_files.FILES}/{name}", content=content))
    return files


def check_markdown(build: Build, markdown: str, page: Page) -> str:
    """Before mkdocs-bibtex: fill the markers, refuse unknown citation keys (the plugin would
    drop them silently) and front matter MkDocs could not parse (it shows it as page text)."""
    src_uri = page.file.src_uri
    if markdown.startswith("---") or not page.meta.get("description"):
        raise PluginError(f"docs/{src_uri}:1:1: front matter missing or not valid YAML "
                          "(every page needs a title and a description)")
    try:
        # MkDocs hands on the text after the front matter: lines are counted in the file.
        source = page.file.content_string
        first_line = source[:len(source) - len(markdown)].count("\n") + 1
        markdown = markers.fill(markdown, src_uri, build.makers, first_line=first_line)
    except markers.MarkerError as wrong:
        raise PluginError(str(wrong)) from None
    unknown = sorted(citations.cited_keys(markdown) - build.corpus.bib_keys.keys())
    if unknown:  # every one, each at its place in the file the editor wrote
        raise PluginError("\n".join(
            "docs/{}:{}:{}: unknown citation key {}: not in references.bib [E035]".format(
                src_uri, *citations.position(page.file.content_string, key), key)
            for key in unknown))
    return markdown


postprocess = html.postprocess
def finish_page(build: Build, output: str) -> str:
    """After the theme: the page's Content-Security-Policy as a <meta>, which is all GitHub
    Pages and the offline zip can carry (nginx also sends it as a header, il2ref.tools.deploy);
    under `make serve` with broken data, the errors at the top of the page."""
    def finish(page: str) -> str:
        if build.problem:
            page = html.with_problem_banner(page, build.problem)
        return html.with_csp_meta(search_worker.with_wrapper(page), offline=build.offline,
                                  serving=SERVING["on"])

    return rebuild_cache.finished(finish, output, build.problem, build.offline, SERVING["on"])


def finish_print_page(config: MkDocsConfig) -> None:
    """mkdocs-print-site-plugin writes the print page in its on_post_build, which runs before the
    hook's: every in-page link is then made to land (il2ref.site.print_anchors)."""
    plugin = config.plugins.get("print-site")
    if plugin is not None and plugin.config.get("enabled"):
        print_page = plugin.print_file
        print_anchors.fix_file(Path(print_page.abs_dest_path),
                               urljoin(config.site_url or "", print_page.url))
