"""Rebuilds as `mkdocs serve` does them, in one process: run in a project folder.

`python -m il2ref.tools.rebuild_probe SITE_DIR` (`make bench`): the seconds of one rebuild
after a YAML edit (the edit is undone).
`python -m il2ref.tools.rebuild_probe --steps STEPS.json OUT_DIR` (the tests): builds OUT_DIR/0,
then for each step (a list of edits, `{"path": ..., "text": ...}`, text null to delete the
file) applies it and builds OUT_DIR/1, 2, ... in the same process, so every rebuild may reuse
what the ones before it kept (il2ref.site.rebuild_cache). Each is compared with a clean build
in a new process.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

SERVE_URL = "http://127.0.0.1:8000/"


def serve_build(site_dir: str | Path) -> float:
    """One build as `mkdocs serve` makes it (its start-up event, its site URL); seconds."""
    start = time.perf_counter()
    config = load_config("mkdocs.yml", site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL)
    return time.perf_counter() - start


def apply(project: Path, edit: dict[str, str | None]) -> None:
    path = project / str(edit["path"])
    if edit["text"] is None:
        path.unlink()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(edit["text"], encoding="utf-8")


def steps(edits_file: Path, out: Path) -> None:
    """Also writes OUT_DIR/reused.json: per build, what il2ref.site.rebuild_cache reused."""
    from il2ref.site.rebuild_cache import REUSED

    def build_and_keep(n: int) -> None:
        # One site folder for every build, as `mkdocs serve` has; each result copied out.
        serve_build(out / "site")
        shutil.copytree(out / "site", out / str(n))

    build_and_keep(0)
    reused = [dict(REUSED)]
    for n, step in enumerate(json.loads(edits_file.read_text(encoding="utf-8")), start=1):
        for edit in step:
            apply(Path.cwd(), edit)
        build_and_keep(n)
        reused.append(dict(REUSED))
    (out / "reused.json").write_text(json.dumps(reused), encoding="utf-8")


def main(site_dir: str) -> None:
    from il2ref.tools.serve_probe import edited_file

    serve_build(site_dir)
    data = edited_file(Path.cwd())
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("claim: ", "claim: Edited. ", 1), encoding="utf-8")
    try:
        print(serve_build(site_dir))
    finally:
        data.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "--steps":
        steps(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main(sys.argv[1])
