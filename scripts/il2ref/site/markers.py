"""Generated regions of hand-written pages: `<!-- il2ref:name -->` is replaced by its table,
as Material's own shortcodes are. An unknown marker, or a page missing one of its markers (a
deleted marker would drop its table without a word), is an error naming the file and line."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

MARKER = re.compile(r"<!-- il2ref:([a-z-]+) -->")

# Where each marker must stand.
REQUIRED = {"editors.md": {"actions", "codes", "schema"},
            "glossary.md": {"glossary", "vocabulary"},
            "performance.md": {"bench", "lighthouse", "search"},
            "about.md": {"edition", "review-cycle"}}


class MarkerError(ValueError):
    pass


def fill(markdown: str, src_uri: str, makers: Mapping[str, Callable[[], str]], *,
         first_line: int = 1) -> str:
    """`markdown` with every marker replaced by what `makers[name]()` returns. `first_line`:
    the line of the file on which `markdown` starts (after the front matter)."""
    missing = REQUIRED.get(src_uri, set()) - set(MARKER.findall(markdown))
    if missing:
        raise MarkerError(f"docs/{src_uri}: marker(s) missing: "
                          + ", ".join(f"<!-- il2ref:{m} -->" for m in sorted(missing)))

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in makers:
            line = first_line + markdown.count("\n", 0, match.start())
            col = match.start() - markdown.rfind("\n", 0, match.start())
            raise MarkerError(f"docs/{src_uri}:{line}:{col}: unknown marker "
                              f"<!-- il2ref:{name} -->; known: {', '.join(makers)}")
        return makers[name]()

    return MARKER.sub(one, markdown)
