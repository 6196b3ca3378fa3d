"""Editors: mistakes stop every front door with a clear message and keep the last good site;
provenance views are generated from the data."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_validation import EXPECTED

import il2ref.load.git
from conftest import ENV, FIXTURES, ROOT, copy_project, digest, mkdocs_build
from il2ref.load.history import diff, statements

INVALID = sorted((FIXTURES / "invalid").iterdir())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, built_site: Path) -> Path:
    """A copy of the real project with a built site/, sharing the developer's .venv."""
    root = copy_project(tmp_path_factory.mktemp("editor") / "project")
    for name in ("Makefile", "pyproject.toml", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, root / name)
    (root / ".venv").symlink_to(ROOT / ".venv")
    shutil.copytree(built_site, root / "site")
    return root


def _make(project: Path, target: str) -> subprocess.CompletedProcess[str]:
    # -o: treat the shared virtualenv as up to date, never reinstall it from the copy.
    return subprocess.run(["make", "-o", ".venv/.base", target], cwd=project, env=ENV,
                          capture_output=True, text=True, timeout=300)


# The fixtures cite the mini project's keys; in the real project they cite real ones, so each
# injected file carries exactly its own mistake.
REAL = {"alpha2001": "textor1987", "gamma_label": "proleukin_pi_2024",
        "delta_legacy": "proleukin_pi_legacy", "good-one": "cls-onset",
        "shared-finding": "atrial-fibrillation"}


def _realistic(text: bytes) -> bytes:
    for mini, real in REAL.items():
        text = text.replace(mini.encode(), real.encode())
    return text


def _expected(name: str) -> list[str]:
    if name == "duplicate-id.yaml":  # the first use is now in the real capillary-leak page
        return ["id 'cls-onset' is already used at docs/data/capillary-leak.yaml:"]
    if name == "rule-finding-split.yaml":  # the finding's first rule is on a real page
        return ["docs/data/rule-finding-split.yaml:16:14: rules[0].finding: finding "
                "'atrial-fibrillation' is also used at docs/data/cardiovascular.yaml:"]
    if name == "locator-not-seen.yaml":  # the real outline gives its own reason in the brackets
        return ["docs/data/locator-not-seen.yaml:14:22: "
                "sections[0].excerpts[0].sources[0].locator: cites '§2.5', which "
                "docs/data/sources/proleukin_pi_2024.yaml marks as not seen (",
                "mark the statement status: unverified, or read the text and update the outline "
                "[E046]"]
    if name == "unknown-key.yaml":
        return ["docs/data/unknown-key.yaml:13:18: sections[0].excerpts[0].sources[0].key: "
                "unknown citation key 'alpha2010': not in references.bib"]
    return [_realistic(m.encode()).decode() for m in EXPECTED[name]]


def _front_doors(project: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    return {
        "mkdocs build": mkdocs_build(project, project / "site"),
        "make build": _make(project, "build"),
        "make validate": _make(project, "validate"),
    }


def _check(results: dict[str, subprocess.CompletedProcess[str]], expected: list[str]) -> None:
    for door, result in results.items():
        assert result.returncode != 0, door
        for message in expected:
            assert message in result.stdout + result.stderr, (door, message)


DOORS = ["mkdocs build", "make build", "make validate"]


def _door(project: Path, door: str) -> subprocess.CompletedProcess[str]:
    if door == "mkdocs build":
        return mkdocs_build(project, project / "site")
    return _make(project, door.split()[1])


@pytest.mark.parametrize("door", DOORS)
def test_every_mistake_fails_every_front_door_in_one_run_and_keeps_the_site(
        project: Path, door: str) -> None:
    """Every fixture's mistake at once, as an editor's bad afternoon would leave them: each
    front door fails, reports every one of them in the same run, and leaves site/ alone."""
    targets = [project / "docs" / "data" / f.name for f in INVALID]
    before = digest(project / "site")
    for fixture, target in zip(INVALID, targets, strict=True):
        target.write_bytes(_realistic(fixture.read_bytes()))
    try:
        result = _door(project, door)
    finally:
        for target in targets:
            target.unlink()
    assert result.returncode != 0, door
    output = result.stdout + result.stderr
    missing = [m for f in INVALID for m in _expected(f.name) if m not in output]
    assert not missing, (door, missing[:3])
    assert digest(project / "site") == before


@pytest.mark.parametrize("door", DOORS)
def test_bibtex_mistakes_fail_every_front_door(project: Path, door: str) -> None:
    bib = project / "references.bib"
    original = bib.read_text(encoding="utf-8")
    before = digest(project / "site")
    bib.write_text(original + "\n@article{textor1987,\n  title = {Again},\n  year = {1987}\n}\n"
                   "\n@article{bad key,\n  title = {Space}\n}\n", encoding="utf-8")
    try:
        result = _door(project, door)
    finally:
        bib.write_text(original, encoding="utf-8")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "textor1987: entry key is defined twice (first on line" in output
    assert "bad key: citation key may use only letters, digits, _ and - [E031]" in output
    assert digest(project / "site") == before


def test_an_unclosed_bibtex_entry_fails_with_its_place(project: Path) -> None:
    bib = project / "references.bib"
    original = bib.read_text(encoding="utf-8")
    lines = original.count("\n")
    bib.write_text(original + "\n@article{broken2020,\n  title = {Unclosed,\n  year = {2020}\n",
                   encoding="utf-8")
    try:
        result = _make(project, "validate")
    finally:
        bib.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    # At the brace that never closes (line and column), not where pybtex gave up.
    assert (f"references.bib:{lines + 3}:11: (syntax): this '{{' is never closed [E030]"
            in result.stderr)


def test_an_oversized_file_fails_every_front_door(project: Path) -> None:
    """One byte over the limit, standing in for a pasted 50 MB document: only the size is read
    (tests/test_validation.py checks the big file is never parsed)."""
    from il2ref.load.yaml_source import MAX_BYTES

    target = project / "docs" / "data" / "pasted.yaml"
    head = "title: Pasted\nsummary: |\n  "
    target.write_text(head + "x" * (MAX_BYTES + 1 - len(head) - 1) + "\n")
    before = digest(project / "site")
    try:
        results = _front_doors(project)
    finally:
        target.unlink()
    _check(results, ["docs/data/pasted.yaml:1:1: (file): file is 1,000,001 bytes, over the "
                     "1,000,000-byte limit"])
    assert digest(project / "site") == before


def test_statements_by_source_lists_claims_with_locators(built_site: Path) -> None:
    page = (built_site / "by-source" / "index.html").read_text(encoding="utf-8")
    assert 'id="src-dutcher2014"' in page
    assert '<span class="record-id">rule-consensus-weight</span>' in page
    assert ('<em>Table 3, musculoskeletal row</em>, on '
            '<a href="../capillary-leak/#rule-consensus-weight">') in page
    # Each source links to its full reference on the References page, which really has it.
    targets = re.findall(r'href="../references/#(fn:[\w-]+)"', page)
    references = (built_site / "references" / "index.html").read_text(encoding="utf-8")
    assert len(targets) == page.count("<h2 id=\"src-")
    assert all(f'id="{t}"' in references for t in targets)


def test_each_statement_links_to_its_record(built_site: Path) -> None:
    page = (built_site / "capillary-leak" / "index.html").read_text(encoding="utf-8")
    assert ('aria-label="Provenance of excerpt cls-textor-series" class="excerpt-link" '
            'href="../by-source/#src-textor1987" title="Excerpt cls-textor-series · textor1987, '
            'abstract"') in page


def test_freshness_report(built_site: Path) -> None:
    """One row per data page with its review date, on the pinned build date (conftest)."""
    from il2ref.load.corpus import load_corpus

    page = (built_site / "freshness" / "index.html").read_text(encoding="utf-8")
    assert "No page is overdue for review" in page
    assert "Generated 2026-12-01." in page
    corpus, _ = load_corpus(ROOT)
    rows = re.findall(r'<tr>\s*<td><a href="../([\w-]+)/">.*?</a></td>\s*<td>([\d-]+)</td>',
                      page, re.S)
    assert sorted(rows) == sorted((p.slug, p.reviewed) for p in corpus.pages)


def test_overdue_pages_are_reported(project: Path, tmp_path: Path) -> None:
    data = project / "docs" / "data" / "hepatic.yaml"
    original = data.read_text(encoding="utf-8")
    stale = re.sub(r'^reviewed: "[0-9-]+"$', 'reviewed: "2020-01-01"', original, flags=re.M)
    assert stale != original, "hepatic.yaml has no reviewed: line to age"
    data.write_text(stale)
    try:
        result = mkdocs_build(project, tmp_path / "site")
    finally:
        data.write_text(original)
    assert result.returncode == 0, result.stderr
    assert "review overdue: docs/data/hepatic.yaml (last reviewed 2020-01-01)" in result.stderr
    page = (tmp_path / "site" / "freshness" / "index.html").read_text(encoding="utf-8")
    assert "1 page(s) overdue for review" in page


def test_changelog_lists_added_removed_and_changed() -> None:
    old = statements({"a.yaml": yaml.safe_load(
        "sections: [{excerpts: [{id: a, claim: old text}, {id: b, claim: gone}]}]\n"
        "rules: [{id: r, action: hold-dose, criterion: Creatinine, threshold: {value: 3}}]")})
    new = statements({"a.yaml": yaml.safe_load(
        "sections: [{excerpts: [{id: a, claim: new text}, {id: c, claim: fresh}]}]\n"
        "rules: [{id: r, action: hold-dose, criterion: Creatinine, threshold: {value: 2.5}}]")})
    changes = diff(old, new, "v0.1.0")
    assert changes.added == [("c", "fresh")]
    assert changes.removed == [("b", "gone")]
    assert [c[0] for c in changes.changed] == ["a", "r"]


def test_changes_since_the_last_release_tag_read_from_git_in_a_fixed_number_of_calls(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The release's files come from one `git cat-file --batch`, not one `git show` per file
    (seconds at 1,000 pages)."""
    from il2ref.load import history as changelog

    root = tmp_path / "repo"
    data = root / "docs" / "data"
    data.mkdir(parents=True)
    for n in range(12):
        (data / f"page-{n:02d}.yaml").write_text(
            f"sections: [{{excerpts: [{{id: e{n}, claim: claim {n}}}]}}]\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "release"], cwd=root, check=True)
    subprocess.run([*git, "tag", "-a", "v1.0.0", "-m", "v1.0.0"], cwd=root, check=True)
    (data / "page-03.yaml").write_text(
        "sections: [{excerpts: [{id: e3, claim: claim three revised}]}]\n", encoding="utf-8")
    (data / "page-11.yaml").unlink()

    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args: list[str], **kwargs: object) -> object:
        calls.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(il2ref.load.git.subprocess, "run", counting_run)  # every git call
    current = {p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
               for p in sorted(data.glob("*.yaml"))}
    changes = changelog.changes_since_release(root, current)
    assert changes.since == "v1.0.0"
    assert changes.changed == [("e3", "claim three revised",
                                "Claim changed from “claim 3” to “claim three revised”")]
    assert changes.removed == [("e11", "claim 11")]
    assert changes.added == []
    # rev-parse (is the history whole?), describe, ls-tree and one cat-file for all 12 files.
    assert len(calls) == 4, calls

    # A shallow clone has no tags: the page must not say "nothing is tagged" as if it knew.
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(shallow)],
                   check=True)
    why, wrong = changelog.history_problem(shallow) or ("", False)
    assert "shallow clone" in why and wrong
    assert changelog.history_problem(root) is None
    assert changelog.history_problem(tmp_path) == (
        "there is no git history here (not a git checkout, or no git)", False)
    page = changelog.changes_since_release(tmp_path, {})
    assert page.since is None and page.history_problem and not page.history_wrong


def test_editor_tooling_points_at_the_one_schema() -> None:
    settings = (ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8")
    assert "./scripts/il2ref/core/page.schema.json" in settings
    for data in (ROOT / "docs" / "data").glob("*.yaml"):
        first = data.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../scripts/il2ref/core/page.schema.json"
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [h["entry"] for repo in hooks["repos"] for h in repo["hooks"]]
    assert entries == ["make validate", "make build"]


def test_editor_guide_field_table_comes_from_the_schema(built_site: Path) -> None:
    page = (built_site / "editors" / "index.html").read_text(encoding="utf-8")
    for field in ("claim", "locator", "label_version", "key_fact", "aliases", "threshold"):
        assert f"<code>{field}</code>" in page
    assert "<code>institutional-policy</code>" in page  # an evidence type from the enum
