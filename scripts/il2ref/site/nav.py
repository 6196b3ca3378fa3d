"""The navigation: the hand-written pages as mkdocs.yml lists them, with the generated pages
inserted where `il2ref.site.pages.GENERATED` places them and the data pages in their groups."""

from __future__ import annotations

from typing import Any

from il2ref.core.model import Corpus
from il2ref.core.rules import GROUPS
from il2ref.render.markup import html_text

# A group with more pages than this is split into parts of at most this many. Material writes
# the whole navigation into every page; with `navigation.prune` it leaves out the parts that
# are not open, so a reference of 1,000 pages does not make each page 1,000 links long (and
# its build quadratic: measured 32 s -> 18 s for the 10,000-excerpt floor).
NAV_PART = 30
DATA_PAGES = "data pages"  # where the groups of data pages go, as a generated page's `after`

Nav = list[Any]  # MkDocs' own nav shape: strings and one-key dicts


def _parts(pages: list[dict[str, str]]) -> list[dict[str, Any]]:
    if len(pages) <= NAV_PART:
        return list(pages)
    out: list[dict[str, Any]] = []
    for start in range(0, len(pages), NAV_PART):
        part = pages[start:start + NAV_PART]
        first, last = next(iter(part[0])), next(iter(part[-1]))
        out.append({f"{first} – {last}": part})
    return out


def data_groups(corpus: Corpus) -> Nav:
    """One section per navigation group: add a YAML file and its page appears in its group."""
    out: Nav = []
    for group in GROUPS:
        # MkDocs and Material write nav titles into every page as they are.
        pages = [{html_text(p.title): f"{p.slug}.md"} for p in corpus.pages if p.group == group]
        if pages:
            out.append({group: _parts(pages)})
    return out


def _path(entry: Any) -> str | None:
    value = next(iter(entry.values())) if isinstance(entry, dict) else entry
    return value if isinstance(value, str) else None


def merged(hand_written: Nav, inserts: dict[str, list[tuple[str, Nav]]]) -> Nav:
    """`hand_written` with, after each entry whose path is a key of `inserts`, the entries
    listed for it; each inserted (key, entries) may itself be followed by others."""
    placed: set[str] = set()

    def following(key: str) -> Nav:
        out: Nav = []
        for name, entries in inserts.get(key, []):
            placed.add(name)
            out += entries + following(name)
        return out

    def walk(entries: Nav) -> Nav:
        out: Nav = []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(next(iter(entry.values())), list):
                title, children = next(iter(entry.items()))
                out.append({title: walk(children)})
                continue
            out.append(entry)
            path = _path(entry)
            if path is not None:
                out += following(path)
        return out

    nav = walk(hand_written)
    lost = {name for items in inserts.values() for name, _ in items} - placed
    if lost:
        raise ValueError("mkdocs.yml nav: no place for " + ", ".join(sorted(lost))
                         + " (each follows an entry that is not in the nav)")
    return nav
