"""Every page the generator writes: one registry (`GENERATED`) for the build and for the
navigation, and one function that makes them all, shared by the site's hook and the
benchmark's floor, so the floor always builds exactly the Markdown the site does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from il2ref import __version__
from il2ref.core.model import Changes, Corpus, Page
from il2ref.core.review import Review, combined, review
from il2ref.load.history import changes_since_release, releases, statements
from il2ref.render import markdown as md
from il2ref.render.card import card_markdown
from il2ref.render.dose_calculator import dose_calculator_markdown, find_dosing
from il2ref.render.dose_check import dose_check_markdown
from il2ref.render.feed import FEED, feed_xml
from il2ref.render.nursing_sheet import sheet_markdown
from il2ref.render.patient import patient_markdown
from il2ref.render.provenance import Freshness, by_source_markdown, freshness, freshness_markdown
from il2ref.render.quiz import quiz_markdown
from il2ref.render.review import review_markdown
from il2ref.render.wallet import wallet_markdown
from il2ref.site.nav import DATA_PAGES, Nav, data_groups, merged


@dataclass(frozen=True)
class Inputs:
    """What the generated pages are made from, for one build."""
    corpus: Corpus
    built: str
    edition: str
    ref: str  # release tag or commit, as the card's QR code names it
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
    # The data pages it is made from, for its review line (dates, status): every page unless
    # it says otherwise.
    parts: Callable[[Corpus], list[Page]] = lambda corpus: corpus.pages


GENERATED = (
    GeneratedPage("quick-reference.md", "Quick-reference card", "index.md",
                  lambda i: card_markdown(i.corpus, edition=i.edition, built=i.built, ref=i.ref,
                                          directory_urls=i.directory_urls),
                  lambda c: [p for p in c.pages if p.rules or any(e.key_fact or e.explains
                                                                  for e in p.excerpts())]),
    GeneratedPage("dose-calculator.md", "Dose calculator", "quick-reference.md",
                  # A project without a `dosing` block still builds, with a page saying so.
                  lambda i: (dose_calculator_markdown(i.corpus)
                             if find_dosing(i.corpus) else md.no_dosing_markdown()),
                  lambda c: [p for p in c.pages if p.dosing]),
    GeneratedPage("dose-time-check.md", "Dose-time check", "dose-calculator.md",
                  lambda i: dose_check_markdown(i.corpus),
                  lambda c: [p for p in c.pages if p.rules]),
    GeneratedPage("nursing-sheet.md", "Per-dose nursing sheet", "dose-time-check.md",
                  lambda i: sheet_markdown(i.corpus, edition=i.edition, built=i.built,
                                           directory_urls=i.directory_urls),
                  lambda c: [p for p in c.pages if p.rules or p.dosing]),
    GeneratedPage("patient-information.md", "Patient information", "nursing-sheet.md",
                  lambda i: patient_markdown(i.corpus),
                  lambda c: [p for p in c.pages if any(e.patient for e in p.excerpts())]),
    GeneratedPage("wallet-card.md", "Wallet card", "patient-information.md",
                  lambda i: wallet_markdown(i.corpus, edition=i.edition, ref=i.ref),
                  lambda c: [p for p in c.pages if any(e.wallet for e in p.excerpts())]),
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
                  lambda i: md.downloads_markdown(version=__version__, edition=i.edition,
                                                  built=i.built,
                                                  directory_urls=i.directory_urls)),
    GeneratedPage("references.md", "References", "glossary.md",
                  lambda i: md.references_markdown(i.corpus)),
    GeneratedPage("coverage.md", "Source coverage", "by-source.md",
                  lambda i: md.coverage_markdown(i.corpus)),
)
# The data pages' groups follow the card, the bedside tools and the patient pages.
DATA_AFTER = "wallet-card.md"


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
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (path in the site, bytes)


def with_review(markdown: str, state: Review, today: dt.date) -> str:
    """The review line and any notice go straight under the page's `# ` title (the first one
    after the front matter: a `# ` line inside it is a YAML comment)."""
    front = ""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end >= 0:
            front, markdown = markdown[:end + 4], markdown[end + 4:]
    head, sep, rest = markdown.partition("\n# ")
    title, _, body = rest.partition("\n")
    if not sep:
        raise ValueError("a generated page has no `# ` title line")
    return f"{front}{head}\n# {title}\n\n{review_markdown(state, today=today)}\n{body}"


def generated_pages(corpus: Corpus, root: Path, *, built: str, edition: str,
                    review_interval_days: int, directory_urls: bool, site_name: str = "",
                    site_url: str = "", ref: str = "") -> Generated:
    today = dt.date.fromisoformat(built)
    rows = freshness(corpus, today=today, interval_days=review_interval_days)
    now = statements(corpus.documents)  # both the change page and the feed compare it
    changes = changes_since_release(root, corpus.documents, labels=corpus.bib_labels,
                                    current_statements=now)
    inputs = Inputs(corpus, built, edition, ref, today, review_interval_days, directory_urls, rows,
                    changes)
    reviews = {p.slug: review(p, corpus, interval_days=review_interval_days)
               for p in corpus.pages}
    pages = [(f"{page.slug}.md", with_review(md.page_markdown(page, corpus), reviews[page.slug],
                                             today))
             for page in corpus.pages]
    for page in GENERATED:
        parts = [reviews[p.slug] for p in page.parts(corpus)] or list(reviews.values())
        pages.append((page.path, with_review(page.make(inputs), combined(parts), today)))
    overdue = [(str(r.page.path), r.reviewed) for r in rows if r.overdue]
    history = (changes.history_problem, changes.history_wrong) if changes.history_problem else None
    places = {e.id: p.slug for p in corpus.pages for e in p.excerpts()}
    places |= {r.id: r.page for r in corpus.rules()}
    feed = feed_xml(releases(root, corpus.documents, built=built, labels=corpus.bib_labels,
                             current_statements=now),
                    places=places,
                    site_name=site_name or "IL-2 Toxicity Reference", site_url=site_url,
                    edition=edition, built=built, directory_urls=directory_urls)
    return Generated(pages, overdue, history, [(FEED, feed)])
