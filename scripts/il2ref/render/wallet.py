"""The patient's wallet card: the late effects a doctor, nurse or radiographer elsewhere must
know, from the excerpts that carry a `wallet` line. A site page (each line with its excerpt's
citations) and a printable HTML card of credit-card-sized panels (exported as a PDF), both
from `wallet_card`, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from il2ref.core.model import Corpus, Excerpt
from il2ref.core.schema import schema
from il2ref.render.inline import cites, prose
from il2ref.render.jinja import environment
from il2ref.render.markdown import template
from il2ref.render.markup import Trusted


def _effects() -> dict[str, str]:
    return {o["const"]: o["title"] for o in schema()["$defs"]["wallet_effect"]["oneOf"]}


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    items: list[Excerpt]


def wallet_card(corpus: Corpus) -> list[Group]:
    """The groups in the schema's order, lines in page order; only verified statements (as on
    the patient sheet and the bedside card), and no empty group."""
    items = [e for e in corpus.excerpts() if e.wallet and e.status == "verified"]
    groups = [Group(key, title, [e for e in items if e.wallet and e.wallet.effect == key])
              for key, title in _effects().items()]
    return [g for g in groups if g.items]


def text(corpus: Corpus) -> str:
    """The card's late-effect lines, one a line, as a reader reads them (readability test)."""
    return "\n".join(e.wallet.text for g in wallet_card(corpus) for e in g.items if e.wallet)


def wallet_markdown(corpus: Corpus, *, edition: str, ref: str = "") -> str:
    """`ref`: this build's release tag or commit, which the printed card's QR code names."""
    # The statement's own id: "Report an error" then names the excerpt the line came from.
    groups = [(g.id, g.title, [Trusted(f'<span class="claim" id="{e.id}">'
                                       f"{prose(e.wallet.text)}</span> {cites(e.sources)}")
                               for e in g.items if e.wallet]) for g in wallet_card(corpus)]
    return template("wallet.md.j2").render(
        groups=groups, edition=edition, ref=ref)


def wallet_html(corpus: Corpus, *, edition: str, built: str, qr_svg: str = "",
                online: str = "") -> str:
    """The printable card: no citations (there is no room); its QR code and edition id lead to
    the Wallet card page, where every line is cited."""
    groups = [(g.id, g.title, [Markup(prose(e.wallet.text)) for e in g.items if e.wallet])
              for g in wallet_card(corpus)]
    return environment("html").get_template("wallet.html.j2").render(
        groups=groups, edition=edition, built=built, qr_svg=Markup(qr_svg), online=online)
