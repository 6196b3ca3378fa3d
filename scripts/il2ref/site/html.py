"""Changes to each page's HTML: after Markdown (`postprocess`), before the theme wraps it; and
after the theme (`with_csp_meta`), the page's Content-Security-Policy in its <head>."""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

# pandoc's Markdown output keeps `[text]{.nocase}` spans (from BibTeX "and others" author
# lists), which Python-Markdown leaves as literal text.
_NOCASE = re.compile(r"\[([^\[\]<>]*)\]\{\.nocase\}")


def strip_nocase(text: str) -> str:
    """`[et al]{.nocase}` as the reader should see it: `et al` (in HTML or in Markdown)."""
    return _NOCASE.sub(r"\1", text)


def postprocess(html: str) -> str:
    html = strip_nocase(html)
    # Abbreviations get a tab stop so keyboard users can reach their expansion (extra.css).
    html = html.replace("<abbr title=", '<abbr tabindex="0" title=')
    # Full reference texts stay out of the search index (Material skips a block marked
    # data-search-exclude): their titles ("Proleukin ...", "interleukin-2 ...") outranked the
    # pages that answer a query. Authors and years stay findable through each page's
    # "Cited on this page" line.
    return html.replace('<div class="footnote">', '<div class="footnote" data-search-exclude>')


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy: one policy for the nginx header (il2ref.tools.deploy) and for the
# <meta http-equiv> in every page, which is all GitHub Pages and the offline zip can carry.

# A script element's text is raw (no entities, no markup inside) and ends at the first
# `</script`, so this finds each one exactly as the browser reads it. A match inside a comment
# only adds a hash that nothing uses.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_EXTERNAL_OR_DATA = re.compile(r"""\bsrc\s*=|\btype\s*=\s*["']?[^"'\s>]*json""", re.I)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)


def inline_script_hashes(html: str) -> set[str]:
    """CSP sources ('sha256-…') for every inline script of a page (Material emits a few)."""
    return {"'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest())
            .decode() + "'"
            for attrs, text in _SCRIPT.findall(html) if not _EXTERNAL_OR_DATA.search(attrs)}


def content_security_policy(hashes: set[str] | list[str], *, meta: bool = False,
                            offline: bool = False, serving: bool = False) -> str:
    """Nothing loads from outside the site, and only the site's own scripts run: its files
    and the inline scripts whose hashes are given. `meta`: the policy as a page's <meta>
    carries it, without `frame-ancestors`, which browsers ignore there (and Chromium logs as
    an error); the nginx header keeps it, with X-Frame-Options."""
    # Offline, the search worker runs in an iframe whose script iframe-worker's shim writes
    # inline, with the page's own path in it: no fixed hash allows it, so scripts inline in
    # the site's own pages are allowed there. Nothing may still load from outside the site.
    # Under `make serve`, MkDocs adds its live-reload script to every response, with the
    # build's time in it: no hash can allow it, and without it no saved edit ever reloads
    # the editor's browser (the local preview only; never a published edition).
    scripts = ["'unsafe-inline'"] if offline or serving else sorted(hashes)
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *scripts]),
        "style-src 'self' 'unsafe-inline'",  # Material sets style attributes from its scripts
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if not meta:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def with_csp_meta(page: str, *, offline: bool = False, serving: bool = False) -> str:
    """The page with its policy as the first thing after its charset, before any script (a
    policy applies only to what follows it). Its own inline scripts' hashes, so each page
    allows exactly what it runs (offline: see content_security_policy)."""
    policy = content_security_policy(inline_script_hashes(page), meta=True, offline=offline,
                                     serving=serving)
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    charset = _CHARSET.search(page)
    if charset is None:
        raise ValueError("a page without <meta charset> (the policy goes after it)")
    return page[:charset.end()] + tag + page[charset.end():]


_BODY = re.compile(r"<body\b[^>]*>", re.I)


def with_problem_banner(page: str, problem: str) -> str:
    """`make serve` with broken data: the page as last built from good data, with the errors
    (file:line:col, field, code) first in its body, escaped."""
    banner = ('<div class="il2ref-problem" role="alert" style="background:#b00020;color:#fff;'
              'padding:1em;font:1rem/1.4 monospace;white-space:pre-wrap">'
              "<strong>The data has errors: this page shows the last good data until they are "
              f"fixed.</strong>\n{escape(problem)}</div>")
    body = _BODY.search(page)
    if body is None:
        return page
    return page[:body.end()] + banner + page[body.end():]
