"""A Python-Markdown extension: `<caption>` is a block-level element.

md_in_html does not know the tag, so inside `<table markdown="1">` it took a caption for
paragraph text and wrapped it in `<p>` (invalid HTML, and the caption lost its table). Named in
mkdocs.yml as `il2ref.site.caption`; md_in_html reads the list when it parses, so the order of
the two extensions does not matter.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension


class CaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        if "caption" not in md.block_level_elements:
            md.block_level_elements.append("caption")


def makeExtension(**kwargs: object) -> CaptionExtension:  # noqa: N802 (Python-Markdown's name)
    return CaptionExtension(**kwargs)
