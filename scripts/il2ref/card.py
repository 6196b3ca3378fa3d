"""The bedside card as a standalone printable HTML page, from the same data as the site's card."""

from __future__ import annotations

import re
from itertools import groupby

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .datasets import reference_texts
from .model import Corpus, Rule, Source
from .render import card_data, card_extra, finding, prose, system_name
from .rules import FRAMEWORKS

_URL = re.compile(r"\s*(URL: |doi:)\S+")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def card_html(corpus: Corpus, *, version: str, built: str) -> str:
    data = card_data(corpus)
    used: dict[str, str] = {}

    def short(sources: tuple[Source, ...]) -> str:
        parts = []
        for s in sources:
            label = corpus.bib_labels[s.key]
            # Two labels that collide (same author and year) get the key appended.
            if label in used and used[label] != s.key:
                label = f"{label} ({s.key})"
            used[label] = s.key
            parts.append(f"{label}, {s.locator}")
        return "; ".join(parts)

    def who(rule: Rule) -> str:
        """'Expert consensus (2014) [Dutcher 2014, Table 3]'; a label's own name only once."""
        cited = short(rule.sources)
        title = FRAMEWORKS[rule.framework]
        if all(_words(corpus.bib_labels[s.key]) == _words(title) for s in rule.sources):
            cited = "; ".join(s.locator for s in rule.sources)
        return f"{title} [{cited}]"

    env = Environment(loader=PackageLoader("il2ref", "templates"), autoescape=True,
                      undefined=StrictUndefined)
    env.filters.update(
        # The site's own escaped text (numeric entities are valid HTML too).
        prose=lambda t: Markup(prose(t)), short=short,
        finding=lambda r: Markup(finding(r)),
        extra=lambda r, rivals: Markup(card_extra(r, rivals)),
        who=who,
        # Consecutive rows of one organ system under one heading row (rows arrive in order).
        by_system=lambda entries: [(system_name(s), list(rows)) for s, rows in
                                   groupby(entries, key=lambda entry: entry[0].system)],
    )
    template = env.get_template("card.html.j2")
    # Render once to collect the labels used, then again with the source list filled in.
    template.render(version=version, built=built, references=[], **data)
    texts = reference_texts(corpus.bib_data, set(used.values()))
    # URLs and DOIs stay in the site and the data edition; on paper they only cost space.
    references = sorted((label, _URL.sub("", texts[key]["text"])) for label, key in used.items())
    return template.render(version=version, built=built, references=references, **data)
