"""Every page the generator writes: one registry (`GENERATED`) for the build and for the
navigation, and one function that makes them all, shared by the site's hook and the
benchmark's floor, so the floor always builds exactly the Markdown the site does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from il2ref import __version__
from il2ref.core.model import Changes, Corpus
from il2ref.load.history import changes_since_release
from il2ref.render import markdown as md
from il2ref.render.card import card_markdown
from il2ref.render.dose_calculator import dose_calculator_markdown
from il2ref.render.dose_check import dose_check_markdown
from il2ref.render.patient import patient_markdown
from il2ref.render.provenance import Freshness, by_source_markdown, freshness, freshness_markdown
from il2ref.render.quiz import quiz_markdown
from il2ref.site.nav import DATA_PAGES, Nav, data_groups, merged


@dataclass(frozen=True)
class Inputs:
    """What the generated pages are made from, for one build."""
    corpus: Corpus
    built: str
    today: dt.date
    review_interval_days: int
    directory_urls: bool
    freshness: list[Freshness]
    changes: Changes


@dataclass(frozen=True)
class GeneratedPage:
    path: str  # in docs/
    title: str  # in the navigation
    after: str  # the nav entry it follows: a page's path, or DATA_PAGES
    make: Callable[[Inputs], str]


GENERATED = (
    GeneratedPage("quick-reference.md", "Quick-reference card", "index.md",
                  lambda i: card_markdown(i.corpus, version=__version__, built=i.built)),
    GeneratedPage("dose-calculator.md", "Dose calculator", "quick-reference.md",
                  lambda i: dose_calculator_markdown(i.corpus, directory_urls=i.directory_urls)),
    GeneratedPage("dose-time-check.md", "Dose-time check", "dose-calculator.md",
                  lambda i: dose_check_markdown(i.corpus, directory_urls=i.directory_urls)),
    GeneratedPage("patient-information.md", "Patient information", "dose-time-check.md",
                  lambda i: patient_markdown(i.corpus)),
    GeneratedPage("self-test.md", "Test yourself", DATA_PAGES,
                  lambda i: quiz_markdown(i.corpus)),
    GeneratedPage("by-source.md", "Statements by source", "references.md",
                  lambda i: by_source_markdown(i.corpus)),
    GeneratedPage("freshness.md", "Evidence freshness", "coverage.md",
                  lambda i: freshness_markdown(i.freshness, today=i.today,
                                               interval_days=i.review_interval_days)),
    GeneratedPage("changes.md", "What changed", "freshness.md",
                  lambda i: md.changes_markdown(i.changes)),
    GeneratedPage("downloads.md", "Downloads", "self-test.md",
                  lambda i: md.downloads_markdown(version=__version__, built=i.built,
                                                  directory_urls=i.directory_urls)),
    GeneratedPage("references.md", "References", "glossary.md",
                  lambda i: md.references_markdown(i.corpus)),
    GeneratedPage("coverage.md", "Source coverage", "by-source.md",
                  lambda i: md.coverage_markdown(i.corpus)),
)
DATA_AFTER = "patient-information.md"  # the data pages' groups follow the card and the tools


def nav(hand_written: Nav, corpus: Corpus) -> Nav:
    """mkdocs.yml's navigation with every generated page in its place."""
    inserts: dict[str, list[tuple[str, Nav]]] = {DATA_AFTER: [(DATA_PAGES, data_groups(corpus))]}
    for page in GENERATED:
        inserts.setdefault(page.after, []).append((page.path, [{page.title: page.path}]))
    return merged(hand_written, inserts)


@dataclass(frozen=True)
class Generated:
    pages: list[tuple[str, str]]  # (path in docs/, Markdown)
    overdue: list[tuple[str, str]]  # (page path, last reviewed), for the build log
    history: tuple[str, bool] | None = None  # why "What changed" could not read the tags


def generated_pages(corpus: Corpus, root: Path, *, built: str, review_interval_days: int,
                    directory_urls: bool) -> Generated:
    today = dt.date.fromisoformat(built)
    rows = freshness(corpus, today=today, interval_days=review_interval_days)
    changes = changes_since_release(root, corpus.documents)
    inputs = Inputs(corpus, built, today, review_interval_days, directory_urls, rows, changes)
    pages = [(f"{page.slug}.md", md.page_markdown(page, corpus)) for page in corpus.pages]
    pages += [(page.path, page.make(inputs)) for page in GENERATED]
    overdue = [(str(r.page.path), r.reviewed) for r in rows if r.overdue]
    history = (changes.history_problem, changes.history_wrong) if changes.history_problem else None
    return Generated(pages, overdue, history)
