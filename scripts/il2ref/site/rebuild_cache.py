"""What a build reuses from the builds before it.

MkDocs rebuilds the whole site after every save. Most of that work repeats a page's earlier
result exactly: its Markdown converted to HTML (half of a build), its search entries, Material's
templates compiled. Each result here is kept under a digest of everything it depends on (listed
at each key), so a changed input can only miss, never hit a stale entry. Under `make serve`
everything is kept in the process; every build (`make build`, `make export`) also keeps each
page's converted HTML in `.cache/il2ref/pages/`, keyed as well by the code that converts it.
tests/test_serve_rebuild.py proves, for a set of edits, that the site after each edit, rebuilt
in the serving process or in a new one with `.cache/` kept, is byte-identical to a build with
nothing kept.

Written here, not taken from a library: MkDocs has no incremental build (its `--dirty` mode
rebuilds only changed source files and leaves every other page's navigation stale), and no
plugin in the ecosystem keeps page results between rebuilds.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import sysconfig
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jinja2
from markdown.extensions.toc import nest_toc_tokens
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from il2ref.core.cache import digest, read_json, store
from il2ref.load import yaml_source

ON = {"serving": False}  # set by the hook under `mkdocs serve` only

# digest -> result; each build keeps only what it used (a long session does not grow).
_RENDERED: dict[str, dict[str, Any]] = {}
_SEARCH: dict[str, str] = {}
_BYTECODE: dict[str, bytes] = {}
_OUTPUT: dict[str, str] = {}
_FINISHED: dict[str, str] = {}
_PARTS: dict[str, dict[str, Any]] = {}
_USED: set[str] = set()
REUSED: dict[str, int] = {}  # kind -> results reused in the last build (tests, bench)
_THIS_BUILD: dict[str, bytes | None] = {}  # digests every page of one build shares
_PAGES_DIR: dict[str, Path] = {}  # "dir": where converted pages are kept between builds
_SNIPPET = "--8<--"  # pymdownx.snippets: a page that includes files is always converted


def serving(on: bool) -> None:
    """Called by the hook at start-up: reuse only in `mkdocs serve`'s process."""
    ON["serving"] = on
    yaml_source.REMEMBER["on"] = on  # each data file read again only when its bytes change


def start_build(cache_dir: Path) -> None:
    _USED.clear()
    REUSED.clear()
    _THIS_BUILD.clear()
    _PAGES_DIR["dir"] = cache_dir / "pages"


def end_build() -> None:
    """After a build that finished: forget what it did not use."""
    for memo in (_RENDERED, _PARTS, _SEARCH, _OUTPUT, _FINISHED):
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


def _docs_dir(config: MkDocsConfig) -> str:
    """docs_dir as the settings name it, from the settings file's folder: a checkout that is
    moved or copied keeps its results (no page's HTML holds the folder's absolute path)."""
    docs, base = Path(config.docs_dir), Path(config.config_file_path or ".").parent
    try:
        return docs.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:  # outside the project: the absolute path, as before
        return str(docs)


def _config_digest(config: MkDocsConfig) -> bytes:
    """The parts of the configuration Markdown conversion reads, and the files
    pymdownx.snippets appends to every page."""
    appended = []
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    for name in snippets.get("auto_append", []):
        path = Path(name)
        appended.append(path.read_bytes() if path.is_file() else b"(missing)")
    return digest(_json([config.markdown_extensions, config.mdx_configs,
                         config.use_directory_urls, _docs_dir(config), str(config.validation)]),
                  *appended).encode()


_CONVERTERS = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "pygments")


def _code_digest(config: MkDocsConfig) -> bytes:
    """The code that converts a page, for results kept on disk: Python's version, the released
    packages' versions (their modules cannot change without one), and the bytes of every
    extension module named in the settings (the project's own change without a version)."""
    parts = [sys.version.encode()]
    for name in _CONVERTERS:
        try:
            parts.append(f"{name} {version(name)}".encode())
        except Exception:  # noqa: BLE001 - an absent package is part of the setting too
            parts.append(f"{name} absent".encode())
    for name in config.markdown_extensions:
        if not isinstance(name, str):
            parts.append(repr(type(name)).encode())
            continue
        spec = None
        for module in (name, f"markdown.extensions.{name}"):
            try:
                spec = find_spec(module)
            except (ImportError, ValueError):
                spec = None
            if spec is not None:
                break
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        parts.append(name.encode() + (origin.read_bytes() if origin and origin.is_file()
                                      else b"(no file)"))
    return digest(*parts).encode()


def _setting(config: MkDocsConfig, files: Files) -> bytes:
    """What every page of one build shares: worked out once per build."""
    if "setting" not in _THIS_BUILD:
        _THIS_BUILD["setting"] = digest(_config_digest(config), _files_digest(files),
                                        _code_digest(config)).encode()
    return _THIS_BUILD["setting"] or b""


def _render_key(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if _SNIPPET in markdown:
        return None
    return digest(markdown.encode(), _json([page.file.src_uri, page.file.dest_uri, page.file.url]),
                  _setting(config, files))


def _kept_file(page: Page, config: MkDocsConfig, key: str) -> Path:
    """One folder per page and conversion setting, holding that page's latest result only."""
    folder = digest(page.file.src_uri.encode(), _config_digest(config))[:16]
    return _PAGES_DIR["dir"] / folder / f"{key}.json"


def _kept(path: Path) -> dict[str, Any] | None:
    found = read_json(path)
    wanted: dict[str, type | tuple[type, ...]] = {
        "content": str, "toc": list, "title": (str, type(None)), "anchors": list, "links": dict}
    if not isinstance(found, dict) or any(not isinstance(found.get(k), t)
                                          for k, t in wanted.items()):
        return None  # damaged: converted again
    return found


def _toc_from(items: list[Any]) -> list[AnchorLink]:
    links = []
    for title, anchor, level, children in items:
        link = AnchorLink(title, anchor, level)
        link.children = _toc_from(children)
        links.append(link)
    return links


def reuse_render(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> None:
    """Called after every other `on_page_markdown` with the Markdown they made (MkDocs sets
    `page.markdown` to it only after the last one): replaces this page's `render`, which
    MkDocs calls next, by the kept result when the same Markdown was converted in the same
    setting by the same code, else by the real conversion that keeps its result."""
    key = _render_key(markdown, page, config, files)
    if key is None or "dir" not in _PAGES_DIR:
        return
    real = page.render
    kept_file = _kept_file(page, config, key)
    stored = _RENDERED.get(key) if ON["serving"] else None
    if stored is None:
        stored = _kept(kept_file)

    def restore(config: MkDocsConfig, files: Files) -> None:
        if page.markdown != markdown or stored is None:
            return real(config, files)
        if not _apply(page, stored, files):  # cannot happen: the file list is in the key
            return convert(config, files)
        _reused("Markdown")
        if ON["serving"]:
            _RENDERED[key] = stored

    def convert(config: MkDocsConfig, files: Files) -> None:
        if page.markdown != markdown:  # not what the key was made from: never store it
            return real(config, files)
        parts = _parts(markdown, page)
        if parts is not None:
            result = _convert_in_parts(parts, page, config, files, real)
            if result is not None:
                _apply(page, result, files)
        if parts is None or result is None:
            with _no_warnings() as warned:
                real(config, files)
            if warned:
                return
            result = _result(page)
        if ON["serving"]:
            _RENDERED[key] = result
        store(kept_file, json.dumps(result).encode(), replaces="*.json")

    _USED.add(key)
    page.render = restore if stored is not None else convert  # type: ignore[method-assign]


def _result(page: Page) -> dict[str, Any]:
    """What `Page.render` left on the page, in a form kept between builds."""
    return {
        "content": page.content, "toc": _toc_json(list(page.toc)),
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links": {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()},
    }


def _apply(page: Page, result: dict[str, Any], files: Files) -> bool:
    """Set what `Page.render` would have set from a kept result; False if a page it links to
    is gone."""
    links = {}
    for src_uri, anchors in result["links"].items():
        target = files.get_file_from_path(src_uri)
        if target is None:
            return False
        links[target] = dict(anchors)
    page.content = result["content"]
    toc = _toc_from(result["toc"])
    if toc:  # as MkDocs' get_toc marks it
        toc[0].active = True  # type: ignore[attr-defined]
    page.toc = TableOfContents(toc)
    page._title_from_render = result["title"]
    page.present_anchor_ids = set(result["anchors"])
    if log_level_above_debug():  # as Page.render does
        page.links_to_anchors = links
    return True


# A page converted in parts (Statements by source: half a megabyte of Markdown, a third of a
# second to convert, and one claim edited changes one or two of its ~90 sources). Its front
# matter names the line that starts each part. Python-Markdown keeps some state across a whole
# page, so a page is only split when no part can read another's: no footnotes, no reference
# definitions or abbreviations of its own (the appended glossary reaches every part alike), and
# (checked after converting) no id made in two parts, which the whole page would have renamed.
# `IL2REF_WHOLE_PAGES=1` converts every page whole: tests/test_serve_rebuild.py compares the
# sites built each way, byte for byte.
PARTS_META = "convert_in_parts"
# Python-Markdown strips the text it returns, and with it the white space the whole page has
# between one part's last block and the next part's first (one or two line ends, by the kind of
# block). Each part but the last is converted with this paragraph after it, and its result
# keeps everything up to the paragraph.
_PART_END = "il2ref0part0end"
_PAGE_WIDE = re.compile(r"\[\^|^ {0,3}\*?\[[^\]\n]+\]:", re.MULTILINE)


def _parts(markdown: str, page: Page) -> list[str] | None:
    start = (page.meta or {}).get(PARTS_META)
    if (not isinstance(start, str) or not start or os.environ.get("IL2REF_WHOLE_PAGES")
            or _PAGE_WIDE.search(markdown)):
        return None
    # Split only before a line that is exactly `start` after a blank line: a new top-level block.
    pieces = markdown.split(f"\n\n{start}\n")
    if len(pieces) < 2:
        return None
    return [pieces[0]] + [f"{start}\n{piece}" for piece in pieces[1:]]


def _convert_in_parts(parts: list[str], page: Page, config: MkDocsConfig, files: Files,
                      real: Callable[[MkDocsConfig, Files], None]) -> dict[str, Any] | None:
    """Each part converted by MkDocs' own `Page.render` (or kept from an earlier build under
    serve), joined as converting the whole would have; None if that cannot be shown."""
    setting = _setting(config, files)
    whole = page.markdown
    results: list[dict[str, Any]] = []
    try:
        for n, part in enumerate(parts):
            if n < len(parts) - 1:  # see _PART_END
                part = f"{part}\n\n{_PART_END}\n"
            key = "part:" + digest(part.encode(), _json([page.file.src_uri, page.file.dest_uri,
                                                         page.file.url]), setting)
            result = _PARTS.get(key) if ON["serving"] else None
            if result is None:
                page.markdown = part
                with _no_warnings() as warned:
                    real(config, files)
                if warned:
                    return None  # then converted whole, so each warning shows as it would
                result = _result(page)
                if n < len(parts) - 1:
                    if not result["content"].endswith(f"<p>{_PART_END}</p>"):
                        return None
                    result["content"] = result["content"][:-len(f"<p>{_PART_END}</p>")]
                if ON["serving"]:
                    _PARTS[key] = result
            else:
                _reused("part")
            _USED.add(key)
            results.append(result)
    finally:
        page.markdown = whole
    anchors = [a for r in results for a in r["anchors"]]
    if len(anchors) != len(set(anchors)):
        return None  # an id in two parts: the whole page would have made them unique
    links: dict[str, dict[str, str]] = {}
    for r in results:
        for src_uri, found in r["links"].items():
            links.setdefault(src_uri, {}).update(found)
    return {
        "content": "".join(r["content"] for r in results),
        "toc": _nested([item for r in results for item in _flat(r["toc"])]),
        "title": results[0]["title"],  # MkDocs reads the title from the first element only
        "anchors": sorted(anchors),
        "links": links,
    }


def _flat(items: list[Any]) -> list[list[Any]]:
    return [x for title, anchor, level, children in items
            for x in [[title, anchor, level, []], *_flat(children)]]


def _nested(flat: list[list[Any]]) -> list[Any]:
    """The contents as the toc extension nests one page's headings (its `nest_toc_tokens`)."""
    tokens: list[Any] = nest_toc_tokens([{"name": t, "id": i, "level": lv}
                                         for t, i, lv, _ in flat])

    def back(items: list[Any]) -> list[Any]:
        return [[t["name"], t["id"], t["level"], back(t["children"])] for t in items]
    return back(tokens)


def log_level_above_debug() -> bool:
    return logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG


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
            search_index.entries.extend(json.loads(_SEARCH[key]))
            return
        before = len(search_index.entries)
        real(page)
        # Kept as JSON text, a copy no later change to an entry can reach: the entries are
        # JSON data (strings, a list of tags, a number), written out as JSON by Material
        # (anything else as its text, as Material writes it).
        _SEARCH[key] = json.dumps(search_index.entries[before:], default=str)  # as Material

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


def _installed(folder: str) -> bool:
    return Path(folder).resolve().is_relative_to(Path(sysconfig.get_paths()["purelib"]).resolve())


# (installed theme folder, MkDocs' filter, its setting) -> the folder's static files
_THEME_FILES: dict[tuple[Any, ...], list[str]] = {}


def _theme_files(env: jinja2.Environment, folders: list[str], static: tuple[str, ...],
                 extensions: Any = None, filter_func: Any = None) -> list[str]:
    """`Environment.list_templates` as MkDocs calls it to find the theme's static files: it
    lists and filters every file of every theme folder at each build (Material's holds
    ~14,000, its icons: 0.1 s). An installed package cannot change while `mkdocs serve` runs
    (as `_config_state` holds), so an installed folder's result is kept per process; the
    project's own theme folder is listed at every build. Only a filter whose one free variable
    is the build's `config` (MkDocs 1.6's, which reads `config.theme.static_templates`, part of
    the key) is kept; any other call is passed on."""
    code = getattr(filter_func, "__code__", None)
    if extensions is not None or code is None or code.co_freevars != ("config",):
        return jinja2.Environment.list_templates(env, extensions, filter_func)
    found: set[str] = set()
    for folder in folders:
        key = (folder, code, static)
        names = _THEME_FILES.get(key) if _installed(folder) else None
        if names is None:
            names = [n for n in jinja2.FileSystemLoader(folder).list_templates()
                     if filter_func(n)]
            if _installed(folder):
                _THEME_FILES[key] = names
        found.update(names)
    return sorted(found)  # as one FileSystemLoader over the folders lists them


def reuse_theme_listing(config: MkDocsConfig) -> None:
    """Under serve, MkDocs' search for the theme's static files uses `_theme_files`."""
    if not ON["serving"]:
        return
    theme = config.theme
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.list_templates = functools.partial(  # type: ignore[method-assign]
            _theme_files, env, list(theme.dirs), tuple(sorted(theme.static_templates)))
        return env

    theme.get_env = get_env  # type: ignore[method-assign]


def reuse_templates(env: jinja2.Environment) -> jinja2.Environment:
    if ON["serving"]:
        env.bytecode_cache = _Bytecode()
        env.template_class = _Remembered
    return env
