"""`il2ref plain`: the site as a folder of ordinary Markdown, the second door (issue #29).

Every page, generated and hand-written, as the MkDocs build would convert it, with what the
hook and mkdocs-bibtex do at build time already done: markers filled, citations turned into
numbered footnotes with their reference lists, the glossary's abbreviations appended, the
navigation written out in a minimal `mkdocs.yml`, beside the site's theme folder (templates
only). The folder needs no hook, no plugin and no project code: Zensical (Material's
successor) builds it as it is. The MkDocs build is unchanged; both doors are made from the
same model, with the same marker table (`il2ref.site.build.page_makers`) and the same
formatted references (`il2ref.site.citations`, kept in `.cache/`).

What the plain folder cannot carry (the site's search worker wrapper, the per-page CSP
`<meta>`, the print PDF, ...) is listed on the Performance page ("The second door").
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils.meta import get_data

from il2ref.core.cache import CACHE_DIR
from il2ref.core.dates import build_date
from il2ref.core.diagnostics import ValidationFailed
from il2ref.core.model import Corpus
from il2ref.core.progress import stage
from il2ref.load.config import CONFIG, read_config
from il2ref.load.corpus import BIB_FILE, require_corpus
from il2ref.load.edition import edition_id, release_or_commit
from il2ref.render.glossary import SEARCH_TERMS, search_terms_js
from il2ref.site import citations, data_files, markers, pages
from il2ref.site.build import ABBREVIATIONS, issues_url_for, page_makers
from il2ref.site.html import strip_nocase

PLAIN_DIR = Path(".build/plain")  # the folder; Zensical builds it into PLAIN_DIR / "site"
OFFLINE_DIR = Path(".build/plain-offline")  # from mkdocs.offline.yml: opens from file://
# The offline plugin would fetch iframe-worker's shim from a CDN; the folder ships it, as the
# export does for the MkDocs offline zip (extra.polyfills in mkdocs.offline.yml names it).
SHIM = Path("node_modules/iframe-worker/shim/index.js")
SHIM_IN_SITE = "assets/javascripts/iframe-worker-shim.js"
DOCS = "docs"
OFFLINE_CONFIG = "mkdocs.offline.yml"
# What mkdocs.yml lists that the plain folder does without: the caption extension is project
# code (`<caption>` inside the rule tables then lands in a <p>: same text, looser HTML), and
# snippets only appended the abbreviations, which each page now carries itself.
DROPPED_EXTENSIONS = ("il2ref.site.caption", "pymdownx.snippets")
# The site's theme folder: Material templates only (the feed link, "Report an error in this
# page", the rule filters' script), which Zensical reads too; copied beside the Markdown.
THEME = Path(__file__).resolve().parents[1] / "site" / "theme"
OVERRIDES = "overrides"
BIB_COMMAND = "\\bibliography"  # mkdocs-bibtex's default bib_command, as mkdocs.yml leaves it

# Anything that shows the page was not finished: a marker, a citation key, a bibliography
# command. Python-Markdown would print each one to the reader as it is.
LEFTOVERS = re.compile(rf"{markers.MARKER.pattern}|\[[^\]\n]*@[\w-]+[^\]\n]*\]"
                       r"|\\(?:full_)?bibliography\b")
_CODE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


class PlainError(ValueError):
    """The plain folder would show a reader something unfinished; nothing is written."""


def leftovers(markdown: str, where: str) -> list[str]:
    """Every raw marker, citation or bibliography command left in a page, each at its line
    (fenced code is shown as written, so it is not searched)."""
    blanked = _CODE.sub(lambda m: "\n" * m[0].count("\n"), markdown)
    found = []
    for m in LEFTOVERS.finditer(blanked):
        if "@" in m[0] and m[0].startswith("[") and not citations.cited_keys(m[0]):
            continue  # square brackets around an e-mail address or a bare "@": not a citation
        line = blanked.count("\n", 0, m.start()) + 1
        found.append(f"{where}:{line}: left raw: {m[0][:60]}")
    return found


def resolve_citations(markdown: str, registry: Any, bib_keys: set[str] | Any,
                      where: str) -> str:
    """What mkdocs-bibtex does to a page (AMA is a numeric style: footnotes only): each
    `[@key]` becomes the footnote `[^key]` Python-Markdown numbers, and `\\bibliography` the
    footnotes' texts. A key it cannot resolve, the plugin drops without a word: here it is an
    error naming the page."""
    from mkdocs_bibtex.citation import Citation, CitationBlock

    blocks = CitationBlock.from_markdown(markdown)
    unknown = sorted({c.key for b in blocks for c in b.citations} - set(bib_keys))
    if unknown:
        raise PlainError(f"{where}: unknown citation key(s): {', '.join(unknown)}")
    registry.validate_citation_blocks(blocks)  # pandoc runs only for a reference not stored
    cited: dict[str, None] = {}
    for block in blocks:
        for c in block.citations:
            if c.key not in registry._reference_cache:
                raise PlainError(f"{where}: citation @{c.key} has no formatted reference")
            cited[c.key] = None
        markdown = markdown.replace(str(block), registry.inline_text(block))
    notes = "\n".join(f"[^{key}]: {strip_nocase(registry.reference_text(Citation(key=key)))}"
                      for key in cited)
    return markdown.replace(BIB_COMMAND, notes)


@dataclass(frozen=True)
class Door:
    """One build's inputs for `plain_page`."""
    makers: dict[str, Callable[[], str]]
    registry: Any
    bib_keys: set[str]
    abbreviations: str


def plain_page(source: str, path: str, door: Door) -> str:
    """One page's file as the plain folder holds it: front matter kept, body finished."""
    body, meta = get_data(source)
    front = source[:len(source) - len(body)]
    where, first_line = f"{DOCS}/{path}", front.count("\n") + 1
    if meta.get("tags") and front.startswith("---\n") and "hide" not in meta:
        # The tags are readers' search words (render/templates/page.md.j2). Material shows them
        # only with its tags plugin, which the site leaves off; Zensical shows every page's
        # tags under its text unless told to hide them, and still searches them.
        front = "---\nhide: [tags]\n" + front[len("---\n"):]
    try:
        body = markers.fill(body, path, door.makers, first_line=first_line)
    except markers.MarkerError as wrong:
        raise PlainError(str(wrong)) from None
    body = resolve_citations(body, door.registry, door.bib_keys, where)
    page = f"{front}{body.rstrip()}\n\n{door.abbreviations.rstrip()}\n"
    problems = leftovers(page, where)
    if problems:
        raise PlainError("\n".join(problems))
    return page


def plain_config(raw: dict[str, Any], nav: list[Any], edition: str,
                 built: str) -> dict[str, Any]:
    """mkdocs.yml for the plain folder: the site's settings and theme (its template folder
    copied beside it), the navigation written out, no hook, no bibtex plugin."""
    theme = {**raw.get("theme", {}), "custom_dir": OVERRIDES}
    extra = dict(raw.get("extra") or {})
    # What il2ref.site.build.configure gives the theme at build time, written down.
    extra["il2ref"] = {"edition": edition, "built": built,
                       "issues": issues_url_for(str(extra.get("repository") or ""))}
    listed = raw.get("plugins") or []
    items = list(listed.items()) if isinstance(listed, dict) else [
        next(iter(p.items())) if isinstance(p, dict) else (p, {}) for p in listed]
    plugins = [{name: options or {}} for name, options in items if name != "bibtex"]
    extensions = [e for e in raw.get("markdown_extensions", [])
                  if _names([e])[0] not in DROPPED_EXTENSIONS]
    config: dict[str, Any] = {
        "site_name": raw.get("site_name", ""),
        "site_description": raw.get("site_description", ""),
        "site_url": raw.get("site_url") or "",
        "copyright": f"{raw.get('copyright') or ''} {edition}.".strip(),
        "docs_dir": DOCS,
        "site_dir": "site",
        "use_directory_urls": directory_urls(raw),
        "nav": nav,
        "theme": theme,
        "extra": extra,
        "extra_css": raw.get("extra_css", []),
        "extra_javascript": raw.get("extra_javascript", []),
        "plugins": plugins,
        "markdown_extensions": extensions,
    }
    return {k: v for k, v in config.items() if v not in ("", [], None)}


@dataclass(frozen=True)
class Written:
    folder: Path
    pages: list[str]  # paths in docs/
    files: list[str]  # the other files in docs/, copied or generated


def offline(raw: dict[str, Any]) -> bool:
    """The config asks for the file:// edition (Material's and Zensical's `offline` plugin),
    which turns directory URLs off."""
    return any(name in ("offline", "material/offline") for name in _names(raw.get("plugins")))


def directory_urls(raw: dict[str, Any]) -> bool:
    return bool(raw.get("use_directory_urls", True)) and not offline(raw)


def _names(entries: Any) -> list[str]:
    """Plugin or extension names from a list of names and one-key dicts, or from a mapping."""
    if isinstance(entries, dict):
        return [str(k) for k in entries]
    return [str(next(iter(e)) if isinstance(e, dict) else e) for e in entries or []]


def door(root: Path, corpus: Corpus, raw: dict[str, Any], edition: str) -> Door:
    """What every page of one plain folder is finished with; the references formatted once
    (kept in `.cache/`, the same texts as the MkDocs build's footnotes)."""
    from mkdocs_bibtex.registry import PandocRegistry

    registry = PandocRegistry(bib_files=[str(root / BIB_FILE)],
                              csl_file=citations.default_style(), csl_file_encoding=None)
    citations.format_cited(registry, corpus, root / CACHE_DIR)
    extra = raw.get("extra") or {}
    return Door(page_makers(root, corpus, edition, int(extra.get("review_interval_days", 365))),
                registry, set(corpus.bib_keys),
                (root / ABBREVIATIONS).read_text(encoding="utf-8"))


def write_plain(root: Path, out: Path, *, built: str, config: str = CONFIG) -> Written:
    """The plain folder at `out` from `config` (mkdocs.yml, or mkdocs.offline.yml for the
    file:// edition), replaced whole, built aside first so a failure keeps the last one.
    Raises ValidationFailed for bad data, PlainError for an unfinished page."""
    corpus, _ = require_corpus(root, built=built)
    raw = read_config(root, config)
    by_folder = directory_urls(raw)
    interval = int((raw.get("extra") or {}).get("review_interval_days", 365))
    edition, ref = edition_id(root), release_or_commit(root)
    finish = door(root, corpus, raw, edition)
    registry = finish.registry
    generated = pages.generated_pages(
        corpus, root, built=built, edition=edition, review_interval_days=interval,
        directory_urls=by_folder, site_name=str(raw.get("site_name", "")),
        site_url=str(raw.get("site_url") or ""), ref=ref)
    docs = root / DOCS
    hand = {f.relative_to(docs).as_posix(): f.read_text(encoding="utf-8")
            for f in sorted(docs.rglob("*.md")) if not _skipped(f.relative_to(docs))}
    sources = {**hand, **dict(generated.pages)}
    finished = {path: plain_page(text, path, finish) for path, text in sources.items()}
    other: dict[str, bytes] = {
        **{f.relative_to(docs).as_posix(): f.read_bytes() for f in sorted(docs.rglob("*"))
           if f.is_file() and f.suffix != ".md" and not _skipped(f.relative_to(docs))},
        **dict(generated.files),
        SEARCH_TERMS: search_terms_js(corpus.vocabulary, corpus.pages,
                                      directory_urls=by_folder).encode(),
        **{f"{data_files.FILES}/{name}": content for name, content in data_files.data_files(
            corpus, citations.plain_texts(registry, corpus, root / CACHE_DIR), edition=edition,
            built=built, site_url=str(raw.get("site_url") or ""))},
    }
    if offline(raw):
        if not (root / SHIM).is_file():
            raise PlainError(f"{SHIM} is missing: the offline search needs it (run `npm ci`)")
        other[SHIM_IN_SITE] = (root / SHIM).read_bytes()
    aside = out.with_name(out.name + ".new")
    shutil.rmtree(aside, ignore_errors=True)
    for path, text in finished.items():
        _write(aside / DOCS / path, text.encode())
    for path, content in other.items():
        _write(aside / DOCS / path, content)
    settings = plain_config(raw, pages.nav(raw.get("nav") or [], corpus), edition, built)
    for template in sorted(THEME.glob("*.html")):
        _write(aside / OVERRIDES / template.name, template.read_bytes())
    _write(aside / CONFIG, (
        "# Written by `il2ref plain` (make plain) from the project's mkdocs.yml and data: do not\n"
        "# edit. Built by Zensical (`zensical build`) or MkDocs with Material, no plugin needed.\n"
        + yaml.safe_dump(settings, sort_keys=False, allow_unicode=True, width=100)).encode())
    shutil.rmtree(out, ignore_errors=True)
    aside.rename(out)
    return Written(out, sorted(finished), sorted(other))


def _skipped(relative: Path) -> bool:
    """docs/data (the YAML) and docs/includes (the glossary, already in every page) are the
    generator's inputs, not pages."""
    return relative.parts[0] in ("data", "includes")


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def main(out: Path | None = None, *, for_offline: bool = False) -> int:
    root = Path.cwd()
    folder = root / (out or (OFFLINE_DIR if for_offline else PLAIN_DIR))
    try:
        with stage("plain", f"Markdown into {folder}"):
            written = write_plain(root, folder, built=build_date(),
                                  config=OFFLINE_CONFIG if for_offline else CONFIG)
    except (ValidationFailed, PlainError) as failed:
        print(str(failed), file=sys.stderr)
        return 1
    print(f"plain: {len(written.pages)} pages and {len(written.files)} other files in "
          f"{written.folder}; build it with `zensical build -f {written.folder}/mkdocs.yml`")
    return 0
