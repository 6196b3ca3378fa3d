"""What a reader's word puts in the search index. Material's search (lunr) matches word by
word, never a phrase: "sleeping all the time" is indexed as sleeping, all, the, time, and a
question holding "time" would be pulled to its page. So the vocabulary's words go in without
lunr's stop words and the vocabulary's `generic_words`, and a word made of nothing else is
refused (it could only mislead)."""

from __future__ import annotations

import re

# lunr.stopWordFilter's English list (lunr 2.3.9, which Material bundles): the index drops these
# words anyway; here only to tell an editor that a word is made of nothing else.
LUNR_STOP_WORDS = frozenset((
    "a", "able", "about", "across", "after", "all", "almost", "also", "am", "among", "an",
    "and", "any", "are", "as", "at", "be", "because", "been", "but", "by", "can", "cannot",
    "could", "dear", "did", "do", "does", "either", "else", "ever", "every", "for", "from",
    "get", "got", "had", "has", "have", "he", "her", "hers", "him", "his", "how", "however",
    "i", "if", "in", "into", "is", "it", "its", "just", "least", "let", "like", "likely",
    "may", "me", "might", "most", "must", "my", "neither", "no", "nor", "not", "of", "off",
    "often", "on", "only", "or", "other", "our", "own", "rather", "said", "say", "says",
    "she", "should", "since", "so", "some", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "tis", "to", "too", "twas", "us", "wants", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "yet", "you", "your"
))
_SEPARATOR = re.compile(r"[\s\-]+")  # Material's default search separator, less its lookarounds


def tokens(word: str) -> list[str]:
    return [t for t in _SEPARATOR.split(word) if t]


def indexed(word: str, generic: frozenset[str]) -> str:
    """The part of a reader's word that can lead to one page ("" if none)."""
    return " ".join(t for t in tokens(word)
                    if t.casefold() not in generic and t.casefold() not in LUNR_STOP_WORDS)
