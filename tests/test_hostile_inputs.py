"""Hostile and careless editor input (issue #25): characters no reader sees, alias bombs, a
finding id split by a typo, bad build-date variables, and the CLI run from inside the project.
The exact message for each fixture is in test_validation.EXPECTED; these tests cover what a
fixture cannot: every code point, every escape form, both YAML loaders, the front doors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_validation import EXPECTED, INVALID, messages, mini_project

from conftest import ENV, ROOT, copy_project, mkdocs_build
from il2ref import cli
from il2ref.core.dates import BuildDateError, build_date
from il2ref.core.diagnostics import Severity
from il2ref.load import yaml_source
from il2ref.load.corpus import load_corpus

# ---------------------------------------------------------------------------------------------
# Characters a reader cannot see


def test_the_quick_line_check_misses_no_invisible_character() -> None:
    """`_typed_unseen` skips a line that str.isprintable() passes: that is only safe if no
    character `invisible` refuses is printable. Every code point, checked."""
    missed = [f"U+{cp:04X}" for cp in range(0x110000)
              if yaml_source.invisible(chr(cp)) and chr(cp).isprintable()]
    assert missed == []


@pytest.mark.parametrize(("char", "name"), [
    ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"), ("\u202b", "U+202B RIGHT-TO-LEFT EMBEDDING"),
    ("\u202c", "U+202C POP DIRECTIONAL FORMATTING"), ("\u202d", "U+202D LEFT-TO-RIGHT OVERRIDE"),
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"), ("\u2068", "U+2068 FIRST STRONG ISOLATE"),
    ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"), ("\u200e", "U+200E LEFT-TO-RIGHT MARK"),
    ("\u200f", "U+200F RIGHT-TO-LEFT MARK"), ("\u061c", "U+061C ARABIC LETTER MARK"),
    ("\u200b", "U+200B ZERO WIDTH SPACE"), ("\u200c", "U+200C ZERO WIDTH NON-JOINER"),
    ("\u200d", "U+200D ZERO WIDTH JOINER"), ("\u2060", "U+2060 WORD JOINER"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"), ("\u00ad", "U+00AD SOFT HYPHEN"),
    ("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),
    ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ("\x00", "U+0000 NULL"), ("\x07", "U+0007 ALERT"), ("\x1b", "U+001B ESCAPE"),
    ("\x7f", "U+007F DELETE"), ("\x85", "U+0085 NEXT LINE"),
    ("\x9b", "U+009B C1 CONTROL CHARACTER"), ("\ufffe", "U+FFFE a non-character"),
])
@pytest.mark.parametrize("written", ["typed", "escape"])
def test_each_invisible_character_is_named_where_it_is(tmp_path: Path, char: str, name: str,
                                                       written: str) -> None:
    """Typed into a claim, or written there as a YAML escape: refused at its own column with
    its code point and name, and never a traceback."""
    escape = f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
    text = char if written == "typed" else escape
    page = (INVALID.parent / "mini" / "docs" / "data" / "good.yaml").read_text(encoding="utf-8")
    page = page.replace("        claim: Something measured in a trial, in our own words.",
                        f'        claim: "Held at {text}3 mg/dL."')
    project = mini_project(tmp_path)
    (project / "docs" / "data" / "good.yaml").write_text(page, encoding="utf-8")
    found = [m for m in messages(project) if "[E007]" in m]
    assert len(found) == 1, found
    # 8 spaces, `claim: "Held at ` = 24 characters: the character is the 25th
    assert found[0].startswith("docs/data/good.yaml:11:25: "), found
    assert f", {name}: " in found[0]
    if written == "escape":
        assert f"the escape {escape} writes" in found[0]


@pytest.mark.parametrize("escape", ["\\x1b", "\\u001b", "\\U0000001b", "\\e"])
def test_every_escape_form_of_one_control_character_is_refused(tmp_path: Path,
                                                                escape: str) -> None:
    target = tmp_path / "page.yaml"
    target.write_text(f'a: "before {escape} after"\nb: "a \\\\x1b is shown as typed"\n',
                      encoding="utf-8")
    _, problems = yaml_source.load(target, "docs/data/page.yaml")
    assert [str(p) for p in problems] == [
        f"docs/data/page.yaml:1:12: a: the escape {escape} writes an invisible character, "
        "U+001B ESCAPE: it can hide text, or break a page or an export; delete it (it usually "
        "comes with pasted text) [E007]"]


def test_ordinary_text_and_whitespace_pass(tmp_path: Path) -> None:
    """Tabs, CRLF line ends, a byte-order mark opening the file, no-break and thin spaces, and
    right-to-left text itself are not invisible."""
    target = tmp_path / "page.yaml"
    target.write_bytes(("\ufefftitle: \"a\\tb\"\r\n"
                        "summary: 3\u00a0mg\u2009x \u05e9\u05dc\u05d5\u05dd\r\n").encode("utf-8"))
    doc, problems = yaml_source.load(target, "docs/data/page.yaml")
    assert problems == [] and doc is not None
    assert doc.data["title"] == "a\tb"


@pytest.mark.parametrize("name", ["invisible-bidi.yaml", "invisible-escape.yaml",
                                  "invisible-zero-width.yaml", "alias-bomb.yaml",
                                  "alias-loop.yaml", "control-character.yaml"])
def test_the_pure_python_loader_gives_the_same_messages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Without libyaml (the C loader), positions and messages are the same."""

    class PureLoader(yaml.SafeLoader):
        pass

    monkeypatch.setattr(yaml_source, "Loader", PureLoader)
    assert messages(mini_project(tmp_path, INVALID / name)) == EXPECTED[name]


# ---------------------------------------------------------------------------------------------
# Aliases


def test_an_alias_bomb_is_refused_before_anything_walks_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thirty levels of ten: 10^30 values if expanded. Refused from the shared node graph;
    neither the duplicate-key walk nor the constructor nor the schema ever sees it."""
    from il2ref.load import shape

    def never(real: Any) -> Any:
        def guarded(first: Any, *args: Any, **kwargs: Any) -> Any:
            named = getattr(first, "path", None) or (args[0] if args else "")
            if "bomb.yaml" in str(named):
                raise AssertionError("the alias bomb was walked")
            return real(first, *args, **kwargs)
        return guarded

    monkeypatch.setattr(yaml_source, "_duplicate_keys", never(yaml_source._duplicate_keys))
    monkeypatch.setattr(shape, "check", never(shape.check))
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    project = mini_project(tmp_path)
    (project / "docs" / "data" / "bomb.yaml").write_text("\n".join(lines) + "\n",
                                                         encoding="utf-8")
    found = [m for m in messages(project) if "bomb.yaml" in m]
    # At the last line's block, whose aliases do the copying (line 29 of 30 levels)
    assert len(found) == 1 and found[0].startswith("docs/data/bomb.yaml:29:"), found
    assert ": (syntax): aliases (*name) repeat this block so often" in found[0]
    assert found[0].endswith("a page may hold; write the values out, or use fewer aliases [E006]")


def test_a_block_reused_through_aliases_a_few_times_is_fine(tmp_path: Path) -> None:
    """An editor who anchors one sources list and reuses it fifty times is within the limit."""
    page = (INVALID.parent / "mini" / "docs" / "data" / "good.yaml").read_text(encoding="utf-8")
    anchored = page.replace("        sources:\n          - key: alpha2001\n",
                            "        sources: &trial\n          - key: alpha2001\n", 1)
    reused = "".join(f"""      - id: reused-{n}
        claim: Another thing measured in the same trial.
        sources: *trial
        evidence: trial
        topic: capillary-leak
""" for n in range(50))
    assert anchored != page and "      - id: good-two\n" in anchored
    project = mini_project(tmp_path)
    (project / "docs" / "data" / "good.yaml").write_text(
        anchored.replace("      - id: good-two\n", reused + "      - id: good-two\n", 1),
        encoding="utf-8")
    corpus, _ = load_corpus(project)
    assert messages(project) == []
    assert sum(e.id.startswith("reused-") for e in corpus.excerpts()) == 50


# ---------------------------------------------------------------------------------------------
# Finding ids


RULE = """  - id: {id}
    system: renal
    framework: {framework}
    action: hold-dose{tier}
    finding: {finding}
    criterion: {criterion}{threshold}
    sources:
      - key: alpha2001
        locator: Table 2
"""


def _with_rules(tmp_path: Path, *rules: dict[str, str]) -> Path:
    project = mini_project(tmp_path)
    good = project / "docs" / "data" / "good.yaml"
    extra = "".join(RULE.format(**{"tier": "", "threshold": "", **r}) for r in rules)
    good.write_text(good.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return project


CREATININE = "\n    threshold: { measure: creatinine, comparator: '>=', value: 3, unit: mg/dL }"


def test_a_finding_split_by_a_typo_is_a_note(tmp_path: Path) -> None:
    """Two sources' rules on serum creatinine, one finding id misspelt: both would print with
    their difference unmarked. A note names both, and nothing fails."""
    project = _with_rules(
        tmp_path,
        {"id": "rule-a", "framework": "post-til-2024", "finding": "serum-creatinine",
         "criterion": "Serum creatinine", "threshold": CREATININE},
        {"id": "rule-b", "framework": "post-til-2024", "finding": "serum-creatinine",
         "criterion": "Serum creatinine, confirmed", "threshold": CREATININE},
        {"id": "rule-c", "framework": "label-legacy", "finding": "serum-creatnine",
         "criterion": "Serum creatinine", "threshold": CREATININE})
    assert messages(project) == []
    assert [m for m in messages(project, Severity.NOTE) if "[N057]" in m] == [
        "docs/data/good.yaml:67:14: rules[3].finding: note: rule 'rule-c' looks like the same "
        "finding as rule 'rule-a' (Post-TIL guidance (2024), docs/data/good.yaml:43): both are "
        "about serum creatinine in renal, but they have finding 'serum-creatnine' here and "
        "'serum-creatinine' there; give both one finding id so they show side by side and a "
        "difference is marked Sources differ [N057]"]


def test_finding_ids_a_slip_apart_are_a_note_even_when_the_criteria_differ(
        tmp_path: Path) -> None:
    project = _with_rules(
        tmp_path,
        {"id": "rule-a", "framework": "consensus-2014", "finding": "atrial-fibrillation",
         "criterion": "Atrial fibrillation", "tier": "\n    tier: relative"},
        {"id": "rule-b", "framework": "label-2024", "finding": "atrial-fibrilation",
         "criterion": "New atrial fibrillation"})
    notes = [m for m in messages(project, Severity.NOTE) if "[N057]" in m]
    assert len(notes) == 1
    assert notes[0].startswith("docs/data/good.yaml:57:14: rules[2].finding: note: rule "
                               "'rule-b' looks like the same finding as rule 'rule-a'")
    assert "their ids are one slip of the keyboard apart" in notes[0]


def test_ids_one_source_uses_side_by_side_are_meant_apart(tmp_path: Path) -> None:
    """A source's relative and absolute rows may carry two ids; another source sharing one of
    them is one finding with it. No note for either."""
    project = _with_rules(
        tmp_path,
        {"id": "rule-a", "framework": "consensus-2014", "finding": "creatinine-hold",
         "criterion": "Serum creatinine", "threshold": CREATININE,
         "tier": "\n    tier: relative"},
        {"id": "rule-b", "framework": "consensus-2014", "finding": "creatinine-stop",
         "criterion": "Serum creatinine", "threshold": CREATININE.replace("3", "4"),
         "tier": "\n    tier: relative"},
        {"id": "rule-c", "framework": "post-til-2024", "finding": "creatinine-hold",
         "criterion": "Serum creatinine", "threshold": CREATININE})
    assert [m for m in messages(project, Severity.NOTE) if "[N057]" in m] == []


def test_a_unit_outside_every_list_is_named_once(tmp_path: Path) -> None:
    """A unit no measure uses is not in the allowed list (E012); it is not also said not to
    fit the measure (E052)."""
    text = (INVALID / "threshold-unit.yaml").read_text(encoding="utf-8")
    project = mini_project(tmp_path)
    (project / "docs" / "data" / "unit.yaml").write_text(text.replace("mg/dL", "mmol/L"),
                                                         encoding="utf-8")
    found = messages(project)
    assert [m.split(": ")[1] for m in found] == ["rules[0].threshold.unit"]
    assert found[0].endswith("[E012]") and "'mmol/L' is not in the allowed list" in found[0]


# ---------------------------------------------------------------------------------------------
# Dates


def test_a_date_after_today_is_refused_whatever_the_pinned_build_date(tmp_path: Path) -> None:
    """A pinned build date (the tests pin one) may lie before a real review: a date is refused
    only when it is after both the build date and today."""
    import datetime as dt

    project = mini_project(tmp_path)
    good = project / "docs" / "data" / "good.yaml"
    page = good.read_text(encoding="utf-8")
    today = dt.date.today()
    good.write_text(page.replace('"2026-01-01"', f'"{today.isoformat()}"'), encoding="utf-8")
    assert [str(d) for d in load_corpus(project, built="2000-01-01")[1]
            if d.severity is Severity.ERROR] == []
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    good.write_text(page.replace('"2026-01-01"', f'"{tomorrow}"'), encoding="utf-8")
    assert [str(d) for d in load_corpus(project, built="2000-01-01")[1]
            if d.severity is Severity.ERROR] == [
        f"docs/data/good.yaml:3:11: reviewed: '{tomorrow}' has not happened yet: a page cannot "
        "be checked after the day it is built; write the date the work was done [E056]"]


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("IL2REF_BUILD_DATE", "2026-13-01",
     "IL2REF_BUILD_DATE is '2026-13-01', which is not a date (month must be in 1..12); set it to "
     "a date such as 2026-12-01, or unset it to use today's"),
    ("IL2REF_BUILD_DATE", "20261201",
     "IL2REF_BUILD_DATE is '20261201', which is not a date (not in the form YYYY-MM-DD); set it "
     "to a date such as 2026-12-01, or unset it to use today's"),
    ("SOURCE_DATE_EPOCH", "yesterday",
     "SOURCE_DATE_EPOCH is 'yesterday', which is not a time: it must be a whole number of "
     "seconds since 1970-01-01 UTC, such as 1796083200; or unset it"),
    ("SOURCE_DATE_EPOCH", "99999999999999999999",
     "SOURCE_DATE_EPOCH is '99999999999999999999', which is not a time: it must be a whole "
     "number of seconds since 1970-01-01 UTC, such as 1796083200; or unset it"),
])
def test_a_bad_date_variable_says_which_and_why(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                value: str, said: str) -> None:
    monkeypatch.delenv("IL2REF_BUILD_DATE", raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(BuildDateError) as wrong:
        build_date()
    assert str(wrong.value) == said


def test_the_date_variables_are_read_as_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IL2REF_BUILD_DATE", "2026-12-01")
    assert build_date() == "2026-12-01"
    monkeypatch.delenv("IL2REF_BUILD_DATE")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    assert build_date() == "2026-12-01"


def test_a_bad_date_variable_stops_mkdocs_before_the_site_is_touched(tmp_path: Path) -> None:
    """Review D8: the message, not a traceback, and raised in the config event, before MkDocs
    empties site_dir, so the last good site stays."""
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    env = {**ENV, "IL2REF_BUILD_DATE": "2026-02-30"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(site)], cwd=project, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0
    assert ("IL2REF_BUILD_DATE is '2026-02-30', which is not a date (day is out of range for "
            "month)") in result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"


def test_the_mini_project_still_builds_its_pages_date(tmp_path: Path) -> None:
    """The same build with a good date passes the config event (a guard that the test above
    fails for the date, not for the copy)."""
    project = copy_project(tmp_path / "project")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# The command line from anywhere in the project (review D12)


def test_validate_finds_the_project_from_a_subfolder() -> None:
    result = subprocess.run([sys.executable, "-m", "il2ref.cli", "validate"],
                            cwd=ROOT / "docs" / "data", env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("validate: OK:")


def test_outside_a_project_the_cli_says_so(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "il2ref.cli", "validate"], cwd=tmp_path,
                            env=ENV, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == (f"il2ref validate: no mkdocs.yml in {tmp_path} or any folder above "
                             "it; run it inside the project, or give the project folder with "
                             "--root\n")


def test_the_cli_reports_a_bad_date_variable_without_a_traceback() -> None:
    env = {**ENV, "IL2REF_BUILD_DATE": "2026-13-01"}
    result = subprocess.run([sys.executable, "-m", "il2ref.cli", "validate"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("il2ref validate: IL2REF_BUILD_DATE is '2026-13-01', which "
                                    "is not a date")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("command", "module"), [
    ("export", "il2ref.editions.export"), ("bench", "il2ref.tools.bench"),
    ("lighthouse", "il2ref.tools.lighthouse")])
@pytest.mark.parametrize("how", ["from a subfolder", "with --root"])
def test_export_bench_and_lighthouse_run_in_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, module: str,
        how: str) -> None:
    """They work in the current folder: the CLI runs them in the project's, found upward from
    a subfolder or given with --root. (Their main() is stubbed: only where it runs counts.)"""
    import importlib

    project = tmp_path / "project"
    (project / "docs" / "data").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    ran_in: list[Path] = []
    monkeypatch.setattr(importlib.import_module(module), "main",
                        lambda: ran_in.append(Path.cwd()) or 0)
    if how == "with --root":
        monkeypatch.chdir(tmp_path)
        assert cli.main([command, "--root", str(project)]) == 0
    else:
        monkeypatch.chdir(project / "docs" / "data")
        assert cli.main([command]) == 0
    assert ran_in == [project.resolve()]
