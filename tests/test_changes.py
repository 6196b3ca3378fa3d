"""The change feed and "What changed" see every change (review D1): the model at a release and
now, compared field by field, each change said in words, with editors' text escaped.

The build test tags a temporary clone as a release, changes every field of a statement and of a
rule (each on its own statement or rule, so that each one's words are checked alone), rebuilds,
and finds exactly those words, for exactly those ids, in the feed and on the page. The unit
tests cover every form of every sentence (changed, added, removed) on a small page."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
import yaml

from conftest import ROOT, WHO, mkdocs_build, released_clone
from il2ref.core.model import Changes, Release, Threshold
from il2ref.core.rules import ACTIONS, FRAMEWORKS, TOPICS, allowed_actions
from il2ref.core.schema import schema
from il2ref.core.units import format_threshold, plain_text
from il2ref.load import history
from il2ref.load.corpus import load_corpus
from il2ref.render.feed import feed_xml
from il2ref.render.markdown import changes_markdown

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "<b>bold</b> & <img src=x onerror=alert(1)>"
Docs = dict[str, Any]  # file name -> parsed page file
Expected = dict[str, set[str]]  # id -> the sentences said about it


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()


# --- where statements and rules are in the parsed page files ---

def _excerpts(docs: Docs) -> Iterator[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """(file, excerpt, its conflict or None) for every statement."""
    for name, doc in docs.items():
        for section in doc["sections"]:
            for e in section.get("excerpts", []):
                yield name, e, None
            for c in section.get("conflicts", []):
                for e in c["sides"]:
                    yield name, e, c


def _rules(docs: Docs) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, doc in docs.items():
        for r in doc.get("rules", []):
            yield name, r


class Editor:
    """Changes one field of one statement or rule at a time, each on a statement or rule no
    other change touches, and records the words the changelog must say for it."""

    def __init__(self, docs: Docs, labels: dict[str, str], outlined: set[str],
                 label_keys: set[str], linked: str) -> None:
        self.docs, self.labels = docs, labels
        self.outlined, self.label_keys, self.linked = outlined, label_keys, linked
        self.expected: Expected = {}

    def free(self, item: dict[str, Any], conflict: dict[str, Any] | None = None) -> bool:
        """Untouched so far, and citing only sources without an outline or a label version, so
        that a changed source or status cannot make it invalid."""
        keys = {s["key"] for s in item["sources"]}
        return (item["id"] not in self.expected and conflict is None
                and not keys & (self.outlined | self.label_keys))

    def excerpt(self, test: Callable[[dict[str, Any]], bool]) -> tuple[str, dict[str, Any]]:
        found = next(((n, e) for n, e, c in _excerpts(self.docs) if self.free(e, c) and test(e)),
                     None)
        assert found, "no statement in the data fits this change"
        return found

    def rule(self, test: Callable[[dict[str, Any]], bool]) -> tuple[str, dict[str, Any]]:
        found = next(((n, r) for n, r in _rules(self.docs)
                      if r["id"] not in self.expected and test(r)), None)
        assert found, "no rule in the data fits this change"
        return found

    def said(self, item: dict[str, Any], *sentences: str) -> None:
        self.expected.setdefault(item["id"], set()).update(sentences)

    def unlinked(self, item: dict[str, Any]) -> bool:
        """Named nowhere but in its own id: it can move page without breaking a link."""
        return self.linked.count(item["id"]) == 1

    def other_key(self, item: dict[str, Any]) -> str:
        cited = {s["key"] for _, e, _ in _excerpts(self.docs) for s in e["sources"]}
        return sorted(cited - self.outlined - self.label_keys
                      - {s["key"] for s in item["sources"]})[0]

    def label(self, key: str) -> str:
        return self.labels[key]


def edit_every_field(ed: Editor) -> None:
    """Every field of a statement and of a rule, changed once."""
    titles = {name: doc["title"] for name, doc in ed.docs.items()}
    sections = {o["const"]: o["title"] for o in schema()["$defs"]["patient_section"]["oneOf"]}

    # A statement's fields.
    _, e = ed.excerpt(lambda e: True)
    old, e["claim"] = e["claim"], f"{e['claim']} Edited: {HOSTILE}."
    ed.said(e, f"Claim changed from “{old}” to “{e['claim']}”")

    _, e = ed.excerpt(lambda e: True)
    key = ed.other_key(e)
    e["sources"].append({"key": key, "locator": "p. 2"})
    ed.said(e, f"Source added: {ed.label(key)}, p. 2")

    _, e = ed.excerpt(lambda e: True)
    source = e["sources"][0]
    old, source["locator"] = source["locator"], "Table 42"
    ed.said(e, f"Locator of {ed.label(source['key'])} changed from {old} to Table 42")

    _, e = ed.excerpt(lambda e: len(e["sources"]) > 1)
    gone = e["sources"].pop()
    ed.said(e, f"Source removed: {ed.label(gone['key'])}, {gone['locator']}")

    _, e = ed.excerpt(lambda e: e.get("status", "verified") == "verified")
    e["status"] = "unverified"
    ed.said(e, "Now unverified (was verified)")

    _, e = ed.excerpt(lambda e: e.get("status") == "unverified")
    e["status"] = "verified"
    ed.said(e, "Now verified (was unverified)")

    _, e = ed.excerpt(lambda e: e["evidence"] in ("cohort", "review", "trial"))
    old, e["evidence"] = e["evidence"], "trial" if e["evidence"] != "trial" else "cohort"
    ed.said(e, f"Evidence type changed from {old} to {e['evidence']}")

    _, e = ed.excerpt(lambda e: e["topic"] != "renal")
    old, e["topic"] = e["topic"], "renal"
    ed.said(e, f"Topic changed from {TOPICS[old]} to Renal")

    _, e = ed.excerpt(lambda e: "label_version" not in e and e["evidence"] != "label")
    e["label_version"] = "2024"
    ed.said(e, "Label version added: 2024")

    _, e = ed.excerpt(lambda e: not e.get("key_fact") and e["evidence"] in ("cohort", "trial"))
    e["key_fact"] = True
    ed.said(e, "Now a key fact (on the card and in the self-test)")

    _, e = ed.excerpt(lambda e: "explains" not in e)
    e["explains"] = "hold-dose"
    ed.said(e, "Now explains Hold this dose on the card")

    _, e = ed.excerpt(lambda e: "patient" in e)
    old, e["patient"]["text"] = e["patient"]["text"], e["patient"]["text"] + " Ask us anything."
    ed.said(e, f"Patient text changed from “{old}” to “{e['patient']['text']}”")

    _, e = ed.excerpt(lambda e: "patient" in e and e["patient"]["section"] != "after-home")
    old, e["patient"]["section"] = e["patient"]["section"], "after-home"
    ed.said(e, f"Patient sheet section changed from {sections[old]} to {sections['after-home']}")

    _, e = ed.excerpt(lambda e: "patient" not in e)
    e["patient"] = {"section": "what-you-feel", "text": "You may feel tired for a few days."}
    ed.said(e, f"Added to the patient sheet under {sections['what-you-feel']}",
            "Patient text added: “You may feel tired for a few days.”")

    conflict = next(c for _, e, c in _excerpts(ed.docs)
                    if c and not any(s["id"] in ed.expected for s in c["sides"]))
    old, conflict["title"] = conflict["title"], conflict["title"] + " (edited)"
    for side in conflict["sides"]:
        ed.said(side, f"“Sources differ” note changed from “{old}” to “{conflict['title']}”")

    name, e = ed.excerpt(ed.unlinked)
    there = next(n for n in ed.docs if n != name and ed.docs[n]["sections"][0].get("excerpts"))
    for section in ed.docs[name]["sections"]:
        if e in section.get("excerpts", []):
            section["excerpts"].remove(e)
    ed.docs[there]["sections"][0]["excerpts"].append(e)
    ed.said(e, f"Moved from {titles[name]} to {titles[there]}")

    # A rule's fields.
    allowed = allowed_actions()
    _, r = ed.rule(lambda r: "tier" not in r and not r.get("finding")
                   and len(allowed[r["framework"]]) > 1)
    old = r["action"]
    r["action"] = next(a for a in allowed[r["framework"]] if a != old)
    ed.said(r, f"Action changed from {ACTIONS[old]} to {ACTIONS[r['action']]}")

    _, r = ed.rule(lambda r: True)
    old, r["criterion"] = r["criterion"], r["criterion"] + " (edited)"
    ed.said(r, f"Criterion changed from “{old}” to “{r['criterion']}”")

    _, r = ed.rule(lambda r: r.get("threshold", {}).get("measure") in ("systolic-bp",
                                                                      "heart-rate", "creatinine")
                   and "value" in r["threshold"])
    before = Threshold(**r["threshold"])
    r["threshold"]["value"] += 1
    ed.said(r, f"Threshold changed from {format_threshold(before)} to "
               f"{format_threshold(Threshold(**r['threshold']))}")

    _, r = ed.rule(lambda r: bool(r.get("resume")))
    old, r["resume"] = r["resume"], r["resume"] + " (edited)"
    ed.said(r, f"Resume condition changed from “{old}” to “{r['resume']}”")

    _, r = ed.rule(lambda r: not r.get("resume") and r["action"] == "hold-dose")
    r["resume"] = "When the finding has gone."
    ed.said(r, "Resume condition added: “When the finding has gone.”")

    _, r = ed.rule(lambda r: any(s["key"] not in ed.outlined for s in r["sources"]))
    source = next(s for s in r["sources"] if s["key"] not in ed.outlined)
    old, source["locator"] = source["locator"], "Table 42"
    ed.said(r, f"Locator of {ed.label(source['key'])} changed from {old} to Table 42")

    _, r = ed.rule(lambda r: not r["framework"].startswith("label-"))
    key = ed.other_key(r)
    r["sources"].append({"key": key, "locator": "p. 3"})
    ed.said(r, f"Source added: {ed.label(key)}, p. 3")

    _, r = ed.rule(lambda r: r.get("status", "verified") == "verified"
                   and r["framework"] != "consensus-2014")
    r["status"] = "unverified"
    ed.said(r, "Now unverified (was verified)")

    _, r = ed.rule(lambda r: "tier" not in r and r["action"] == "hold-dose"
                   and r["framework"] != "label-2024")
    r["tier"] = "relative"
    ed.said(r, "Tier added: relative criterion")

    _, r = ed.rule(lambda r: r["framework"] in ("post-til-2024", "institution-2015")
                   and "cumulative" not in r)
    old = r["framework"]
    r["framework"] = "institution-2015" if old == "post-til-2024" else "post-til-2024"
    ed.said(r, f"Source of rule changed from {FRAMEWORKS[old]} to {FRAMEWORKS[r['framework']]}")

    _, r = ed.rule(lambda r: r["system"] != "hepatic")
    old, r["system"] = r["system"], "hepatic"
    ed.said(r, f"Organ system changed from {TOPICS[old]} to {TOPICS['hepatic']}")

    _, r = ed.rule(lambda r: not r.get("finding"))
    r["finding"] = "changelog-test-finding"
    ed.said(r, "Now shares the finding changelog-test-finding with other sources' rules")

    _, r = ed.rule(lambda r: r.get("cumulative", {}).get("counts") == "held-doses")
    r["cumulative"]["at_least"] += 1
    n = r["cumulative"]["at_least"]
    ed.said(r, f"Combination rule changed from at least {n - 1} doses held so far in the cycle "
               f"to at least {n} doses held so far in the cycle")

    name, r = ed.rule(lambda r: not r.get("finding") and "cumulative" not in r and ed.unlinked(r))
    there = next(n for n in ed.docs if n != name and ed.docs[n].get("rules"))
    ed.docs[name]["rules"].remove(r)
    ed.docs[there]["rules"].append(r)
    ed.said(r, f"Moved from {titles[name]} to {titles[there]}")


def _project_facts(root: Path) -> tuple[dict[str, str], set[str], set[str], str]:
    """Sources' names, the keys with an outline, the labels' keys, and every text that can
    name a statement (hand-written pages and page files)."""
    corpus, _ = load_corpus(root)
    label_keys = {k for k, f in corpus.bib_fields.items() if "label_version" in f}
    linked = "".join(p.read_text(encoding="utf-8") for p in sorted((root / "docs").rglob("*"))
                     if p.suffix in (".md", ".yaml", ".yml") and p.is_file())
    return corpus.bib_labels, set(corpus.outlines), label_keys, linked


def _changed_items(ul: lxml.html.HtmlElement) -> dict[str, set[str]]:
    """id -> the sentences under it, from a Changed list (feed or page)."""
    out = {}
    for li in ul.findall("li"):
        code = li.find(".//code")
        assert code is not None
        out[code.text_content()] = {s.text_content().strip() for s in li.findall("ul/li")}
    return out


def _after(heading: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    nxt = heading.getnext()
    assert nxt is not None and nxt.tag == "ul", lxml.html.tostring(heading)
    return nxt


def test_every_field_changed_after_a_release_is_said_in_the_feed_and_on_the_page(
        tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = released_clone(tmp_path / "clone")

    data = clone / "docs" / "data"
    docs = {p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(data.glob("*.yaml"))}
    editor = Editor(docs, *_project_facts(clone))
    edit_every_field(editor)
    # Every file is written again in another layout: only the changes above may show.
    for name, doc in docs.items():
        (data / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False,
                                                width=200), encoding="utf-8")
    _git(*WHO, "commit", "-qam", "change every field", cwd=clone)

    result = mkdocs_build(clone, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    expected = {k: {plain_text(s) for s in v} for k, v in editor.expected.items()}
    assert len(expected) >= 30

    raw = (tmp_path / "site" / "changes.xml").read_bytes()
    newest = lxml.etree.fromstring(raw).findall(f"{ATOM}entry")[0]
    assert (newest.findtext(f"{ATOM}title") or "").endswith("not yet released")
    entry = lxml.html.fragment_fromstring(newest.findtext(f"{ATOM}content") or "",
                                          create_parent="div")
    assert entry.text_content().startswith(f"0 added, {len(expected)} changed, 0 removed.")
    heading = next(h for h in entry.iter("h3") if h.text_content() == "Changed")
    assert _changed_items(_after(heading)) == expected

    page = lxml.html.parse(str(tmp_path / "site" / "changes" / "index.html")).getroot()
    article = page.cssselect("article")[0]
    assert f"{len(expected)} changed" in article.text_content()
    assert _changed_items(_after(page.get_element_by_id("changed"))) == expected

    # Editors' text is shown, never run; thresholds are in the site's words, never a repr.
    for where in (entry, article):
        assert not list(where.iter("b", "img", "script"))
        assert HOSTILE in where.text_content()
        assert "{'" not in where.text_content() and "Threshold(" not in where.text_content()
    threshold_rule = next(k for k, v in expected.items() if any("Threshold" in s for s in v))
    rule = next(r for _, r in _rules(docs) if r["id"] == threshold_rule)
    summary = next(li for li in _after(heading).findall("li")
                   if li.find(".//code").text_content() == threshold_rule)
    assert summary.text_content().startswith(
        f"{threshold_rule}: {ACTIONS[rule['action']]}: {' '.join(rule['criterion'].split())}: "
        f"{format_threshold(Threshold(**rule['threshold']))}")


# --- every form of every sentence, on a small page ---

def _page(excerpts: list[dict[str, Any]], rules: list[dict[str, Any]],
          title: str = "Renal", conflicts: list[dict[str, Any]] | None = None) -> Docs:
    return {"title": title, "summary": "A page.", "reviewed": "2026-01-01", "group": "Toxicities",
            "order": 1, "sections": [{"id": "s", "title": "S", "excerpts": excerpts,
                                      "conflicts": conflicts or []}], "rules": rules}


def _excerpt(**over: Any) -> dict[str, Any]:
    return {"id": "e", "claim": "Creatinine rises to {creatinine 3 mg/dL} in most.",
            "sources": [{"key": "dutcher2014", "locator": "Table 2"}], "evidence": "cohort",
            "topic": "renal", **over}


def _rule(**over: Any) -> dict[str, Any]:
    return {"id": "r", "system": "renal", "framework": "consensus-2014", "action": "hold-dose",
            "tier": "relative", "criterion": "Serum creatinine",
            "threshold": {"measure": "creatinine", "comparator": ">=", "value": 3,
                          "unit": "mg/dL"},
            "sources": [{"key": "dutcher2014", "locator": "Table 3"}], **over}


LABELS = {"dutcher2014": "Dutcher 2014", "schwartz2002": "Schwartz 2002"}


def _said(old: Docs, new: Docs) -> dict[str, list[str]]:
    changes = history.diff(history.statements({"renal.yaml": old}),
                           history.statements({"renal.yaml": new}), "v1", labels=LABELS)
    assert not changes.added and not changes.removed
    return {k: said.split("\n") for k, _, said in changes.changed}


@pytest.mark.parametrize(("over", "said"), [
    ({"claim": "Creatinine rises to {creatinine 4 mg/dL} in most."},
     "Claim changed from “Creatinine rises to {creatinine 3 mg/dL} in most.” to "
     "“Creatinine rises to {creatinine 4 mg/dL} in most.”"),
    ({"sources": [{"key": "dutcher2014", "locator": "Table 2"},
                  {"key": "schwartz2002", "locator": "p. 5"}]},
     "Source added: Schwartz 2002, p. 5"),
    ({"sources": [{"key": "schwartz2002", "locator": "p. 5"}]},
     "Source removed: Dutcher 2014, Table 2"),
    ({"sources": [{"key": "dutcher2014", "locator": "Table 3"}]},
     "Locator of Dutcher 2014 changed from Table 2 to Table 3"),
    ({"evidence": "trial"}, "Evidence type changed from cohort to trial"),
    ({"evidence": "case-report"}, "Evidence type changed from cohort to case report"),
    ({"topic": "hepatic"}, "Topic changed from Renal to Hepatic"),
    ({"label_version": "legacy"}, "Label version added: legacy"),
    ({"status": "unverified"}, "Now unverified (was verified)"),
    ({"key_fact": True}, "Now a key fact (on the card and in the self-test)"),
    ({"explains": "stop-cycle"}, "Now explains Stop this cycle on the card"),
    ({"patient": {"section": "organs", "text": "Your kidneys may work less well for a while."}},
     "Added to the patient sheet under What happens to each part of the body, and how it "
     "recovers"),
])
def test_each_field_of_a_statement_is_said_in_words(over: dict[str, Any], said: str) -> None:
    found = _said(_page([_excerpt()], []), _page([_excerpt(**over)], []))
    assert said in found["e"]
    if "sources" not in over and "patient" not in over:
        assert found == {"e": [said]}


def test_a_wallet_card_line_added_moved_or_removed_is_said_in_words() -> None:
    line = {"effect": "thyroid", "text": "Your thyroid may slow down after IL-2."}
    moved = {"effect": "contrast", "text": "Tell the scan staff you had IL-2."}
    assert _said(_page([_excerpt()], []), _page([_excerpt(wallet=line)], [])) == {"e": [
        "Added to the wallet card under Thyroid",
        "Wallet card text added: “Your thyroid may slow down after IL-2.”"]}
    assert _said(_page([_excerpt(wallet=line)], []), _page([_excerpt(wallet=moved)], [])) == {
        "e": ["Wallet card group changed from Thyroid to Contrast dye for X-rays and scans",
              "Wallet card text changed from “Your thyroid may slow down after IL-2.” to “Tell "
              "the scan staff you had IL-2.”"]}
    assert _said(_page([_excerpt(wallet=line)], []), _page([_excerpt()], [])) == {"e": [
        "Removed from the wallet card (was under Thyroid)",
        "Wallet card text removed (was “Your thyroid may slow down after IL-2.”)"]}


def test_a_statement_losing_a_field_or_being_verified_is_said_in_words() -> None:
    full = _excerpt(label_version="2024", status="unverified", key_fact=True, explains="hold-dose",
                    patient={"section": "organs", "text": "Your kidneys may work less well."})
    assert _said(_page([full], []), _page([_excerpt()], [])) == {"e": [
        "Now verified (was unverified)", "Label version removed (was 2024)",
        "No longer a key fact (off the card and the self-test)",
        "No longer explains Hold this dose on the card",
        "Removed from the patient sheet (was under What happens to each part of the body, and "
        "how it recovers)", "Patient text removed (was “Your kidneys may work less well.”)"]}
    changed = _excerpt(label_version="legacy", explains="stop-cycle",
                       patient={"section": "after-home", "text": "Your kidneys recover."})
    assert _said(_page([full], []), _page([changed], [])) == {"e": [
        "Now verified (was unverified)", "Label version changed from 2024 to legacy",
        "No longer a key fact (off the card and the self-test)",
        "Now explains Stop this cycle on the card (was Hold this dose)",
        "Patient sheet section changed from What happens to each part of the body, and how it "
        "recovers to After you go home",
        "Patient text changed from “Your kidneys may work less well.” to “Your kidneys "
        "recover.”"]}


def test_a_side_of_sources_differ_and_a_move_are_said_in_words() -> None:
    def note(title: str) -> list[dict[str, Any]]:
        return [{"id": "c", "title": title, "sides": [_excerpt(id="a"), _excerpt(id="b")]}]

    assert _said(_page([], [], conflicts=note("Which level?")),
                 _page([], [], conflicts=note("Which creatinine level?"))) == {
        side: ["“Sources differ” note changed from “Which level?” to “Which creatinine level?”"]
        for side in ("a", "b")}
    assert _said(_page([_excerpt(id="a"), _excerpt(id="b")], []),
                 _page([], [], conflicts=note("Which level?"))) == {
        side: ["Now a side of the “Sources differ” note “Which level?”"] for side in ("a", "b")}
    moved = history.diff(history.statements({"renal.yaml": _page([_excerpt()], [_rule()]),
                                             "hepatic.yaml": _page([], [], "Hepatic")}),
                         history.statements({"renal.yaml": _page([], []),
                                             "hepatic.yaml": _page([_excerpt()], [_rule()],
                                                                   "Hepatic")}), "v1")
    assert [(k, said) for k, _, said in moved.changed] == [
        ("e", "Moved from Renal to Hepatic"), ("r", "Moved from Renal to Hepatic")]


@pytest.mark.parametrize(("over", "said"), [
    ({"action": "stop-cycle", "tier": "absolute"},
     ["Action changed from Hold this dose to Stop this cycle",
      "Tier changed from relative criterion to absolute criterion"]),
    ({"criterion": "Serum creatinine, rising"},
     ["Criterion changed from “Serum creatinine” to “Serum creatinine, rising”"]),
    ({"threshold": {"measure": "creatinine", "comparator": ">", "value": 4.5, "unit": "mg/dL"}},
     ["Threshold changed from ≥ 3 mg/dL (≥ 265 µmol/L) to > 4.5 mg/dL (> 398 µmol/L)"]),
    ({"threshold": {"measure": "creatinine", "comparator": "range", "low": 2.5, "high": 2.9,
                    "unit": "mg/dL"}},
     ["Threshold changed from ≥ 3 mg/dL (≥ 265 µmol/L) to 2.5–2.9 mg/dL (221–256 µmol/L)"]),
    ({"threshold": {"measure": "urine-output", "comparator": "<", "value": 80,
                    "unit": "mL/8 h"}},
     ["Measure changed from Serum creatinine to Urine output",
      "Threshold changed from ≥ 3 mg/dL (≥ 265 µmol/L) to < 80 mL/8 h"]),
    ({"threshold": None}, ["Measure removed (was Serum creatinine)",
                           "Threshold removed (was ≥ 3 mg/dL (≥ 265 µmol/L))"]),
    ({"cumulative": {"counts": "relative-criteria", "at_least": 3}},
     ["Now a combination rule: at least 3 relative criteria met"]),
    ({"tier": None}, ["Tier removed (was relative criterion)"]),
    ({"resume": "Creatinine below {creatinine 2 mg/dL}."},
     ["Resume condition added: “Creatinine below {creatinine 2 mg/dL}.”"]),
    ({"status": "unverified"}, ["Now unverified (was verified)"]),
    ({"framework": "post-til-2024", "tier": None},
     ["Tier removed (was relative criterion)",
      "Source of rule changed from Expert consensus (2014) to Post-TIL guidance (2024)"]),
    ({"system": "hepatic"}, ["Organ system changed from Renal to Hepatic"]),
    ({"finding": "creatinine-rise"},
     ["Now shares the finding creatinine-rise with other sources' rules"]),
    ({"sources": [{"key": "dutcher2014", "locator": "Table 2"}]},
     ["Locator of Dutcher 2014 changed from Table 3 to Table 2"]),
    ({"sources": [{"key": "dutcher2014", "locator": "Table 3"},
                  {"key": "schwartz2002", "locator": "p. 5"}]},
     ["Source added: Schwartz 2002, p. 5"]),
    ({"sources": [{"key": "schwartz2002", "locator": "p. 5"},
                  {"key": "dutcher2014", "locator": "Table 3"}]},
     ["Source added: Schwartz 2002, p. 5"]),
])
def test_each_field_of_a_rule_is_said_in_words(over: dict[str, Any], said: list[str]) -> None:
    new = {k: v for k, v in {**_rule(), **over}.items() if v is not None}
    assert _said(_page([], [_rule()]), _page([], [new])) == {"r": said}


def test_a_rule_losing_its_resume_finding_or_combination_is_said_in_words() -> None:
    full = _rule(resume="When it falls.", finding="creatinine-rise",
                 cumulative={"counts": "held-doses", "at_least": 2})
    assert _said(_page([], [full]), _page([], [_rule()]))["r"] == [
        "No longer a combination rule (was at least 2 doses held so far in the cycle)",
        "Resume condition removed (was “When it falls.”)",
        "No longer shares the finding creatinine-rise with other sources' rules"]
    changed = _rule(resume="When it has fallen.", finding="creatinine-high",
                    cumulative={"counts": "held-doses", "at_least": 3})
    assert _said(_page([], [full]), _page([], [changed]))["r"] == [
        "Combination rule changed from at least 2 doses held so far in the cycle to at least 3 "
        "doses held so far in the cycle",
        "Resume condition changed from “When it falls.” to “When it has fallen.”",
        "Shared finding changed from creatinine-rise to creatinine-high"]


def test_reordered_sources_and_an_unchanged_layout_are_said_or_not() -> None:
    two = [{"key": "dutcher2014", "locator": "Table 3"}, {"key": "schwartz2002", "locator": "p. 5"}]
    assert _said(_page([], [_rule(sources=two)]), _page([], [_rule(sources=two[::-1])])) == {
        "r": ["Sources reordered: now Schwartz 2002, p. 5; Dutcher 2014, Table 3"]}
    # Another layout, key order, folded text or a default written out: no change.
    corpus, _ = load_corpus(ROOT)
    docs = copy.deepcopy(corpus.documents)
    for doc in docs.values():
        for _, e, _ in _excerpts({"x": doc}):
            e.setdefault("status", "verified")
            e["claim"] = e["claim"].replace(" ", "\n  ", 1)
    assert history.diff(history.statements(corpus.documents), history.statements(docs),
                        "v1").changed == []


def test_added_and_removed_say_what_each_statement_and_rule_is() -> None:
    changes = history.diff(history.statements({"renal.yaml": _page([_excerpt()], [])}),
                           history.statements({"renal.yaml": _page([], [_rule()])}), "v1")
    assert changes.added == [("r", "Hold this dose: Serum creatinine: ≥ 3 mg/dL (≥ 265 µmol/L)"
                                   " — Expert consensus (2014)")]
    assert changes.removed == [("e", "Creatinine rises to {creatinine 3 mg/dL} in most.")]


def test_an_old_release_the_model_no_longer_reads_is_compared_field_by_field() -> None:
    """A release's file from before a schema change (no page title, a threshold field since
    dropped) is read statement by statement, with the model's defaults; the page it is on is
    its file, so a new page title moves nothing."""
    old = {"sections": [{"excerpts": [_excerpt()]}],
           "rules": [_rule(threshold={"measure": "creatinine", "comparator": ">=", "value": 3,
                                      "unit": "mg/dL", "basis": "baseline"})]}
    changes = history.diff(history.statements({"renal.yaml": old}),
                           history.statements({"renal.yaml": _page([_excerpt(status="unverified")],
                                                                   [_rule(resume="Later.")])}),
                           "v1")
    assert changes.changed == [
        ("e", "Creatinine rises to {creatinine 3 mg/dL} in most.",
         "Now unverified (was verified)"),
        ("r", "Hold this dose: Serum creatinine: ≥ 3 mg/dL (≥ 265 µmol/L) — Expert consensus "
              "(2014)", "Resume condition added: “Later.”")]


def test_the_lenient_reader_agrees_with_the_model_on_the_real_data() -> None:
    corpus, _ = load_corpus(ROOT)
    for name, doc in corpus.documents.items():
        slug, title = Path(name).stem, doc["title"]
        assert dict(history._lenient(doc, slug, title)) == history.statements({name: doc}), name


def test_hostile_text_in_a_change_is_shown_in_the_feed_and_on_the_page() -> None:
    import markdown

    changes = Changes("v1", added=[("a", HOSTILE)], removed=[("b", HOSTILE)],
                      changed=[("c", HOSTILE, f"Claim changed from “{HOSTILE}” to “x”\n"
                                              f"Source added: {HOSTILE}, p. 1")])
    xml = feed_xml([Release(None, "2026-12-01T00:00:00+00:00", changes)],
                   places={"a": "renal", "c": "renal"}, site_name="<i>Site</i>",
                   site_url="https://example.org/", edition="Edition 1", built="2026-12-01",
                   directory_urls=True)
    entry = lxml.etree.fromstring(xml).findall(f"{ATOM}entry")[0]
    body = lxml.html.fragment_fromstring(entry.findtext(f"{ATOM}content") or "",
                                         create_parent="div")
    page = lxml.html.fragment_fromstring(
        markdown.markdown(changes_markdown(changes), extensions=["attr_list"]),
        create_parent="div")
    for where in (body, page):
        assert not list(where.iter("b", "img", "i", "script"))
        assert where.text_content().count(HOSTILE) == 5
