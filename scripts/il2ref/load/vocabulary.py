"""The search vocabulary (docs/includes/vocabulary.yaml, beside the glossary): the words
readers type, each mapped to a term a page uses. Checked against the schema's `vocabulary`
definition and against the pages: each term is written on the page it names, and each word
belongs to one term and repeats no page's aliases (it is typed once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from il2ref.core.diagnostics import Diagnostic
from il2ref.core.model import Corpus, Term
from il2ref.core.search_words import indexed
from il2ref.load import shape, yaml_source

VOCABULARY = Path("docs/includes/vocabulary.yaml")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _folded(text: str) -> str:
    return " ".join(text.replace("{", " ").replace("}", " ").split()).casefold()


def load_vocabulary(root: Path, corpus: Corpus) -> list[Diagnostic]:
    """Fill the corpus's vocabulary and site words from the file (a project without one has
    none), and return every problem found. Call after the pages are loaded: the terms are
    checked against them."""
    file = root / VOCABULARY
    if not file.exists():
        return []
    display = VOCABULARY.as_posix()
    doc, found = yaml_source.load(file, display)
    if doc is None:
        return found
    wrong = shape.check(doc, definition="vocabulary")
    if found or wrong:
        return found + wrong
    pages = {p.slug: p for p in corpus.pages}
    texts: dict[str, str] = {}
    owner: dict[str, tuple[str, str]] = {}  # folded alias or word -> (what it is, where)
    for p in pages.values():
        for alias in p.aliases:
            owner.setdefault(alias.casefold(), ("an alias", f"{p.slug}'s aliases"))
    terms: list[Term] = []
    problems: list[Diagnostic] = []

    def problem(path: list[str | int], message: str, code: str) -> None:
        line, col = doc.position(path)
        problems.append(Diagnostic(display, line, col, shape.field_name(path), message, code))

    generic = frozenset(w.casefold() for w in doc.data.get("generic_words", []))

    def only_common(path: list[str | int], word: str) -> bool:
        if indexed(word, generic):
            return False
        problem(path, f"{word!r} is made only of words too common to lead to one page "
                "(generic_words, or words search ignores): name the topic", "E061")
        return True

    site_words = list(doc.data.get("site_words", []))
    for j, word in enumerate(site_words):
        if word.casefold() in owner:
            what, where = owner[word.casefold()]
            problem(["site_words", j], f"{word!r} is already {what} ({where}): a word every "
                    "page is about cannot lead to one page", "E060")
        owner[word.casefold()] = ("a site word", f"site_words[{j}]")

    for i, raw in enumerate(doc.data["terms"]):
        term, slug = raw["term"], raw["page"]
        if slug not in pages:
            problem(["terms", i, "page"], f"no page {slug!r} (docs/data/{slug}.yaml)", "E058")
        else:
            if slug not in texts:
                texts[slug] = _folded(" ".join(_strings(corpus.documents.get(f"{slug}.yaml"))))
            if _folded(term) not in texts[slug]:
                problem(["terms", i, "term"], f"the page {slug!r} does not use the term "
                        f"{term!r}: name a term as the page writes it", "E059")
        # A term is a word the index carries too: once, unless it is its own page's alias
        # (an alias names the page; the term gathers readers' words for it).
        if term.casefold() in owner and owner[term.casefold()] != ("an alias",
                                                                     f"{slug}'s aliases"):
            what, where = owner[term.casefold()]
            problem(["terms", i, "term"], f"{term!r} is already {what} ({where}): give a "
                    "term once", "E060")
        owner.setdefault(term.casefold(), ("a term", f"terms[{i}]"))
        only_common(["terms", i, "term"], term)
        for kind, words in raw["words"].items():
            for j, word in enumerate(words):
                key = word.casefold()
                if only_common(["terms", i, "words", kind, j], word):
                    continue
                if key == term.casefold():
                    problem(["terms", i, "words", kind, j], f"{word!r} is the term itself",
                            "E060")
                elif key in owner:
                    what, where = owner[key]
                    problem(["terms", i, "words", kind, j],
                            f"{word!r} is already {what} ({where}): give a word once", "E060")
                else:
                    owner[key] = ("a reader's word", f"terms[{i}].words.{kind}")
        terms.append(Term(term, slug, tuple((k, tuple(v)) for k, v in raw["words"].items())))
    if not problems:
        corpus.vocabulary, corpus.site_words = terms, site_words
        corpus.generic_words = generic
    return problems
