"""What changed in the clinical content since the last release (the latest git tag)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def latest_tag(root: Path) -> str | None:
    out = _git(root, "describe", "--tags", "--abbrev=0")
    return out.strip() if out else None


def documents_at(root: Path, ref: str) -> dict[str, Any]:
    listing = _git(root, "ls-tree", "--name-only", ref, f"{DATA_DIR.as_posix()}/") or ""
    docs = {}
    for name in listing.split():
        if name.endswith((".yaml", ".yml")):
            text = _git(root, "show", f"{ref}:{name}")
            if text:
                try:
                    docs[name] = yaml.load(text, Loader=_Loader)
                except yaml.YAMLError:
                    continue  # a broken file in an old release changes nothing now
    return docs


def working_documents(root: Path) -> dict[str, Any]:
    folder = root / DATA_DIR
    return {p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader)
            for p in sorted(folder.glob("*.y*ml"))}


def changes_since_release(root: Path, current: dict[str, Any] | None = None) -> Changes:
    """`current`: the page files as already parsed by the validator, if at hand."""
    tag = latest_tag(root)
    old = statements(documents_at(root, tag)) if tag else {}
    return diff(old, statements(working_documents(root) if current is None else current), tag)
