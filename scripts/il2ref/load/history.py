"""What changed in the clinical content since the last release (the latest git tag)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from il2ref.core.model import Changes, Release
from il2ref.load.corpus import DATA_DIR
from il2ref.load.git import git as _git
from il2ref.load.yaml_source import Loader


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


def history_problem(root: Path) -> tuple[str, bool] | None:
    """(why the tags cannot be trusted, whether the page would then be wrong), or None.

    A folder that is not a git checkout says so on the page; a shallow clone (CI's default
    checkout) has no tags and would publish "nothing is tagged" after a release: an error."""
    out = _git(root, "rev-parse", "--is-shallow-repository")
    if out is None:
        return "there is no git history here (not a git checkout, or no git)", False
    if out.strip() == b"true":
        return ("this is a shallow clone, which has no tags: fetch the whole history "
                "(actions/checkout with fetch-depth: 0)"), True
    return None


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


def _contents(root: Path, blob_ids: list[str]) -> dict[str, bytes]:
    """Every blob, by id, in one `git cat-file --batch` (one `git show` per file took ~2.5 ms
    each: seconds at 1,000 pages)."""
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blob_ids).encode())
    texts, pos = {}, 0
    while out and pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].decode().split()
        if len(header) != 3:  # "<id> missing"
            pos = end + 1
            continue
        size = int(header[2])
        texts[header[0]] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return texts


def documents_at(root: Path, ref: str,
                 blobs: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    docs = {}
    blobs = _blobs(root, ref) if blobs is None else blobs
    texts = _contents(root, [blob for blob, _ in blobs])
    for blob, name in blobs:
        try:
            docs[name] = yaml.load(texts[blob].decode("utf-8"), Loader=Loader)
        except (KeyError, yaml.YAMLError, UnicodeDecodeError):
            continue  # a broken file in an old release changes nothing now
    return docs


def release_statements(root: Path, tag: str) -> dict[str, str]:
    """Statements at release `tag`, read from git."""
    return statements(documents_at(root, tag))


def changes_since_release(root: Path, current: dict[str, Any]) -> Changes:
    """`current`: the page files as parsed by the validator (`Corpus.documents`)."""
    problem = history_problem(root)
    if problem is not None:
        changes = diff({}, statements(current), None)
        changes.history_problem, changes.history_wrong = problem
        return changes
    tag = latest_tag(root)
    old = release_statements(root, tag) if tag else {}
    return diff(old, statements(current), tag)


def releases(root: Path, current: dict[str, Any], *, built: str) -> list[Release]:
    """Newest first: this build's unreleased changes (if any), then every release tag (in
    version order) against the one before it. Empty when the history cannot be read."""
    if history_problem(root) is not None:
        return []
    out = _git(root, "tag", "--list", "--sort=v:refname", "--merged", "HEAD")
    tags = out.decode().split() if out else []
    found: list[Release] = []
    before: dict[str, str] = {}
    for tag in tags:
        now = release_statements(root, tag)
        when = (_git(root, "log", "-1", "--format=%cI", tag) or b"").decode().strip()
        found.append(Release(tag, when or f"{built}T00:00:00+00:00", diff(before, now, None)))
        before = now
    pending = diff(before, statements(current), tags[-1] if tags else None)
    if pending.added or pending.removed or pending.changed:
        found.append(Release(None, f"{built}T00:00:00+00:00", pending))
    return found[::-1]
