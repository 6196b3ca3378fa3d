"""The glossary page, from the same abbreviation list that expands abbreviations on every page,
and the search vocabulary's words, from the same list the search index is given."""

from __future__ import annotations

import json
import re

from il2ref.core.model import Page, Term
from il2ref.core.schema import schema
from il2ref.render.markup import Trusted, escape

_ABBR = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:\s*(?P<text>.+)$")


def parse(text: str) -> list[tuple[str, str]]:
    """`*[CLS]: Capillary leak syndrome` lines (Markdown abbr syntax) → sorted pairs."""
    pairs = [(m["abbr"], m["text"].strip()) for m in map(_ABBR.match, text.splitlines()) if m]
    return sorted(pairs, key=lambda p: p[0].lower())


def glossary_markdown(pairs: list[tuple[str, str]]) -> str:
    lines = ["| Abbreviation | Meaning |", "|---|---|"]
    lines += [f"| {escape(a)} | {escape(t)} |" for a, t in pairs]
    table = "\n".join(lines)
    return Trusted(f"{table}\n\n/// table-caption\nAbbreviations and their meanings\n///")


HIDDEN = {"misspelling"}  # known to search, never listed: a list of slips would teach them


def kind_titles() -> dict[str, str]:
    """Each kind of reader's word and its title, from the schema (the one list of kinds)."""
    words = schema()["$defs"]["vocabulary_term"]["properties"]["words"]["properties"]
    return {kind: spec["title"].lower() for kind, spec in words.items()}


def vocabulary_markdown(terms: list[Term], pages: list[Page]) -> str:
    """One row per term: the readers' words by kind (misspellings stay in the index only: a
    list of them would teach them). Kept out of the search index itself
    (data-search-exclude): the words must lead to the page that answers, not to this one."""
    if not terms:
        return Trusted("No search vocabulary yet (`docs/includes/vocabulary.yaml`).")
    titles = {p.slug: p.title for p in pages}
    kinds = kind_titles()
    rows = ["| Term | Readers' words | Page |", "|---|---|---|"]
    for t in sorted(terms, key=lambda t: t.term.casefold()):
        words = "; ".join(f"{', '.join(escape(w) for w in ws)} ({kinds[k]})"
                          for k, ws in t.words if k not in HIDDEN)
        if words:
            rows.append(f"| {escape(t.term)} | {words} | [{escape(titles[t.page])}]"
                        f"({t.page}.md) |")
    table = "\n".join(rows)
    return Trusted(f'<div class="search-words" data-search-exclude markdown>\n\n{table}\n\n'
                   "/// table-caption\nTerms and the words readers search with\n///\n\n</div>")


SEARCH_TERMS = "javascripts/search-terms.js"  # read by docs/javascripts/search-try.js
TRY = (("Quick-reference card", "quick-reference"), ("Hold and stop rules", "management"),
       ("Glossary", "glossary"))


def search_terms_js(terms: list[Term], pages: list[Page], *, directory_urls: bool) -> str:
    """What a search that finds nothing offers instead: the terms, readers' words (not the
    misspellings), page titles and aliases, each with its page; and a short "try" list. A
    JavaScript file, not JSON fetched at run time: it loads from file:// in the offline zip."""
    titles = {p.slug: p.title for p in pages}
    pool = [[p.title, p.slug, p.title] for p in pages]
    pool += [[a, p.slug, p.title] for p in pages for a in p.aliases]
    for t in terms:
        pool.append([t.term, t.page, titles[t.page]])
        pool += [[w, t.page, f"{t.term}: {titles[t.page]}"]
                 for kind, words in t.words if kind not in HIDDEN for w in words]
    data = {"directoryUrls": directory_urls, "pool": pool, "try": [list(x) for x in TRY]}
    return f"window.IL2REF_SEARCH_TERMS = {json.dumps(data, ensure_ascii=True)};\n"
