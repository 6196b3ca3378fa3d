"""The glossary page, from the same abbreviation list that expands abbreviations on every page."""

from __future__ import annotations

import re

from il2ref.render.markup import Trusted, escape

_ABBR = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:\s*(?P<text>.+)$")


def parse(text: str) -> list[tuple[str, str]]:
    """`*[CLS]: Capillary leak syndrome` lines (Markdown abbr syntax) → sorted pairs."""
    pairs = [(m["abbr"], m["text"].strip()) for m in map(_ABBR.match, text.splitlines()) if m]
    return sorted(pairs, key=lambda p: p[0].lower())


def glossary_markdown(pairs: list[tuple[str, str]]) -> str:
    lines = ["| Abbreviation | Meaning |", "|---|---|"]
    lines += [f"| {escape(a)} | {escape(t)} |" for a, t in pairs]
    table = "\n".join(lines)
    return Trusted(f"{table}\n\n/// table-caption\nAbbreviations and their meanings\n///")
