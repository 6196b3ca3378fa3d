"""Changes to each page's HTML after Markdown, before the theme wraps it."""

from __future__ import annotations

import re

# pandoc's Markdown output keeps `[text]{.nocase}` spans (from BibTeX "and others" author
# lists), which Python-Markdown leaves as literal text.
_NOCASE = re.compile(r"\[([^\[\]<>]*)\]\{\.nocase\}")


def postprocess(html: str) -> str:
    html = _NOCASE.sub(r"\1", html)
    # Abbreviations get a tab stop so keyboard users can reach their expansion (extra.css).
    html = html.replace("<abbr title=", '<abbr tabindex="0" title=')
    # Full reference texts stay out of the search index (Material skips a block marked
    # data-search-exclude): their titles ("Proleukin ...", "interleukin-2 ...") outranked the
    # pages that answer a query. Authors and years stay findable through each page's
    # "Cited on this page" line.
    return html.replace('<div class="footnote">', '<div class="footnote" data-search-exclude>')
