"""The print page's in-page links, made to land (the PDFs and the EPUB are printed from it).

mkdocs-print-site-plugin joins every page into one and rewrites each internal link to
`#<page key>-<id>`, but it renames ids only when the first tag on a line is h1–h6, sup or li, and
then only the first id on that line (`urls.update_anchor_ids`, 2.9). A statement's span, a
footnote's back-link or a heading after Material's tags lost their target: 2,652 of the print
page's 6,076 internal links pointed nowhere and 307 ids were used more than once (pandoc warned
"Duplicate identifier" while making the EPUB). No option of the plugin changes this, and its
per-line regexes cannot be fixed from outside, so this pass finishes the renaming it began.

Within each page's `<section class="print-page" id="KEY">` an id `x` becomes `KEY-x` when a link
asks for `#KEY-x` and nothing has that id yet (the plugin's own rewrite of a link to `x` on page
KEY), or when `x` is used elsewhere too; `for` and `aria-*` references in the same section follow.
Ids the plugin already renamed are left as they are.

A link to a file beside the pages (the downloads, the change feed) stays relative in the print
page, which would send a PDF or EPUB reader to a file next to wherever the book was saved: such a
link is made absolute on the published address. The text is changed in these attributes only, so
the rest of the page stays byte for byte what the plugin wrote.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

# The plugin writes these three shapes itself (urls.fix_internal_links); nav sections are
# single-quoted, so `_PAGE` meets page sections only.
_PAGE = re.compile(r'<section class="print-page" id="([^"]+)"[^>]*>')
_ID = re.compile(r'(\sid=")([^"]*)(")')
_LINK = re.compile(r'\shref="#([^"]*)"')
_AWAY = re.compile(r'(\shref=")([^"#][^"]*)(")')
_REFERS = re.compile(
    r'(\s(?:for|aria-describedby|aria-labelledby|aria-controls|aria-owns|aria-details)=")'
    r'([^"]*)(")')


def fix(html: str, address: str) -> str:
    """The print page with every in-page link landing on its own page's element, and every
    other link in the pages absolute; `address` is the print page's published URL."""
    pages = list(_PAGE.finditer(html))
    if not pages:
        return html
    end = html.rfind("</section>")  # after it: the theme's footer, whose ids are its own
    linked = set(_LINK.findall(html))
    used = Counter(m.group(2) for m in _ID.finditer(html))
    parts = [html[:pages[0].start()]]
    for n, page in enumerate(pages):
        body = html[page.end():pages[n + 1].start() if n + 1 < len(pages) else end]
        parts += [page.group(0), _one_page(page.group(1), body, linked, used, address)]
    parts.append(html[end:])
    return "".join(parts)


def _one_page(key: str, body: str, linked: set[str], used: Counter[str], address: str) -> str:
    renamed: dict[str, str] = {}
    for found in _ID.finditer(body):
        old = found.group(2)
        new = f"{key}-{old}"
        if old in renamed or used[new]:
            continue
        if new in linked or used[old] > 1:
            renamed[old] = new
            used[old] -= 1
            used[new] += 1
    if renamed:
        body = _ID.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)) + m.group(3),
                       body)
        body = _REFERS.sub(
            lambda m: m.group(1) + " ".join(renamed.get(t, t) for t in m.group(2).split())
            + m.group(3), body)
    return _AWAY.sub(lambda m: m.group(1) + _absolute(m.group(2), address) + m.group(3), body)


def _absolute(href: str, address: str) -> str:
    return href if urlsplit(href).scheme else urljoin(address, href)


def fix_file(path: Path, address: str) -> None:
    path.write_text(fix(path.read_text(encoding="utf-8"), address), encoding="utf-8")
