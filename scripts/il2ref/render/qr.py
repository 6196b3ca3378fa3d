"""The QR code on the bedside card, drawn by segno (a maintained, dependency-free QR library)
as inline SVG, so the printed PDF carries it as vectors and it stays sharp at any size."""

from __future__ import annotations

from urllib.parse import quote

import segno


def card_url(site_url: str, ref: str) -> str:
    """The online card, naming the edition the printed one came from (release tag or commit)."""
    return f"{site_url.rstrip('/')}/quick-reference/?edition={quote(ref, safe='')}"


def qr_svg(url: str) -> str:
    # Error correction M (15 %) survives a creased or smudged card; a 4-module quiet zone is
    # what the QR standard asks for.
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff")
