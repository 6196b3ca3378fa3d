"""`python -m il2ref.tools.rebuild_probe SITE_DIR`, run in a project folder by `make bench`:
like `mkdocs serve`, one process with the config reloaded for a rebuild after one YAML edit.
Prints the rebuild's seconds; the edit is undone."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config


def _once(site_dir: str) -> None:
    config = load_config("mkdocs.yml", site_dir=site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)


def main(site_dir: str) -> None:
    _once(site_dir)
    data = sorted(Path("docs/data").glob("*.yaml"))[0]
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("claim: ", "claim: Edited. ", 1), encoding="utf-8")
    try:
        start = time.perf_counter()
        _once(site_dir)
        print(time.perf_counter() - start)
    finally:
        data.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
