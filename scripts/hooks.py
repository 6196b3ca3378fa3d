"""MkDocs hook: glue only. Each event calls one function of `il2ref.site.build`, which the
tests call directly. Listed in mkdocs.yml under `hooks:`."""

from __future__ import annotations

from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from il2ref.site import build, rebuild_cache, watcher

_this_build: dict[str, build.Build] = {}  # the one build in progress, replaced by on_config


def on_startup(*, command: str, dirty: bool) -> None:
    build.SERVING["on"] = command == "serve"  # keep the last good data between rebuilds
    rebuild_cache.serving(command == "serve")  # and reuse what an edit did not change


# Before plugins: mkdocs-bibtex reads the citation style in its own on_config.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _this_build["now"] = build.configure(config)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    return build.add_pages(_this_build["now"], files, config)


# Before mkdocs-bibtex turns [@key] into footnotes.
@event_priority(100)
def _check_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return build.check_markdown(_this_build["now"], markdown, page)


# After every other handler: the Markdown MkDocs converts next is final.
@event_priority(-100)
def _reuse_render(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    rebuild_cache.reuse_render(markdown, page, config, files)
    return markdown


on_page_markdown = CombinedEvent(_check_markdown, _reuse_render)


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    return rebuild_cache.reuse_templates(env)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return build.postprocess(html)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return build.finish_page(_this_build["now"], output)


# Theme templates that are pages too (404.html) get the same policy; sitemap.xml is not HTML.
def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html"):
        return output_content
    return build.finish_page(_this_build["now"], output_content)


def on_serve(server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
    return watcher.notice_saves_at_once(server)


def on_post_build(*, config: MkDocsConfig) -> None:
    build.finish_print_page(config)
    rebuild_cache.end_build()


def on_shutdown() -> None:
    _this_build.clear()

