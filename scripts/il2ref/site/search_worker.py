"""The search worker the site runs: Material's, behind a wrapper that rewrites each query
before Material builds it (assets/search-worker.js says what and why). The build writes the
wrapper beside Material's worker and points each page's `__config` at it."""

from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

from il2ref.core.model import Corpus
from il2ref.core.search_words import indexed

WORKERS = "assets/javascripts/workers"
WRAPPER = "il2ref-search.js"  # beside Material's worker, so its name resolves relative to ours
_SOURCE = Path(__file__).with_name("assets") / "search-worker.js"


@lru_cache(maxsize=1)
def material_worker() -> str:
    """The file name of the installed Material's search worker (it carries a content hash)."""
    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:
        raise RuntimeError("Material for MkDocs is not installed")
    folder = Path(spec.origin).parent / "templates" / WORKERS
    found = sorted(p.name for p in folder.glob("search.*.min.js"))
    if len(found) != 1:
        raise RuntimeError(f"expected one Material search worker in {folder}, found {found}")
    return found[0]


def worker_js(corpus: Corpus) -> str:
    """The wrapper with its data: the site words, and each reader's word (lower case) with the
    term it stands for, as the index holds it."""
    terms = {w.casefold(): kept for t in corpus.vocabulary
             if (kept := indexed(t.term, corpus.generic_words)) for w in t.all_words()}
    data = {"material": material_worker(), "siteWords": corpus.site_words, "terms": terms}
    return _SOURCE.read_text(encoding="utf-8").replace(
        "__IL2REF_DATA__", json.dumps(data, ensure_ascii=True))


def with_wrapper(page: str) -> str:
    """The page's `__config` pointing at the wrapper instead of Material's worker."""
    name = re.escape(material_worker())
    return re.sub(rf'("search":\s*"[^"]*{WORKERS}/){name}"', rf'\g<1>{WRAPPER}"', page, count=1)
