"""The project's `.cache/`: what a build derives from unchanged inputs, kept for the next build.

Everything here is rebuilt when missing, damaged or stale (each file name carries a hash of its
inputs), so deleting `.cache/` only costs time. Never committed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".cache/il2ref")  # under the project root, like Material's own plugin caches


def digest(*parts: bytes) -> str:
    """A short name for a set of inputs: any change to any part gives another name."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:20]


def read_json(path: Path) -> Any:
    """A cached JSON file, or None if it is missing or damaged (then it is simply rebuilt)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store(path: Path, data: bytes, *, replaces: str) -> None:
    """Write `path` via a temporary file (a parallel build never reads half a file), removing
    older files matching the glob `replaces`: their inputs are gone. A cache that cannot be
    written (read-only checkout) only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(replaces):
            if old != path:
                old.unlink(missing_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        temp.replace(path)
    except OSError:
        pass
