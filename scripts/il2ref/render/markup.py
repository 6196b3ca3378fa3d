"""The one escaping point: editors' text on its way into every output is shown, never
interpreted. Markdown (`escape`), HTML that the theme writes without escaping (`html_text`: page
titles, descriptions, navigation), and spreadsheets (`spreadsheet_text`). JSON, FHIR and the
feed carry the text as it is, serialised by their own writers (json, feedgen)."""

from __future__ import annotations

import html
import re

# Characters that start inline Markdown, HTML, mkdocs-bibtex (`@`), footnote (`^`), table (`|`),
# attribute-list (`{`) or maths (`$`) syntax anywhere in a line. Each becomes a numeric entity,
# which Python-Markdown passes through and the browser shows as the character itself. Hyphens
# and other characters are left alone so that glossary abbreviations such as "IL-2" still match.
_INLINE = "\\`*_[]<>&@^|{}~$"
_INLINE_CHAR = re.compile(f"[{re.escape(_INLINE)}]")
# Characters that only matter at the start of a block: lists, headings, ordered lists, and
# pymdownx's admonitions (!!!), collapsible details (???) and blocks (///).
_LEADING = re.compile(r"^([-+#=:>!?/]|\d+[.)])")


class Trusted(str):
    """Markdown produced by our own templates, not by editors: not escaped again."""


def flatten(text: object) -> str:
    """Collapse newlines and runs of spaces: a line break in a claim must not start a block."""
    return " ".join(str(text).split())


def escape_inline(text: str) -> str:
    # A regex finds the few such characters quicker than str.translate scans every one.
    return _INLINE_CHAR.sub(lambda m: f"&#{ord(m.group())};", text)


def guard_leading(text: str) -> str:
    lead = _LEADING.match(text)
    if lead:
        first = lead.group(1)
        return f"&#{ord(first[0])};{first[1:]}{text[len(first):]}"
    return text


def escape(text: object) -> str:
    if isinstance(text, Trusted):
        return text
    return guard_leading(escape_inline(flatten(text)))


def attribute(text: object) -> Trusted:
    """Text for a double-quoted HTML attribute that our own Markdown templates write: escaped
    as Markdown text is, and `"` as an entity, so it can end neither the attribute nor the
    element."""
    return Trusted(escape_inline(flatten(text)).replace('"', "&#34;"))


_LINK_TITLE = str.maketrans({'"': "&#34;", "'": "&#39;", "(": "&#40;", ")": "&#41;"})


def link_title(text: object) -> Trusted:
    """Text for the quoted title of a Markdown link: escaped, and without the quotes and
    parentheses that Python-Markdown would read as the end of the title or of the link."""
    return Trusted(escape_inline(flatten(text)).translate(_LINK_TITLE))


def html_text(text: object) -> str:
    """Text for HTML written by MkDocs and Material without escaping (`<title>`, the meta
    description, navigation, the page header) and for the search index they fill from it.
    `"` too: Material writes titles into attributes. Not `'`: Material escapes some titles
    again (`aria-label`), and an apostrophe there would read as `&#x27;`."""
    return html.escape(flatten(text), quote=False).replace('"', "&quot;")


# OWASP's CSV injection advice: a cell a spreadsheet could read as a formula (or as a DDE
# call) starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A text cell that a spreadsheet shows and never runs: a leading single quote before a
    formula's first character (the writer quotes every text cell as well)."""
    return "'" + text if text.startswith(FORMULA_START) else text
