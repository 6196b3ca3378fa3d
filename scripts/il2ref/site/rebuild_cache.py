"""What a `make serve` rebuild reuses from the builds before it: in this process only.

MkDocs rebuilds the whole site after every save. Most of that work repeats a page's earlier
result exactly: its Markdown converted to HTML (half of a build), its search entries, Material's
templates compiled. Each result here is kept under a digest of everything it depends on (listed
at each key), so a changed input can only miss, never hit a stale entry. A clean build (`make
build`, `make export`, CI) is a new process and starts with nothing; tests/test_serve_rebuild.py
proves, for a set of edits, that the site after each edit is byte-identical to a clean build's.

Written here, not taken from a library: MkDocs has no incremental build (its `--dirty` mode
rebuilds only changed source files and leaves every other page's navigation stale), and no
plugin in the ecosystem keeps page results between rebuilds.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from il2ref.core.cache import digest
from il2ref.load import yaml_source

ON = {"serving": False}  # set by the hook under `mkdocs serve` only

# digest -> result; each build keeps only what it used (a long session does not grow).
_RENDERED: dict[str, dict[str, Any]] = {}
_SEARCH: dict[str, list[dict[str, Any]]] = {}
_BYTECODE: dict[str, bytes] = {}
_OUTPUT: dict[str, str] = {}
_FINISHED: dict[str, str] = {}
_USED: set[str] = set()
REUSED: dict[str, int] = {}  # kind -> results reused in the last build (tests, bench)
_THIS_BUILD: dict[str, bytes | None] = {}  # digests every page of one build shares
_SNIPPET = "--8<--"  # pymdownx.snippets: a page that includes files is always converted


def serving(on: bool) -> None:
    """Called by the hook at start-up: reuse only in `mkdocs serve`'s process."""
    ON["serving"] = on
    yaml_source.REMEMBER["on"] = on  # each data file read again only when its bytes change


def start_build() -> None:
    _USED.clear()
    REUSED.clear()
    _THIS_BUILD.clear()


def end_build() -> None:
    """After a build that finished: forget what it did not use."""
    for memo in (_RENDERED, _SEARCH, _OUTPUT, _FINISHED):
        for key in [k for k in memo if k not in _USED]:
            del memo[key]


def _reused(kind: str) -> None:
    REUSED[kind] = REUSED.get(kind, 0) + 1


@contextmanager
def _no_warnings() -> Iterator[list[logging.LogRecord]]:
    """Collect every warning logged anywhere while converting: a result that warned is not
    kept, so the next build warns again (under --strict, fails again)."""
    seen: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    catch = Catch(logging.WARNING)
    root = logging.getLogger()
    # MkDocs' own logger does not propagate while it prints (mkdocs.__main__): catch both.
    loggers = {root, logging.getLogger("mkdocs")}
    for one in loggers:
        one.addHandler(catch)
    try:
        yield seen
    finally:
        for one in loggers:
            one.removeHandler(catch)


def _files_digest(files: Files) -> bytes:
    """Which files exist and where each is written: what MkDocs' link checks and relative URLs
    read. Adding or moving any file changes every page's key."""
    return _json(sorted((f.src_uri, f.dest_uri, f.url, f.inclusion.name) for f in files))


def _config_digest(config: MkDocsConfig) -> bytes:
    """The parts of the configuration Markdown conversion reads, and the files
    pymdownx.snippets appends to every page."""
    appended = []
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    for name in snippets.get("auto_append", []):
        path = Path(name)
        appended.append(path.read_bytes() if path.is_file() else b"(missing)")
    return digest(_json([config.markdown_extensions, config.mdx_configs,
                         config.use_directory_urls, config.docs_dir, str(config.validation)]),
                  *appended).encode()


def _render_key(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if _SNIPPET in markdown:
        return None
    return "render:" + digest(markdown.encode(),
                              _json([page.file.src_uri, page.file.dest_uri, page.file.url]),
                              _config_digest(config), _files_digest(files))


def reuse_render(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> None:
    """Called after every other `on_page_markdown` with the Markdown they made (MkDocs sets
    `page.markdown` to it only after the last one): replaces this page's `render`, which
    MkDocs calls next, by the stored result when the same Markdown was converted in the same
    setting, else by the real conversion that stores its result."""
    if not ON["serving"]:
        return
    key = _render_key(markdown, page, config, files)
    if key is None:
        return
    real = page.render

    def restore(config: MkDocsConfig, files: Files) -> None:
        if page.markdown != markdown:
            return real(config, files)
        stored = _RENDERED[key]
        _reused("Markdown")
        page.content = stored["content"]
        page.toc = copy.deepcopy(stored["toc"])
        page._title_from_render = stored["title"]
        page.present_anchor_ids = set(stored["anchors"])
        links = {}
        for src_uri, anchors in stored["links"].items():
            target = files.get_file_from_path(src_uri)
            if target is None:  # cannot happen: the file list is in the key
                return convert(config, files)
            links[target] = dict(anchors)
        page.links_to_anchors = links

    def convert(config: MkDocsConfig, files: Files) -> None:
        if page.markdown != markdown:  # not what the key was made from: never store it
            return real(config, files)
        with _no_warnings() as warned:
            real(config, files)
        if warned:
            return
        _RENDERED[key] = {
            "content": page.content, "toc": copy.deepcopy(page.toc),
            "title": page._title_from_render,
            "anchors": set(page.present_anchor_ids or ()),
            "links": {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()},
        }

    _USED.add(key)
    page.render = restore if key in _RENDERED else convert  # type: ignore[method-assign]


def finished(finish: Callable[[str], str], output: str, *settings: object) -> str:
    """`finish(output)`, a pure function of the page and `settings`, reused for the same."""
    if not ON["serving"]:
        return finish(output)
    key = "finished:" + digest(output.encode(), _json(settings))
    _USED.add(key)
    if key in _FINISHED:
        _reused("finish")
    else:
        _FINISHED[key] = finish(output)
    return _FINISHED[key]


def _toc_json(items: list[AnchorLink]) -> list[Any]:
    return [[i.title, i.id, i.level, _toc_json(i.children)] for i in items]


def reuse_search(search_index: Any) -> None:
    """Material's search plugin splits each page's HTML into entries; the same page (content,
    contents list, address, front matter, title) gives the same entries."""
    if not ON["serving"] or search_index is None:
        return
    real: Callable[[Page], None] = search_index.add_entry_from_context

    def add(page: Page) -> None:
        key = "search:" + digest(
            (page.content or "").encode(),
            _json([_toc_json(list(page.toc)), page.url, page.title, page.meta]))
        _USED.add(key)
        if key in _SEARCH:
            _reused("search")
            search_index.entries.extend(copy.deepcopy(_SEARCH[key]))
            return
        before = len(search_index.entries)
        real(page)
        _SEARCH[key] = copy.deepcopy(search_index.entries[before:])

    search_index.add_entry_from_context = add


class _Bytecode(jinja2.BytecodeCache):
    """Material's templates compiled once per process. Jinja names each entry by template and
    checks the source's checksum itself, so a changed template is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = _BYTECODE.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        _BYTECODE[bucket.key] = bucket.bytecode_to_string()


def _json(value: Any) -> bytes:
    return json.dumps(value, default=repr, sort_keys=True).encode()


def _config_state(config: MkDocsConfig) -> bytes | None:
    """Every setting a template may read, the theme's own templates (il2ref's custom_dir; the
    installed Material cannot change while the process runs), or None if some setting has no
    stable text (an object shown by its address): then nothing is reused."""
    settings: dict[str, Any] = {}
    for name, value in config.items():
        if name == "plugins":
            value = {n: dict(getattr(p, "config", None) or {}) for n, p in value.items()}
        elif name == "hooks":
            value = sorted(value)
        elif name == "theme":
            value = [dict(value), value.dirs]
        settings[name] = value
    text = _json(settings)
    if b" at 0x" in text:
        return None
    custom = Path(str(config.theme.custom_dir or ""))
    files = sorted(custom.rglob("*")) if custom.is_dir() else []
    return digest(text, version("mkdocs-material").encode(),
                  *(f.as_posix().encode() + f.read_bytes() for f in files if f.is_file())
                  ).encode()


def _nav_state(items: list[Any]) -> list[Any]:
    return [[type(i).__name__, i.title, getattr(i, "url", None), getattr(i, "meta", None),
             getattr(getattr(i, "file", None), "src_uri", None),
             _nav_state(list(i.children or []))] for i in items]


def _page_state(page: Page) -> bytes:
    near = [[p.title, p.url] if p is not None else None
            for p in (page.previous_page, page.next_page)]
    return _json([page.file.src_uri, page.url, page.canonical_url, page.abs_url, page.edit_url,
                  page.is_homepage, page.title, page.meta, _toc_json(list(page.toc)), near,
                  page.content])


def _output_key(context: dict[str, Any], name: str) -> str | None:
    """What a page's template output depends on: the template, the settings and theme, the
    whole navigation (titles, addresses, front matter: every page lists the others), the page
    (its HTML, contents, front matter, neighbours) and the rest of the context. Not
    `build_date_utc`, which changes every build and which no template reads
    (tests/test_serve_rebuild.py checks)."""
    page, config, nav = context.get("page"), context.get("config"), context.get("nav")
    if not isinstance(page, Page) or config is None or nav is None:
        return None
    if "config" not in _THIS_BUILD:
        _THIS_BUILD["config"] = _config_state(config)
        _THIS_BUILD["nav"] = _json(_nav_state(list(nav)))
        _THIS_BUILD["pages"] = _json([[f.src_uri, f.url] for f in context.get("pages", [])])
    if _THIS_BUILD["config"] is None:
        return None
    rest = {k: v for k, v in context.items()
            if k not in ("page", "config", "nav", "pages", "build_date_utc")}
    return "output:" + digest(name.encode(), _THIS_BUILD["config"], _THIS_BUILD["nav"] or b"",
                              _THIS_BUILD["pages"] or b"", _page_state(page), _json(rest))


class _Remembered(jinja2.Template):
    """A page's whole HTML from the theme, kept under `_output_key`. Only the call MkDocs makes
    for a page goes through here: Jinja's own extends and includes do not call `render`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        key = _output_key(context, self.name or "") if ON["serving"] else None
        if key is None:
            return super().render(context)
        _USED.add(key)
        if key in _OUTPUT:
            _reused("template")
            return _OUTPUT[key]
        with _no_warnings() as warned:
            output = super().render(context)
        if not warned:
            _OUTPUT[key] = output
        return output


def reuse_templates(env: jinja2.Environment) -> jinja2.Environment:
    if ON["serving"]:
        env.bytecode_cache = _Bytecode()
        env.template_class = _Remembered
    return env
