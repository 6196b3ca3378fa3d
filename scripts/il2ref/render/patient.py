"""The Patient information sheet: the plain-language `patient` text of the excerpts that have
one, in the sheet's sections, each with its excerpt's citations. A site page and a printable
HTML (exported as a PDF of at most five pages)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from il2ref.core.model import Corpus, Excerpt
from il2ref.core.schema import schema
from il2ref.render.inline import cites, prose
from il2ref.render.jinja import environment
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted


def _sections() -> dict[str, str]:
    return {o["const"]: o["title"] for o in schema()["$defs"]["patient_section"]["oneOf"]}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: list[Excerpt]


def sheet(corpus: Corpus) -> list[Section]:
    """The sections in the schema's order, items in page order (the reading order of the site)."""
    items = [e for e in corpus.excerpts() if e.patient and e.status == "verified"]
    return [Section(key, title, [e for e in items if e.patient and e.patient.section == key])
            for key, title in _sections().items()]


def text(corpus: Corpus) -> str:
    """The sheet's words, as a reader reads them (for the readability test)."""
    return "\n".join(e.patient.text for s in sheet(corpus) for e in s.items if e.patient)


def patient_markdown(corpus: Corpus) -> str:
    sections = [(s.id, s.title, [Trusted(f"{prose(e.patient.text)} {cites(e.sources)}")
                                 for e in s.items if e.patient]) for s in sheet(corpus)]
    return template("patient.md.j2").render(sections=sections)


def patient_html(corpus: Corpus, references: dict[str, str], *, edition: str,
                 built: str) -> str:
    """The printable sheet: each statement with its sources' short names and locators."""
    sections = [(s.id, s.title, [(Markup(prose(e.patient.text)),
                            "; ".join(f"{corpus.bib_labels.get(x.key, x.key)}, {x.locator}"
                                      for x in e.sources))
                           for e in s.items if e.patient]) for s in sheet(corpus)]
    used = sorted({x.key for s in sheet(corpus) for e in s.items for x in e.sources})
    listed = [(corpus.bib_labels.get(k, k), references.get(k, k)) for k in used]
    return environment("html").get_template("patient.html.j2").render(
        sections=sections, references=sorted(listed), edition=edition, built=built)
