"""Where a build's time goes, stage by stage: run by `make bench` for each corpus and its floor.

`python -m il2ref.tools.build_profile` in a project folder builds it once (a clean build, in a
new process) with a timer around each MkDocs stage and each plugin's or hook's handler of each
event, and prints JSON: {stage: seconds}. Stages do not overlap (containers are not timed, only
what they call), so the stages and "other" add up to the whole build.

Written here: cProfile's cumulative times overlap and name functions, not stages; MkDocs has no
timing of its own beyond the total.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

STAGES: dict[str, float] = {}


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            STAGES[name] = STAGES.get(name, 0.0) + time.perf_counter() - start
    return run


def _owner(method: Any) -> str:
    owner = getattr(method, "__self__", None)
    if owner is not None:
        return type(owner).__module__.split(".")[0]
    return "il2ref hook" if "hooks" in method.__module__ else method.__module__


def profile() -> dict[str, float]:
    import jinja2
    import mkdocs.commands.build as build
    import mkdocs.structure.files as files
    import mkdocs.structure.pages as pages
    from mkdocs.config import load_config

    for owner, attribute, label in (
            (pages.Page, "render", "Markdown to HTML (Python-Markdown)"),
            (pages.Page, "validate_anchor_links", "anchor checks"),
            (files.Files, "add_files_from_theme", "listing the theme's files"),
            (files.Files, "copy_static_files", "copying static files"),
            (build, "get_files", "listing docs/"),
            (build, "get_navigation", "navigation"),
            (build.utils, "clean_directory", "emptying the site folder"),
            (build.utils, "write_file", "writing files")):
        setattr(owner, attribute, _timed(label, getattr(owner, attribute)))
    theme_render = _timed("theme templates (Jinja)", jinja2.Template.render)
    plain_render = jinja2.Template.render

    def render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        # The theme's .html/.xml only: il2ref's own page templates (.j2) run inside on_files.
        named = self.name or ""
        return str((theme_render if named.endswith((".html", ".xml")) else plain_render)(
            self, *args, **kwargs))

    setattr(jinja2.Template, "render", render)  # noqa: B010 (mypy refuses method assignment)

    start = time.perf_counter()
    config = _timed("reading mkdocs.yml and loading plugins", load_config)("mkdocs.yml")
    for event, methods in config.plugins.events.items():
        config.plugins.events[event] = [_timed(f"{event}: {_owner(m)}", m) for m in methods]
    build.build(config)
    total = time.perf_counter() - start
    result = {name: round(seconds, 3)
              for name, seconds in sorted(STAGES.items(), key=lambda item: -item[1])}
    result["other"] = round(total - sum(STAGES.values()), 3)
    result["total"] = round(total, 3)
    return result


if __name__ == "__main__":
    json.dump(profile(), sys.stdout)
