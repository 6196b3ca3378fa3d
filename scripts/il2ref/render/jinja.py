"""The one Jinja environment factory: templates ship with the package, undefined names fail.

Two flavours of output need two escaping rules: Markdown pages escape every value through
`markup.escape` unless our code marked it `Trusted`; the printable card is HTML and uses
Jinja's own autoescaping (`Markup`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from il2ref.render.markup import escape


@lru_cache(maxsize=2)  # templates ship with the package; editor data is never cached
def environment(flavour: Literal["markdown", "html"]) -> Environment:
    loader = PackageLoader("il2ref.render", "templates")
    if flavour == "html":
        return Environment(loader=loader, undefined=StrictUndefined, autoescape=True)
    return Environment(loader=loader, undefined=StrictUndefined, keep_trailing_newline=True,
                       finalize=escape, autoescape=False)
