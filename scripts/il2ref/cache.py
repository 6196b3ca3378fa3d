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


class KnownFiles:
    """Page files already parsed and found valid, by the SHA-256 of their bytes, in one JSON
    file: a rebuild parses only the files whose bytes changed (YAML parsing is most of
    validation: ~20 ms on the real site, ~1 s at 1,000 pages). `salt` names the code the
    results depend on; other code means another file. JSON data only: nothing executes."""

    def __init__(self, cache_dir: Path | None, salt: bytes) -> None:
        self.path = None if cache_dir is None else cache_dir / f"pages-{digest(salt)}.json"
        self.entries: dict[str, dict[str, Any]] = {}
        self.changed = False
        stored = None if self.path is None else read_json(self.path)
        if isinstance(stored, dict):
            self.entries = {k: v for k, v in stored.items()
                            if isinstance(v, dict) and isinstance(v.get("sha"), str)}

    def get(self, name: str, sha: str) -> Any | None:
        entry = self.entries.get(name)
        return entry["data"] if entry is not None and entry["sha"] == sha else None

    def put(self, name: str, sha: str, data: Any) -> None:
        """`data` must be schema-valid: text keys and JSON values only, so JSON keeps it as is
        (the schema allows no number keys, and dates stay text)."""
        if self.get(name, sha) is None:
            self.entries[name] = {"sha": sha, "data": data}
            self.changed = True

    def save(self, present: set[str]) -> None:
        """Write if anything changed; files no longer present are forgotten."""
        gone = self.entries.keys() - present
        for name in gone:
            del self.entries[name]
        if self.path is not None and (self.changed or gone):
            try:
                text = json.dumps(self.entries, ensure_ascii=False, separators=(",", ":"),
                                  allow_nan=False)
            except (TypeError, ValueError):
                return  # not plain JSON data after all: parse every time, as without a cache
            store(self.path, text.encode(), replaces="pages-*.json")
