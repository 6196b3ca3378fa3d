"""Every page the generator writes, as (path in docs/, Markdown): one list for the site's hook
and for the benchmark's floor, so the floor always builds exactly the Markdown the site does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import __version__, render
from .cache import CACHE_DIR
from .changelog import changes_since_release
from .editions import file_names
from .model import Corpus
from .provenance import by_source_markdown, freshness, freshness_markdown
from .quiz import quiz_markdown


@dataclass(frozen=True)
class Generated:
    pages: list[tuple[str, str]]
    overdue: list[tuple[str, str]]  # (page path, last reviewed), for the build log
    history: tuple[str, bool] | None = None  # why "What changed" could not read the tags


def generated_pages(corpus: Corpus, root: Path, *, built: str, review_interval_days: int,
                    directory_urls: bool) -> Generated:
    render.cache_compiled_templates(root / CACHE_DIR / "jinja")
    pages = [(f"{page.slug}.md", render.page_markdown(page, corpus)) for page in corpus.pages]
    changes = changes_since_release(root, corpus.documents, cache_dir=root / CACHE_DIR)
    today = dt.date.fromisoformat(built)
    rows = freshness(corpus, today=today, interval_days=review_interval_days)
    pages += [
        ("quick-reference.md", render.card_markdown(corpus, version=__version__, built=built)),
        ("self-test.md", quiz_markdown(corpus)),
        ("by-source.md", by_source_markdown(corpus)),
        ("freshness.md", freshness_markdown(rows, today=today,
                                            interval_days=review_interval_days)),
        ("changes.md", render.changes_markdown(changes)),
        ("downloads.md", render.downloads_markdown(
            file_names(__version__, built), version=__version__, built=built,
            directory_urls=directory_urls)),
        ("references.md", render.references_markdown(corpus)),
        ("coverage.md", render.coverage_markdown(corpus)),
    ]
    overdue = [(str(r["page"].path), str(r["reviewed"])) for r in rows if r["overdue"]]
    history = (changes.history_problem, changes.history_wrong) if changes.history_problem else None
    return Generated(pages, overdue, history)
