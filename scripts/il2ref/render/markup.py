"""Escaping of YAML text on its way into Markdown: editors' text is shown, never interpreted."""

from __future__ import annotations

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
