"""What changed in the clinical content, release by release (git tags).

Every statement and rule is read into the model (il2ref.core.model) at each release and compared
field by field with the next, and each difference is said in words: "Resume condition changed
from … to …", "Source added: Dutcher 2014, Table 3", "Now verified (was unverified)". Comparing
the model rather than the files' text means that no field goes unseen and that a reformatted
file changes nothing (review D1).

The words are plain text carrying the editors' text as typed (lab values still in braces), so
each output escapes them as it escapes any YAML text: "What changed" through `prose`, the feed
through its writer. They are made here, beside the diff, because the page and the feed receive
them in `Changes` (core.model); a changed entry is `(id, what it is now, what changed)`, with
one sentence a line in the last.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from il2ref.core.model import (
    Changes,
    Cumulative,
    Excerpt,
    Page,
    PatientText,
    Release,
    Rule,
    Source,
    Threshold,
    WalletLine,
    page_from_data,
)
from il2ref.core.rules import ACTIONS, FRAMEWORKS, MEASURES, TIERS, TOPICS
from il2ref.core.schema import schema
from il2ref.core.units import format_threshold
from il2ref.load import bibliography
from il2ref.load.corpus import BIB_FILE, DATA_DIR
from il2ref.load.git import git as _git
from il2ref.load.yaml_source import Loader


@dataclass(frozen=True)
class Statement:
    """A statement or rule as the changelog compares it: each field's value in words."""
    summary: str  # one line: the claim, or the rule's action and finding
    fields: dict[str, str]  # field -> value in words; a field the statement lacks is absent
    sources: tuple[Source, ...]
    page: str = ""  # its page's title: said when it moves (`fields["page"]` is the slug)


# How a change to each field is said: (changed, added, removed), in the order they are listed.
# `{old}` and `{new}` are the values in words; editors' text is quoted.
_SAID: dict[str, tuple[str, str, str]] = {
    "action": ("Action changed from {old} to {new}", "Action added: {new}",
               "Action removed (was {old})"),
    "claim": ("Claim changed from “{old}” to “{new}”", "Claim added: “{new}”",
              "Claim removed (was “{old}”)"),
    "criterion": ("Criterion changed from “{old}” to “{new}”", "Criterion added: “{new}”",
                  "Criterion removed (was “{old}”)"),
    "measure": ("Measure changed from {old} to {new}", "Measure added: {new}",
                "Measure removed (was {old})"),
    "threshold": ("Threshold changed from {old} to {new}", "Threshold added: {new}",
                  "Threshold removed (was {old})"),
    "cumulative": ("Combination rule changed from {old} to {new}",
                   "Now a combination rule: {new}", "No longer a combination rule (was {old})"),
    "tier": ("Tier changed from {old} to {new}", "Tier added: {new}", "Tier removed (was {old})"),
    "resume": ("Resume condition changed from “{old}” to “{new}”",
               "Resume condition added: “{new}”", "Resume condition removed (was “{old}”)"),
    "status": ("Now {new} (was {old})", "Now {new}", "Verification status removed (was {old})"),
    "label_version": ("Label version changed from {old} to {new}", "Label version added: {new}",
                      "Label version removed (was {old})"),
    "evidence": ("Evidence type changed from {old} to {new}", "Evidence type added: {new}",
                 "Evidence type removed (was {old})"),
    "topic": ("Topic changed from {old} to {new}", "Topic added: {new}",
              "Topic removed (was {old})"),
    "framework": ("Source of rule changed from {old} to {new}", "Source of rule added: {new}",
                  "Source of rule removed (was {old})"),
    "system": ("Organ system changed from {old} to {new}", "Organ system added: {new}",
               "Organ system removed (was {old})"),
    "finding": ("Shared finding changed from {old} to {new}",
                "Now shares the finding {new} with other sources' rules",
                "No longer shares the finding {old} with other sources' rules"),
    "key_fact": ("Key fact changed", "Now a key fact (on the card and in the self-test)",
                 "No longer a key fact (off the card and the self-test)"),
    "explains": ("Now explains {new} on the card (was {old})", "Now explains {new} on the card",
                 "No longer explains {old} on the card"),
    "conflict": ("“Sources differ” note changed from “{old}” to “{new}”",
                 "Now a side of the “Sources differ” note “{new}”",
                 "No longer a side of a “Sources differ” note (was “{old}”)"),
    "patient_section": ("Patient sheet section changed from {old} to {new}",
                        "Added to the patient sheet under {new}",
                        "Removed from the patient sheet (was under {old})"),
    "patient_text": ("Patient text changed from “{old}” to “{new}”",
                     "Patient text added: “{new}”", "Patient text removed (was “{old}”)"),
    "wallet_effect": ("Wallet card group changed from {old} to {new}",
                      "Added to the wallet card under {new}",
                      "Removed from the wallet card (was under {old})"),
    "wallet_text": ("Wallet card text changed from “{old}” to “{new}”",
                    "Wallet card text added: “{new}”", "Wallet card text removed (was “{old}”)"),
    "page": ("Moved from {old} to {new}", "Now on {new}", "No longer on {old}"),
}


def _titles(options: list[dict[str, str]]) -> dict[str, str]:
    return {o["const"]: o["title"] for o in options}


# The schema's display titles for the two lists core.rules does not name.
_COUNTS = _titles(schema()["$defs"]["cumulative"]["properties"]["counts"]["oneOf"])
_PATIENT_SECTIONS = _titles(schema()["$defs"]["patient_section"]["oneOf"])
_WALLET_EFFECTS = _titles(schema()["$defs"]["wallet_effect"]["oneOf"])


def _flat(text: object) -> str:
    return " ".join(str(text).split())


def _threshold(t: Threshold) -> str:
    """As the site prints it ('≥ 3 mg/dL (≥ 265 µmol/L)')."""
    try:
        return format_threshold(t).strip()
    except (AssertionError, KeyError, TypeError, ValueError):  # an old release's shape
        return " ".join(str(v) for v in (t.comparator, t.value, t.low, t.high, t.unit)
                        if v not in (None, ""))


def _cumulative(c: Cumulative) -> str:
    return f"at least {c.at_least} {_COUNTS.get(c.counts, str(c.counts)).lower()}"


def _statement(summary: str, fields: dict[str, object], sources: tuple[Source, ...],
               page: str) -> Statement:
    return Statement(_flat(summary), {k: _flat(v) for k, v in fields.items()
                                      if v is not None and _flat(v)}, sources, page)


def _of_excerpt(e: Excerpt, page: str, conflict: str | None) -> Statement:
    return _statement(e.claim, {
        "claim": e.claim, "status": e.status, "label_version": e.label_version,
        "evidence": str(e.evidence).replace("-", " "), "topic": TOPICS.get(e.topic, e.topic),
        "key_fact": "yes" if e.key_fact else None,
        "explains": ACTIONS.get(e.explains, e.explains) if e.explains else None,
        "conflict": conflict,
        "patient_section": _PATIENT_SECTIONS.get(e.patient.section, e.patient.section)
        if e.patient else None,
        "patient_text": e.patient.text if e.patient else None,
        "wallet_effect": _WALLET_EFFECTS.get(e.wallet.effect, e.wallet.effect)
        if e.wallet else None,
        "wallet_text": e.wallet.text if e.wallet else None,
        "page": e.page,
    }, e.sources, page)


def _of_rule(r: Rule, page: str) -> Statement:
    action = ACTIONS.get(r.action, r.action)
    threshold = _threshold(r.threshold) if r.threshold else None
    summary = f"{action}: {_flat(r.criterion)}" + (f": {threshold}" if threshold else "")
    return _statement(f"{summary} — {FRAMEWORKS.get(r.framework, r.framework)}", {
        "action": action, "criterion": r.criterion,
        "measure": MEASURES.get(r.threshold.measure, r.threshold.measure) if r.threshold else None,
        "threshold": threshold,
        "cumulative": _cumulative(r.cumulative) if r.cumulative else None,
        "tier": TIERS.get(r.tier, r.tier).lower() if r.tier else None,
        "resume": r.resume, "status": r.status,
        "framework": FRAMEWORKS.get(r.framework, r.framework),
        "system": TOPICS.get(r.system, r.system), "finding": r.finding, "page": r.page,
    }, r.sources, page)


def _of_page(page: Page, title: str) -> Iterator[tuple[str, Statement]]:
    for section in page.sections:
        for e in section.excerpts:
            yield e.id, _of_excerpt(e, title, None)
        for c in section.conflicts:
            for e in c.sides:
                yield e.id, _of_excerpt(e, title, c.title)
    for r in page.rules:
        yield r.id, _of_rule(r, title)


# An old release's file that the model no longer reads (the schema has moved on since) is
# still read statement by statement, with the model's defaults for what it lacks: otherwise
# each of its statements would show as removed and added again. Kept in step with
# core.model's own readers by tests/test_changes.py (equal on the current data).

def _lenient_sources(raw: Any) -> tuple[Source, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(Source(str(s.get("key", "")), str(s.get("locator", "")))
                 for s in raw if isinstance(s, dict))


def _lenient_excerpt(raw: dict[str, Any], slug: str) -> Excerpt:
    patient, wallet = raw.get("patient"), raw.get("wallet")
    return Excerpt(
        id=raw["id"], claim=str(raw["claim"]), sources=_lenient_sources(raw.get("sources")),
        evidence=raw.get("evidence", ""), topic=raw.get("topic", ""),
        label_version=raw.get("label_version"), status=raw.get("status", "verified"),
        key_fact=bool(raw.get("key_fact", False)), explains=raw.get("explains"), page=slug,
        patient=PatientText(patient.get("section", ""), str(patient.get("text", "")))
        if isinstance(patient, dict) else None,
        wallet=WalletLine(wallet.get("effect", ""), str(wallet.get("text", "")))
        if isinstance(wallet, dict) else None)


def _lenient_rule(raw: dict[str, Any], slug: str) -> Rule:
    t, c = raw.get("threshold"), raw.get("cumulative")
    return Rule(
        id=raw["id"], system=raw.get("system", ""), framework=raw.get("framework", ""),
        action=raw.get("action", ""), criterion=str(raw["criterion"]),
        sources=_lenient_sources(raw.get("sources")),
        threshold=Threshold(str(t.get("measure", "")), t.get("comparator", "="),
                            str(t.get("unit", "")), t.get("value"), t.get("low"), t.get("high"))
        if isinstance(t, dict) else None,
        resume=raw.get("resume"), status=raw.get("status", "verified"), tier=raw.get("tier"),
        finding=raw.get("finding"),
        cumulative=Cumulative(str(c.get("counts", "")), c.get("at_least", 0))
        if isinstance(c, dict) else None,
        page=slug)


def _lenient(node: Any, slug: str, title: str,
             conflict: str | None = None) -> Iterator[tuple[str, Statement]]:
    if isinstance(node, dict):
        if isinstance(node.get("id"), str) and "claim" in node:
            yield node["id"], _of_excerpt(_lenient_excerpt(node, slug), title, conflict)
        elif isinstance(node.get("id"), str) and "criterion" in node:
            yield node["id"], _of_rule(_lenient_rule(node, slug), title)
        for key, value in node.items():
            sides_of = str(node["title"]) if key == "sides" and "title" in node else None
            yield from _lenient(value, slug, title, sides_of)
    elif isinstance(node, list):
        for value in node:
            yield from _lenient(value, slug, title, conflict)


def statements(documents: dict[str, Any]) -> dict[str, Statement]:
    """id -> every statement and rule (conflict sides included) of the parsed page files."""
    out: dict[str, Statement] = {}
    for name, doc in documents.items():
        slug = PurePosixPath(name).stem
        title = _flat(doc["title"]) if isinstance(doc, dict) and "title" in doc else slug
        try:
            page = page_from_data(slug, name, doc)
        except (KeyError, TypeError, ValueError, AttributeError):
            out.update(_lenient(doc, slug, title))
        else:
            out.update(_of_page(page, title))
    return out


def _sources_said(old: tuple[Source, ...], new: tuple[Source, ...],
                  labels: dict[str, str]) -> list[str]:
    """Citations added and removed, and a source whose locator changed, by source."""
    def name(key: str) -> str:
        return labels.get(key, key)

    before, after = list(old), list(new)
    for s in old:  # a citation kept as it was
        if s in after:
            before.remove(s)
            after.remove(s)
    said = []
    for key in dict.fromkeys(s.key for s in [*before, *after]):
        was = [_flat(s.locator) for s in before if s.key == key]
        now = [_flat(s.locator) for s in after if s.key == key]
        # Paired in order; the rest were added or removed.
        said += [f"Locator of {name(key)} changed from {a} to {b}"
                 for a, b in zip(was, now, strict=False)]
        said += [f"Source removed: {name(key)}, {a}" for a in was[len(now):]]
        said += [f"Source added: {name(key)}, {b}" for b in now[len(was):]]
    if not said and old != new:
        said.append("Sources reordered: now "
                    + "; ".join(f"{name(s.key)}, {_flat(s.locator)}" for s in new))
    return said


def described(old: Statement, new: Statement, labels: dict[str, str]) -> list[str]:
    """Each difference between two versions of one statement or rule, in words, one sentence
    each (empty when they are the same)."""
    said = []
    for name, (changed, added, removed) in _SAID.items():
        was, now = old.fields.get(name), new.fields.get(name)
        if name == "page" or was == now:
            continue
        words = changed if was and now else added if now else removed
        said.append(words.format(old=was, new=now))
    said += _sources_said(old.sources, new.sources, labels)
    if old.fields.get("page") != new.fields.get("page"):
        said.append(_SAID["page"][0].format(old=old.page, new=new.page))
    return said


def diff(old: dict[str, Statement], new: dict[str, Statement], since: str | None, *,
         labels: dict[str, str] | None = None) -> Changes:
    """`labels`: citation key -> 'Dutcher 2014' (references.bib); keys are shown without."""
    changes = Changes(since)
    changes.added = [(k, new[k].summary) for k in sorted(new.keys() - old.keys())]
    changes.removed = [(k, old[k].summary) for k in sorted(old.keys() - new.keys())]
    for k in sorted(old.keys() & new.keys()):
        said = described(old[k], new[k], labels or {})
        if said:
            changes.changed.append((k, new[k].summary, "\n".join(said)))
    return changes


def _labels(root: Path) -> dict[str, str]:
    """The sources' names as references.bib gives them now (a key it no longer has is shown
    as the key)."""
    bib, _ = bibliography.load(root / BIB_FILE, str(BIB_FILE))
    return bib.labels


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


def release_statements(root: Path, tag: str) -> dict[str, Statement]:
    """Statements at release `tag`, read from git."""
    return statements(documents_at(root, tag))


def changes_since_release(root: Path, current: dict[str, Any], *,
                          labels: dict[str, str] | None = None,
                          current_statements: dict[str, Statement] | None = None) -> Changes:
    """`current`: the page files as parsed by the validator (`Corpus.documents`); `labels`:
    `Corpus.bib_labels` (read from references.bib when not given); `current_statements`:
    `statements(current)` if the caller has it already."""
    now = statements(current) if current_statements is None else current_statements
    problem = history_problem(root)
    if problem is not None:
        changes = diff({}, now, None)
        changes.history_problem, changes.history_wrong = problem
        return changes
    tag = latest_tag(root)
    old = release_statements(root, tag) if tag else {}
    return diff(old, now, tag, labels=_labels(root) if labels is None else labels)


def releases(root: Path, current: dict[str, Any], *, built: str,
             labels: dict[str, str] | None = None,
             current_statements: dict[str, Statement] | None = None) -> list[Release]:
    """Newest first: this build's unreleased changes (if any), then every release tag (in
    version order) against the one before it. Empty when the history cannot be read."""
    if history_problem(root) is not None:
        return []
    labels = _labels(root) if labels is None else labels
    out = _git(root, "tag", "--list", "--sort=v:refname", "--merged", "HEAD")
    tags = out.decode().split() if out else []
    found: list[Release] = []
    before: dict[str, Statement] = {}
    for tag in tags:
        now = release_statements(root, tag)
        when = (_git(root, "log", "-1", "--format=%cI", tag) or b"").decode().strip()
        found.append(Release(tag, when or f"{built}T00:00:00+00:00",
                             diff(before, now, None, labels=labels)))
        before = now
    pending = diff(before, statements(current) if current_statements is None
                   else current_statements, tags[-1] if tags else None, labels=labels)
    if pending.added or pending.removed or pending.changed:
        found.append(Release(None, f"{built}T00:00:00+00:00", pending))
    return found[::-1]
