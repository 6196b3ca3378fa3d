"""The change feed (`changes.xml`, Atom): one entry per release, listing statement by
statement and rule by rule what was added, changed or removed, each linked to its place, and
for a changed one each field that changed, in words (il2ref.load.history).
Written by feedgen, a maintained Atom/RSS library, so the XML and its escaping are not ours."""

from __future__ import annotations

import datetime as dt
import uuid
from html import escape

from feedgen.feed import FeedGenerator

from il2ref.core.model import Release
from il2ref.core.units import plain_text

FEED = "changes.xml"  # at the site root


def _urn(*parts: str) -> str:
    # Stable ids (Atom asks that an entry's id never change): derived from names, not dates.
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)).urn


def _content(r: Release, href: dict[str, str], changes_page: str) -> str:
    """The entry's HTML. Every text from YAML goes through `escape` (feedgen then escapes the
    whole HTML once more as the element's text, as Atom's type="html" asks)."""
    def link(item: str) -> str:
        return f'<a href="{escape(href.get(item, changes_page))}"><code>{escape(item)}</code></a>'

    def text(words: str) -> str:
        return escape(plain_text(words))

    c = r.changes
    parts = [f"<p>{len(c.added)} added, {len(c.changed)} changed, {len(c.removed)} removed.</p>"]
    if c.added:
        parts.append("<h3>Added</h3><ul>" + "".join(
            f"<li>{link(i)}: {text(t)}</li>" for i, t in c.added) + "</ul>")
    if c.changed:
        # (id, what it is now, what changed: one sentence a line), from il2ref.load.history
        parts.append("<h3>Changed</h3><ul>" + "".join(
            f"<li>{link(i)}: {text(now)}<ul>"
            + "".join(f"<li>{text(line)}</li>" for line in said.split("\n"))
            + "</ul></li>" for i, now, said in c.changed) + "</ul>")
    if c.removed:
        parts.append("<h3>Removed</h3><ul>" + "".join(
            f"<li><code>{escape(i)}</code>: {text(t)}</li>" for i, t in c.removed) + "</ul>")
    return "".join(parts)


def feed_xml(releases: list[Release], *, places: dict[str, str], site_name: str,
             site_url: str, edition: str, built: str, directory_urls: bool) -> bytes:
    """`places`: statement or rule id -> its page's slug. Links are absolute under `site_url`,
    or relative to the feed (at the site root) when there is none (the offline bundle)."""
    base = site_url.rstrip("/") + "/" if site_url else ""

    def page(slug: str) -> str:
        return f"{base}{slug}/" if directory_urls else f"{base}{slug}.html"

    changes_page = page("changes")
    href = {item: f"{page(slug)}#{item}" for item, slug in places.items()}
    fg = FeedGenerator()
    fg.id(_urn(site_name, "changes"))
    fg.title(f"{site_name}: what changed")
    fg.subtitle("Clinical statements and hold and stop rules added, changed or removed, "
                "release by release.")
    fg.author({"name": site_name})
    fg.link(href=changes_page, rel="alternate", type="text/html")
    fg.link(href=f"{base}{FEED}", rel="self", type="application/atom+xml")
    fg.language("en")
    fg.generator("il2ref (feedgen)")
    for r in releases:  # newest first
        when = dt.datetime.fromisoformat(r.date)
        entry = fg.add_entry(order="append")
        name = f"Release {r.tag}" if r.tag else f"{edition}, not yet released"
        entry.id(_urn(site_name, "release", r.tag or "unreleased"))
        entry.title(name)
        entry.updated(when)
        entry.published(when)
        entry.link(href=changes_page, rel="alternate", type="text/html")
        entry.content(_content(r, href, changes_page), type="html")
    dates = [dt.datetime.fromisoformat(r.date) for r in releases]
    fg.updated(max(dates, default=dt.datetime.fromisoformat(f"{built}T00:00:00+00:00")))
    return bytes(fg.atom_str(pretty=True))
