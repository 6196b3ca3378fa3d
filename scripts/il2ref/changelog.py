"""What changed in the clinical content since the last release (the latest git tag)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .cache import store
from .corpus import DATA_DIR

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Changes:
    since: str | None
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)


def statements(documents: dict[str, Any]) -> dict[str, str]:
    """id -> text of every claim and rule (criterion plus threshold) in parsed page files."""
    out: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str) and "claim" in node:
                out[node["id"]] = " ".join(str(node["claim"]).split())
            elif isinstance(node.get("id"), str) and "criterion" in node:
                out[node["id"]] = " ".join(f"{node['action']}: {node['criterion']} "
                                           f"{node.get('threshold', '')}".split())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for doc in documents.values():
        walk(doc)
    return out


def diff(old: dict[str, str], new: dict[str, str], since: str | None) -> Changes:
    changes = Changes(since)
    changes.added = [(k, new[k]) for k in sorted(new.keys() - old.keys())]
    changes.removed = [(k, old[k]) for k in sorted(old.keys() - new.keys())]
    changes.changed = [(k, old[k], new[k]) for k in sorted(old.keys() & new.keys())
                       if old[k] != new[k]]
    return changes


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def latest_tag(root: Path) -> str | None:
    out = _git(root, "describe", "--tags", "--abbrev=0")
    return out.decode().strip() if out else None


def _blobs(root: Path, ref: str) -> list[tuple[str, str]]:
    """(blob id, path) of each page file at `ref`."""
    listing = _git(root, "ls-tree", "-z", ref, "--", f"{DATA_DIR.as_posix()}/") or b""
    found = []
    for record in listing.decode().split("\0"):
        meta, _, path = record.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and path.endswith((".yaml", ".yml")):
            found.append((parts[2], path))
    return found


def _contents(root: Path, blob_ids: list[str]) -> list[bytes]:
    """Every blob in one `git cat-file --batch` (one `git show` per file took ~2.5 ms each:
    seconds at 1,000 pages)."""
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blob_ids).encode())
    texts, pos = [], 0
    while out and pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) != 3:  # "<id> missing"
            pos = end + 1
            continue
        size = int(header[2])
        texts.append(out[end + 1:end + 1 + size])
        pos = end + 1 + size + 1
    return texts


def documents_at(root: Path, ref: str,
                 blobs: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    docs = {}
    blobs = _blobs(root, ref) if blobs is None else blobs
    for (_, name), text in zip(blobs, _contents(root, [b for b, _ in blobs]), strict=False):
        try:
            docs[name] = yaml.load(text.decode("utf-8"), Loader=_Loader)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # a broken file in an old release changes nothing now
    return docs


def release_statements(root: Path, tag: str, cache_dir: Path | None = None) -> dict[str, str]:
    """Statements at release `tag`. A release's files never change, so what was read from
    them is kept in `cache_dir`, keyed by their git blob ids and this module's code."""
    path = None
    blobs = _blobs(root, tag)
    if cache_dir is not None:
        digest = hashlib.sha256(Path(__file__).read_bytes())
        for blob, name in blobs:
            digest.update(f"{blob} {name}\n".encode())
        path = cache_dir / f"release-{digest.hexdigest()[:20]}.json"
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(stored, dict) and all(isinstance(v, str) for v in stored.values()):
                return stored
        except (OSError, ValueError):
            pass
    found = statements(documents_at(root, tag, blobs))
    if path is not None:
        store(path, json.dumps(found, ensure_ascii=False).encode(), replaces="release-*.json")
    return found


def working_documents(root: Path) -> dict[str, Any]:
    folder = root / DATA_DIR
    return {p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader)
            for p in sorted(folder.glob("*.y*ml"))}


def changes_since_release(root: Path, current: dict[str, Any] | None = None,
                          cache_dir: Path | None = None) -> Changes:
    """`current`: the page files as already parsed by the validator, if at hand."""
    tag = latest_tag(root)
    old = release_statements(root, tag, cache_dir) if tag else {}
    return diff(old, statements(working_documents(root) if current is None else current), tag)
