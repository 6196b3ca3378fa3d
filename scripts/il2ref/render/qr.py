"""The QR codes on the bedside card and the wallet card, drawn by segno (a maintained,
dependency-free QR library) as inline SVG, so the printed PDF carries it as vectors and it
stays sharp at any size."""

from __future__ import annotations

from urllib.parse import quote

import segno


def page_url(site_url: str, page: str, ref: str) -> str:
    """A site page (its directory URL), naming the edition the printed card came from (release
    tag or commit)."""
    return f"{site_url.rstrip('/')}/{page}/?edition={quote(ref, safe='')}"


def card_url(site_url: str, ref: str) -> str:
    """The online card."""
    return page_url(site_url, "quick-reference", ref)


def wallet_url(site_url: str, ref: str) -> str:
    """The Wallet card page, where each line of the printed wallet card is cited."""
    return page_url(site_url, "wallet-card", ref)


def qr_svg(url: str) -> str:
    # Error correction M (15 %) survives a creased or smudged card; a 4-module quiet zone is
    # what the QR standard asks for.
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff")
