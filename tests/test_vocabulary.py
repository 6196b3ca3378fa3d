"""The search vocabulary (docs/includes/vocabulary.yaml): one registry, checked by the schema
and against the pages, that both the index and the Glossary read."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import lxml.html

from conftest import FIXTURES, ROOT
from il2ref.core.diagnostics import Severity
from il2ref.load.corpus import load_corpus
from il2ref.load.vocabulary import VOCABULARY


def _mini(tmp_path: Path, vocabulary: str) -> Path:
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    (tmp_path / VOCABULARY).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / VOCABULARY).write_text(vocabulary, encoding="utf-8")
    return tmp_path


def _errors(project: Path) -> list[str]:
    _, found = load_corpus(project)
    return [str(d) for d in found if d.severity is Severity.ERROR]


def test_vocabulary_mistakes_are_named_at_their_place(tmp_path: Path) -> None:
    project = _mini(tmp_path, """generic_words: [dose]
terms:
  - term: measured in a trial
    page: good
    words:
      lay: [tested, trialled]
  - term: old label
    page: nosuch
    words:
      brand: [Tested]
  - term: not on the page
    page: good
    words:
      synonym: [measured in a trial, absent words]
  - term: label says
    page: good
    words: {}
  - term: label says
    page: good
    words:
      lay: [fine, 42, the dose]
""")
    assert _errors(project) == [
        "docs/includes/vocabulary.yaml:17:12: terms[3].words: {} should be non-empty [E019]",
        "docs/includes/vocabulary.yaml:21:19: terms[4].words.lay[1]: must be text, not a "
        "number [E011]",
    ]
    # Fixed shape: now every cross-check reports, each at its place, all in one run.
    text = (project / VOCABULARY).read_text().replace("words: {}", "words: {lay: [stated]}")
    (project / VOCABULARY).write_text(text.replace("[fine, 42,", "[fine, stated,"))
    assert _errors(project) == [
        "docs/includes/vocabulary.yaml:8:11: terms[1].page: no page 'nosuch' "
        "(docs/data/nosuch.yaml) [E058]",
        "docs/includes/vocabulary.yaml:10:15: terms[1].words.brand[0]: 'Tested' is already a "
        "reader's word (terms[0].words.lay): give a word once [E060]",
        "docs/includes/vocabulary.yaml:11:11: terms[2].term: the page 'good' does not use the "
        "term 'not on the page': name a term as the page writes it [E059]",
        "docs/includes/vocabulary.yaml:14:17: terms[2].words.synonym[0]: 'measured in a trial' "
        "is already a term (terms[0]): give a word once [E060]",
        "docs/includes/vocabulary.yaml:18:11: terms[4].term: 'label says' is already a term "
        "(terms[3]): give a term once [E060]",
        "docs/includes/vocabulary.yaml:21:19: terms[4].words.lay[1]: 'stated' is already a "
        "reader's word (terms[3].words.lay): give a word once [E060]",
        "docs/includes/vocabulary.yaml:21:27: terms[4].words.lay[2]: 'the dose' is made only of "
        "words too common to lead to one page (generic_words, or words search ignores): name "
        "the topic [E061]",
    ]


def test_a_project_without_a_vocabulary_builds_its_corpus(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    corpus, found = load_corpus(tmp_path)
    assert corpus.vocabulary == [] and not [d for d in found if d.severity is Severity.ERROR]


def test_the_real_vocabulary_is_valid_and_names_no_generic_word() -> None:
    """A word every question carries ("hold", "dose", "IL-2") would pull every search to one
    page: the registry holds none, in its words or in any page's aliases."""
    corpus, found = load_corpus(ROOT)
    assert not [str(d) for d in found if d.severity is Severity.ERROR]
    assert len(corpus.vocabulary) >= 100
    assert {t.page for t in corpus.vocabulary} == {p.slug for p in corpus.pages}
    generic = {"hold", "stop", "restart", "resume", "dose", "doses", "give", "treat",
               "treatment", "patient", "il", "2", "il2", "interleukin", "aldesleukin", "high",
               "hd", "when", "after", "before", "normal", "expected", "cycle", "course", "low",
               "holding", "held", "stopping", "dosing", "schedule", "and", "of"}
    for page in corpus.pages:
        for word in [*page.aliases, *corpus.search_words(page.slug)]:
            tokens = set(re.split(r"[\s\-]+", word.casefold()))
            assert not tokens <= generic, (page.slug, word)


def test_the_index_and_the_glossary_read_the_one_registry(built_site: Path) -> None:
    """Each page's search entry carries its readers' words (Material's tags field); the
    Glossary lists every term with its words, outside the index; misspellings are only in
    the index."""
    corpus, _ = load_corpus(ROOT)
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    tags = {d["location"]: [html.unescape(t) for t in d.get("tags", [])] for d in index["docs"]}
    for page in corpus.pages:  # each word as the index takes it (generic words left out)
        words = corpus.search_words(page.slug)
        assert words and set(words) <= set(tags[f"{page.slug}/"]), page.slug
    assert "sleeping" in corpus.search_words("neurologic")  # "sleeping all the time"
    assert not [w for p in corpus.pages for w in corpus.search_words(p.slug)
                if {"time", "dose", "hold"} & set(w.casefold().split())]
    glossary = (built_site / "glossary" / "index.html").read_text(encoding="utf-8")
    table = lxml.html.fromstring(glossary).cssselect(".search-words table")[0]
    listed: dict[str, str] = {}
    for tr in table.cssselect("tbody tr"):
        cells = [td.text_content() for td in tr.cssselect("td")]
        listed[cells[0]] = listed.get(cells[0], "") + " " + cells[1]
    for term in corpus.vocabulary:
        rows = listed.get(term.term, "")
        assert bool(rows) == any(k != "misspelling" for k, _ in term.words), term.term
        for kind, words in term.words:
            for w in words:
                shown = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", rows)
                assert bool(shown) == (kind != "misspelling"), (term.term, kind, w)
    misspelt = [w for t in corpus.vocabulary for k, ws in t.words if k == "misspelling"
                for w in ws]
    # The table is outside the index (data-search-exclude): no reader's word leads there.
    indexed = next(d["text"] for d in index["docs"] if d["location"] == "glossary/#search-words")
    words = [w for t in corpus.vocabulary for w in t.all_words() if len(w) > 5]
    assert misspelt and words and not [w for w in words if f" {w}," in indexed
                                       or f" {w} (" in indexed]
