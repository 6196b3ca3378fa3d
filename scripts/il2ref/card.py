"""The bedside card as a standalone printable HTML page, from the same data as the site's card."""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pybtex.database import BibliographyData

from .bibliography import short_label
from .datasets import reference_texts
from .model import Corpus, Rule, Source
from .render import FRAMEWORKS, card_data, prose, system_name
from .units import format_threshold

_URL = re.compile(r"\s*(URL: |doi:)\S+")


def card_html(corpus: Corpus, bib: BibliographyData, *, version: str, built: str) -> str:
    data = card_data(corpus)
    used: dict[str, str] = {}

    def short(sources: tuple[Source, ...]) -> str:
        parts = []
        for s in sources:
            label = short_label(bib, s.key)
            # Two labels that collide (same author and year) get the key appended.
            if label in used and used[label] != s.key:
                label = f"{label} ({s.key})"
            used[label] = s.key
            parts.append(f"{label}, {s.locator}")
        return "; ".join(parts)

    def finding(r: Rule) -> Markup:
        text = Markup(prose(r.criterion))
        if r.threshold:
            text += Markup(": ") + format_threshold(r.threshold)
        if r.status == "unverified":
            text += Markup(' <span class="unverified">UNVERIFIED</span>')
        return text

    env = Environment(loader=PackageLoader("il2ref", "templates"), autoescape=True,
                      undefined=StrictUndefined)
    env.filters.update(
        prose=lambda t: Markup(prose(t)), short=short, finding=finding,
        system=system_name, framework=FRAMEWORKS.get,
    )
    template = env.get_template("card.html.j2")
    # Render once to collect the labels used, then again with the source list filled in.
    template.render(version=version, built=built, references=[], **data)
    texts = reference_texts(bib, set(used.values()))
    # URLs and DOIs stay in the site and the data edition; on paper they only cost space.
    references = sorted((label, _URL.sub("", texts[key]["text"])) for label, key in used.items())
    return template.render(version=version, built=built, references=references, **data)
