"""The EPUB edition: pandoc reads the print page's article (il2ref.site.print_anchors has made
its links land) and writes EPUB 3.

Pandoc starts a chapter, and a table-of-contents entry, only at a heading outside any <div> or
<section>, and mkdocs-print-site-plugin wraps every page in a <section>: read as it is, the book was
one 2.3 MB chapter with four entries in its contents. So the page sections are unwrapped first
(each keeps its id, the target of links to the page, on an empty <span> in its heading), and the
pages of a navigation group are set one heading level down, so the contents nest as the site's
navigation does. The print page's own contents list goes: the reader's is pandoc's.
"""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path

import lxml.html
import pypandoc
from lxml.html import HtmlElement

TITLE = "IL-2 Toxicity Reference"
# Pandoc's inline elements without attributes (Superscript, Emph, Strong…) drop an id, and so
# does its HTML reader on a table row; a footnote's back-link aims at its <sup>, a rule's link at
# its row: such an id moves to an empty <span>, which keeps it.
_NO_ATTRIBUTES = ("sup", "sub", "em", "i", "strong", "b", "s", "del", "u", "q", "small")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _keep_id(element: HtmlElement, into: HtmlElement) -> None:
    """`element`'s id, on an empty <span> at the start of `into`."""
    anchor = lxml.html.Element("span", id=element.attrib.pop("id"))
    anchor.tail, into.text = into.text, None
    into.insert(0, anchor)


def _one_level_down(page: HtmlElement) -> None:
    # Deepest first, so a heading moves once; an h6 stays an h6 (HTML has no h7).
    for level in range(5, 0, -1):
        for heading in page.iter(f"h{level}"):
            heading.tag = f"h{level + 1}"


def book_html(print_page: Path, edition: str) -> str:
    """The HTML pandoc reads: the article only (no navigation chrome), the edition on its first
    page, every page's heading at the level of its place in the navigation."""
    article = lxml.html.parse(str(print_page)).getroot().cssselect("article")[0]
    for junk in article.cssselect("script, .headerlink, .md-source-file, .report-error, "
                                  "#print-page-toc"):
        junk.drop_tree()
    for marked in article.xpath("|".join(f".//{tag}[@id]" for tag in _NO_ATTRIBUTES)):
        _keep_id(marked, marked)
    for row in article.xpath(".//tr[@id][td or th]"):  # a rule's row: its first cell keeps it
        _keep_id(row, row.xpath("td|th")[0])
    for page in article.cssselect("section.md-section section.print-page"):
        _one_level_down(page)
    for section in article.cssselect("section.print-page, #print-site-page"):
        heading = next((e for e in section.iter(*_HEADINGS)), None)
        if section.get("id") and heading is not None:
            _keep_id(section, heading)
        section.drop_tag()
    first = f'<p class="edition">{html_escape(edition)}</p>'
    return (f"<html><head><title>{TITLE}</title></head><body>{first}"
            + lxml.html.tostring(article, encoding="unicode") + "</body></html>")


def write(print_page: Path, out: Path, work: Path, edition: str) -> None:
    """The edition goes in the book's metadata and on its first page."""
    src = work / "reference.html"
    src.write_text(book_html(print_page, edition), encoding="utf-8")
    pypandoc.convert_file(str(src), "epub3", outputfile=str(out), extra_args=[
        "--metadata", f"title={TITLE}", "--metadata", "lang=en",
        "--metadata", f"subtitle={edition}", "--metadata", f"identifier={edition}",
        "--toc", "--toc-depth=2", "--split-level=2"])
