"""Every editor mistake gives an exact `path:line:col: field: message [CODE]`, all in one run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from il2ref.core.diagnostics import Severity, errors
from il2ref.load.corpus import load_corpus

INVALID = FIXTURES / "invalid"

# One fixture file per mistake, and the exact message(s) an editor sees for it.
EXPECTED = {
    "key-fact-policy.yaml": [
        "docs/data/key-fact-policy.yaml:15:19: sections[0].excerpts[0].evidence: "
        "'institutional-policy' cannot carry a key fact: a key fact goes on the bedside card, "
        "and one institution's policy or a patient-information page is never the only support "
        "for a number a clinician acts on (Source notes). Cite the guideline, label or study "
        "behind it, or set key_fact: false. [E051]"],
    "syntax-error.yaml": [
        "docs/data/syntax-error.yaml:7:3: (syntax): did not find expected node content [E001]"],
    "tab-indent.yaml": [
        "docs/data/tab-indent.yaml:7:1: (syntax): "
        "a tab character is used for indentation; indent with spaces only [E001]"],
    "missing-field.yaml": [
        "docs/data/missing-field.yaml:13:13: sections[0].excerpts[0].sources[0].locator: "
        "required field is missing [E010]"],
    "claim-list.yaml": [
        "docs/data/claim-list.yaml:12:11: sections[0].excerpts[0].claim: "
        "must be text, not a list [E011]"],
    "empty-claim.yaml": [
        "docs/data/empty-claim.yaml:11:16: sections[0].excerpts[0].claim: "
        "must not be empty [E013]"],
    "unknown-key.yaml": [
        "docs/data/unknown-key.yaml:13:18: sections[0].excerpts[0].sources[0].key: unknown "
        "citation key 'alpha2010': not in references.bib; did you mean 'alpha2001'? [E020]"],
    "duplicate-id.yaml": [
        "docs/data/good.yaml:10:13: sections[0].excerpts[0].id: "
        "id 'good-one' is already used at docs/data/duplicate-id.yaml:10 [E021]"],
    "unknown-enums.yaml": [
        "docs/data/unknown-enums.yaml:15:19: sections[0].excerpts[0].evidence: 'anecdote' is not "
        "in the allowed list: label, guideline, trial, cohort, case-report, review, preclinical, "
        "patient-information, drug-information, institutional-policy [E012]",
        "docs/data/unknown-enums.yaml:16:16: sections[0].excerpts[0].topic: 'kidneys' is not in "
        "the allowed list: mechanism, regimen, capillary-leak, cardiovascular, "
        "pulmonary, renal, hepatic, neurologic, haematologic, infection, endocrine, "
        "dermatologic, gastrointestinal, musculoskeletal, constitutional, late-effects, "
        "monitoring, management, safety, crs, case-study [E012]"],
    "label-no-version.yaml": [
        "docs/data/label-no-version.yaml:10:9: sections[0].excerpts[0].label_version: "
        "required field is missing [E010]"],
    "wrong-types.yaml": [
        "docs/data/wrong-types.yaml:3:11: reviewed: '2026-02-30' is not in the expected form: "
        "Date a clinician last checked every excerpt on this page against its sources, as "
        "YYYY-MM-DD. (for example '2026-11-23') [E015]",
        "docs/data/wrong-types.yaml:5:8: order: must be a whole number, not text [E011]",
        "docs/data/wrong-types.yaml:6:1: colour: unknown field 'colour'; allowed fields: title, "
        "summary, reviewed, evidence_through, status, timing_not_seen, group, order, topic, "
        "aliases, search_boost, sections, rules, dosing [E014]"],
    "python-tag.yaml": [
        "docs/data/python-tag.yaml:1:8: (syntax): YAML tags such as !!python/... are not "
        "allowed; write plain text, lists and maps [E001]"],
    "duplicate-key.yaml": [
        "docs/data/duplicate-key.yaml:6:1: order: "
        "key appears twice in the same block (first on line 5) [E022]"],
    "bare-lab-unit.yaml": [
        "docs/data/bare-lab-unit.yaml:11:52: sections[0].excerpts[0].claim: write lab values as "
        "{creatinine 2.5–2.9 mg/dL}, {bilirubin 7 mg/dL} or {platelets 50,000 /mm3} so the SI "
        "value is added; found 'mg/dL' outside braces [E040]"],
    "label-mixed.yaml": [
        "docs/data/label-mixed.yaml:18:24: sections[0].excerpts[0].label_version: cites both the "
        "2024 and the legacy label; split it into two statements [E042]",
        "docs/data/label-mixed.yaml:26:24: sections[0].excerpts[1].label_version: says label "
        "version '2024' but cites the 'legacy' label [E042]"],
    "empty.yaml": ["docs/data/empty.yaml:1:1: (file): file is empty [E003]"],
    "rule-action-not-used.yaml": [
        "docs/data/rule-action-not-used.yaml:14:13: rules[0].action: 'discontinue-permanently' "
        "does not fit this rule: the post-TIL guidance holds a dose or stops the remaining IL-2 "
        "doses; it never discontinues for good (allowed here: hold-dose, stop-cycle) [E043]"],
    "rule-tier-mismatch.yaml": [
        "docs/data/rule-tier-mismatch.yaml:14:13: rules[0].action: 'stop-cycle' does not fit "
        "this rule: a relative criterion holds this dose (allowed here: hold-dose) [E043]"],
    "rule-finding-split.yaml": [
        "docs/data/rule-finding-split.yaml:16:14: rules[0].finding: finding 'shared-finding' is "
        "also used at docs/data/good.yaml:38; rules that share a finding must sit on the same "
        "page, so that every side shows together [E044]"],
    "dosing-broken.yaml": [
        "docs/data/dosing-broken.yaml:20:16: dosing.dose.mg_per_kg: 0.0375 mg is not a whole "
        "number of µg [E048]",
        "docs/data/dosing-broken.yaml:35:20: dosing.window.low_ug_per_ml: must be below "
        "high_ug_per_ml [E048]",
        "docs/data/dosing-broken.yaml:43:9: dosing.diluent[0].steps: up_to_iu must rise from "
        "step to step [E048]"],
    "locator-unknown.yaml": [
        "docs/data/locator-unknown.yaml:14:22: sections[0].excerpts[0].sources[0].locator: "
        "'§9.9' names no item in the outline of gamma_label (docs/data/sources/gamma_label.yaml); "
        "write one of its items, or add the item there [E045]"],
    "locator-not-seen.yaml": [
        "docs/data/locator-not-seen.yaml:14:22: sections[0].excerpts[0].sources[0].locator: "
        "cites '§2.5', which docs/data/sources/gamma_label.yaml marks as not seen (no stored copy "
        "of its text was found; preparation is taken from the legacy label and other sources); "
        "mark the statement status: unverified, or read the text and update the outline [E046]"],
    "locator-left-out.yaml": [
        "docs/data/locator-left-out.yaml:14:22: sections[0].excerpts[0].sources[0].locator: "
        "cites 'Indications and Usage', which docs/data/sources/delta_legacy.yaml marks as left "
        "out; remove that mark from the outline [E047]"],
    "lab-number-forms.yaml": [
        "docs/data/lab-number-forms.yaml:12:19: sections[0].excerpts[0].claim: '2,5' is not a "
        "number this site reads; write numbers as 2.5, 50,000 or 1,000.5: digits, commas only "
        "between groups of three, one point with one or two decimals, then the unit, e.g. "
        "{creatinine 2.5 mg/dL} [E040]",
        "docs/data/lab-number-forms.yaml:13:17: sections[0].excerpts[0].claim: '50,00' is not a "
        "number this site reads; write numbers as 2.5, 50,000 or 1,000.5: digits, commas only "
        "between groups of three, one point with one or two decimals, then the unit, e.g. "
        "{platelets 50,000 /mm3} [E040]",
        "docs/data/lab-number-forms.yaml:13:59: sections[0].excerpts[0].claim: '1.2.3' is not a "
        "number this site reads; write numbers as 2.5, 50,000 or 1,000.5: digits, commas only "
        "between groups of three, one point with one or two decimals, then the unit, e.g. "
        "{bilirubin 7 mg/dL} [E040]"],
    "control-character.yaml": [
        "docs/data/control-character.yaml:2:61: (text): here is an invisible character, "
        "U+000B LINE TABULATION: it can hide text, or break a page or an export; delete it (it "
        "usually comes with pasted text) [E007]"],
    "blank-strings.yaml": [
        "docs/data/blank-strings.yaml:8:12: sections[0].title: must not be empty [E013]",
        "docs/data/blank-strings.yaml:14:22: sections[0].excerpts[0].sources[0].locator: "
        "must not be empty [E013]"],
    "wrong-types-deep.yaml": [
        "docs/data/wrong-types-deep.yaml:6:18: aliases[1]: must be text, not a number "
        "[E011]",
        "docs/data/wrong-types-deep.yaml:14:18: sections[0].excerpts[0].sources[0].key: "
        "must be text, not a list [E011]",
        "docs/data/wrong-types-deep.yaml:18:13: sections[0].excerpts[1].id: must be "
        "text, not a number [E011]",
        "docs/data/wrong-types-deep.yaml:21:11: sections[0].excerpts[1].sources: the "
        "same entry is listed twice; keep one [E023]",
        "docs/data/wrong-types-deep.yaml:26:16: sections[0].excerpts[1].topic: must be "
        "text, not a list [E011]"],
    "duplicate-anchor.yaml": [
        "docs/data/duplicate-anchor.yaml:7:9: sections[0].id: section id 'same-anchor' is also "
        "the anchor of a statement or rule on this page; choose another [E024]",
        "docs/data/duplicate-anchor.yaml:17:9: sections[1].id: section id 'references' is also "
        "the anchor of the References heading on this page; choose another [E024]"],
    "out-of-range.yaml": [
        "docs/data/out-of-range.yaml:5:8: order: -1 is out of range (minimum 0) [E016]",
        "docs/data/out-of-range.yaml:6:15: search_boost: 0 must be more than 0 [E016]"],
    "rule-shapes.yaml": [
        "docs/data/rule-shapes.yaml:13:11: sections[0].conflicts[0].sides: must list at "
        "least 2 item(s) [E013]",
        "docs/data/rule-shapes.yaml:20:5: sections[1]: needs at least one of: excerpts or "
        "conflicts or insert [E010]",
        "docs/data/rule-shapes.yaml:28:16: rules[0].threshold: required fields are missing: "
        "low, high [E010]",
        "docs/data/rule-shapes.yaml:34:16: rules[1].framework: 'hospital-2099' is not in the "
        "allowed list: label-2024, label-legacy, consensus-2014, post-til-2024, "
        "institution-2015 [E012]",
        "docs/data/rule-shapes.yaml:46:7: rules[2].sources: says label version '2024' but "
        "cites the 'legacy' label [E042]"],
    "rule-old-action.yaml": [
        "docs/data/rule-old-action.yaml:14:13: rules[0].action: 'withhold' is not in the allowed "
        "list: hold-dose, stop-cycle, discontinue-therapy, discontinue-permanently, "
        "retreatment-contraindication [E012]"],
    "not-utf8.yaml": [
        "docs/data/not-utf8.yaml:1:11: (file): file is not UTF-8 text; save it as UTF-8 [E002]"],
    # Numbers checked for sense, dates, invisible characters, aliases (issue #25).
    "alias-bomb.yaml": [
        "docs/data/alias-bomb.yaml:9:11: (syntax): aliases (*name) repeat this block so often "
        "that the file would hold 12,345,678,990 copied values, over the 10,000 a page may hold; "
        "write the values out, or use fewer aliases [E006]"],
    "alias-loop.yaml": [
        "docs/data/alias-loop.yaml:6:10: (syntax): an alias (*name) is used inside the very "
        "block its anchor (&name) names, so the block would contain itself forever; write the "
        "values out [E006]"],
    "future-date.yaml": [
        "docs/data/future-date.yaml:3:11: reviewed: '2099-01-01' has not happened yet: a page "
        "cannot be checked after the day it is built; write the date the work was done [E056]",
        "docs/data/future-date.yaml:4:19: evidence_through: '2099-06-30' has not happened yet: a "
        "page cannot be checked after the day it is built; write the date the work was done "
        "[E056]"],
    "invisible-bidi.yaml": [
        "docs/data/invisible-bidi.yaml:11:55: sections[0].excerpts[0].claim: here is an "
        "invisible character, U+202E RIGHT-TO-LEFT OVERRIDE: it can reorder what a reader sees, "
        "digits included; delete it (it usually comes with pasted text) [E007]",
        "docs/data/invisible-bidi.yaml:11:78: sections[0].excerpts[0].claim: here is an "
        "invisible character, U+202C POP DIRECTIONAL FORMATTING: it can reorder what a reader "
        "sees, digits included; delete it (it usually comes with pasted text) [E007]",
        "docs/data/invisible-bidi.yaml:18:25: sections[0].excerpts[1].claim: here is an "
        "invisible character, U+2067 RIGHT-TO-LEFT ISOLATE: it can reorder what a reader sees, "
        "digits included; delete it (it usually comes with pasted text) [E007]",
        "docs/data/invisible-bidi.yaml:18:29: sections[0].excerpts[1].claim: here is an "
        "invisible character, U+2069 POP DIRECTIONAL ISOLATE: it can reorder what a reader sees, "
        "digits included; delete it (it usually comes with pasted text) [E007]"],
    "invisible-escape.yaml": [
        "docs/data/invisible-escape.yaml:2:35: summary: the escape \\x1b writes an invisible "
        "character, U+001B ESCAPE: it can hide text, or break a page or an export; delete it (it "
        "usually comes with pasted text) [E007]",
        "docs/data/invisible-escape.yaml:2:46: summary: the escape \\x1b writes an invisible "
        "character, U+001B ESCAPE: it can hide text, or break a page or an export; delete it (it "
        "usually comes with pasted text) [E007]",
        "docs/data/invisible-escape.yaml:8:21: sections[0].title: the escape \\e writes an "
        "invisible character, U+001B ESCAPE: it can hide text, or break a page or an export; "
        "delete it (it usually comes with pasted text) [E007]",
        "docs/data/invisible-escape.yaml:11:56: sections[0].excerpts[0].claim: the escape "
        "\\u202e writes an invisible character, U+202E RIGHT-TO-LEFT OVERRIDE: it can reorder "
        "what a reader sees, digits included; delete it (it usually comes with pasted text) "
        "[E007]",
        "docs/data/invisible-escape.yaml:14:30: sections[0].excerpts[0].sources[0].locator: the "
        "escape \\r writes an invisible character, U+000D CARRIAGE RETURN: it can hide text, or "
        "break a page or an export; delete it (it usually comes with pasted text) [E007]"],
    "invisible-zero-width.yaml": [
        "docs/data/invisible-zero-width.yaml:1:12: title: here is an invisible character, U+200B "
        "ZERO WIDTH SPACE: it can hide text, or break a page or an export; delete it (it usually "
        "comes with pasted text) [E007]",
        "docs/data/invisible-zero-width.yaml:2:23: summary: here is an invisible character, "
        "U+2060 WORD JOINER: it can hide text, or break a page or an export; delete it (it "
        "usually comes with pasted text) [E007]",
        "docs/data/invisible-zero-width.yaml:2:46: summary: here is an invisible character, "
        "U+FEFF ZERO WIDTH NO-BREAK SPACE: it can hide text, or break a page or an export; "
        "delete it (it usually comes with pasted text) [E007]",
        "docs/data/invisible-zero-width.yaml:6:37: (comment): here is an invisible character, "
        "U+200D ZERO WIDTH JOINER: it can hide text, or break a page or an export; delete it (it "
        "usually comes with pasted text) [E007]"],
    "patient-lab-value.yaml": [
        "docs/data/patient-lab-value.yaml:15:50: sections[0].excerpts[0].patient.text: '2,5' is "
        "not a number this site reads; write numbers as 2.5, 50,000 or 1,000.5: digits, commas "
        "only between groups of three, one point with one or two decimals, then the unit, e.g. "
        "{creatinine 2.5 mg/dL} [E040]",
        "docs/data/patient-lab-value.yaml:15:66: sections[0].excerpts[0].patient.text: write lab "
        "values as {creatinine 2.5–2.9 mg/dL}, {bilirubin 7 mg/dL} or {platelets 50,000 /mm3} so "
        "the SI value is added; found 'mg/dL' outside braces [E040]"],
    "threshold-direction.yaml": [
        "docs/data/threshold-direction.yaml:16:50: rules[0].threshold.comparator: '>' does not "
        "fit platelets (platelet count): its rules act on a low value, so the comparator is one "
        "of <, <=, range [E055]",
        "docs/data/threshold-direction.yaml:25:51: rules[1].threshold.comparator: '<=' does not "
        "fit creatinine (serum creatinine): its rules act on a high value, so the comparator is "
        "one of >, >=, range [E055]"],
    "threshold-implausible.yaml": [
        "docs/data/threshold-implausible.yaml:11:55: sections[0].excerpts[0].claim: 300 mg/dL is "
        "not a plausible serum creatinine, which lies between 0.1 and 20 mg/dL; check the number "
        "and its unit [E053]",
        "docs/data/threshold-implausible.yaml:23:64: rules[0].threshold.value: 900 mmHg is not a "
        "plausible systolic blood pressure, which lies between 40 and 250 mmHg; check the number "
        "and its unit [E053]",
        "docs/data/threshold-implausible.yaml:32:75: rules[1].threshold.high: 5,000,000/mm³ is "
        "not a plausible platelet count, which lies between 1,000 and 1,000,000/mm³; check the "
        "number and its unit [E053]"],
    "threshold-unit.yaml": [
        "docs/data/threshold-unit.yaml:17:88: rules[0].threshold.unit: platelets (platelet "
        "count) is given in /mm3 or 10^9/L, not 'mg/dL'; write the unit the source prints, then "
        "check the number against it [E052]"],
    "threshold-upside-down.yaml": [
        "docs/data/threshold-upside-down.yaml:16:62: rules[0].threshold.low: the range runs from "
        "50,000 to 30,000: low must be below high (for one number, use another comparator) "
        "[E054]",
        "docs/data/threshold-upside-down.yaml:25:86: rules[1].threshold.value: a range is read "
        "from low and high: remove value, or use another comparator [E054]",
        "docs/data/threshold-upside-down.yaml:34:74: rules[2].threshold.low: low is read only "
        "when the comparator is range: remove it, or use comparator: range [E054]"],
    "timing-not-in-claim.yaml": [
        "docs/data/timing-not-in-claim.yaml:22:17: sections[0].excerpts[0].timing[0].to: 3 is "
        "not written in the claim: draw only the times the statement gives [E062]",
        "docs/data/timing-not-in-claim.yaml:38:19: sections[0].excerpts[1].timing[0].unit: the "
        "claim gives no time in weeks: use the unit the statement is written in [E062]",
        "docs/data/timing-not-in-claim.yaml:51:19: sections[0].excerpts[2].timing[0].from: the "
        "time runs from 11 to 6: from must not be after to [E062]",
        "docs/data/timing-not-in-claim.yaml:59:17: sections[0].excerpts[2].timing[1].to: a time "
        "after each dose falls before the next dose: at most 24 hours [E062]",
        "docs/data/timing-not-in-claim.yaml:71:11: sections[0].excerpts[3].timing: an unverified "
        "statement is not drawn on the time-course chart: check it against its source first, "
        "or remove its timing [E062]"],
}


def mini_project(tmp_path: Path, *extra: Path) -> Path:
    shutil.copytree(FIXTURES / "mini", tmp_path, dirs_exist_ok=True)
    for file in extra:
        shutil.copy(file, tmp_path / "docs" / "data" / file.name)
    return tmp_path


def messages(project: Path, severity: Severity = Severity.ERROR) -> list[str]:
    _, diagnostics = load_corpus(project)
    return [str(d) for d in diagnostics if d.severity is severity]


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in INVALID.iterdir())


def test_valid_mini_project_has_no_errors(tmp_path: Path) -> None:
    assert messages(mini_project(tmp_path)) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_gives_exact_message(tmp_path: Path, name: str) -> None:
    assert messages(mini_project(tmp_path, INVALID / name)) == EXPECTED[name]


def test_all_mistakes_reported_in_one_run(tmp_path: Path) -> None:
    project = mini_project(tmp_path, *INVALID.iterdir())
    got = messages(project)
    want = sorted(m for ms in EXPECTED.values() for m in ms)
    assert sorted(got) == want


def test_yaml_tags_are_never_executed(tmp_path: Path) -> None:
    marker = Path("/tmp/il2ref-pwned")
    marker.unlink(missing_ok=True)
    messages(mini_project(tmp_path, INVALID / "python-tag.yaml"))
    assert not marker.exists()


def test_oversized_file_is_refused_without_parsing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from il2ref.load import yaml_source

    parsed: list[int] = []
    real_loader = yaml_source.Loader

    def counting_loader(text: str):  # type: ignore[no-untyped-def]
        parsed.append(len(text))
        return real_loader(text)

    monkeypatch.setattr(yaml_source, "Loader", counting_loader)
    project = mini_project(tmp_path)
    big = project / "docs" / "data" / "huge.yaml"
    # One byte over the limit stands in for a pasted document of 50 MB: the size is all that
    # is read (the suite once wrote 50 MB here, and again for the front doors).
    head = "title: Huge\nsummary: |\n  "
    big.write_text(head + "x" * (yaml_source.MAX_BYTES + 1 - len(head) - 1) + "\n")
    assert big.stat().st_size == yaml_source.MAX_BYTES + 1
    assert messages(project) == [
        "docs/data/huge.yaml:1:1: (file): file is 1,000,001 bytes, over the "
        "1,000,000-byte limit for one page; split it or remove pasted material [E004]"
    ]
    assert parsed and max(parsed) < 1_000_000  # the small files were parsed; the big one not


def test_unused_bib_entry_is_a_warning_not_an_error(tmp_path: Path) -> None:
    project = mini_project(tmp_path)
    with (project / "references.bib").open("a") as f:
        f.write("\n@article{unused2020,\n  title = {Never cited},\n  year = {2020}\n}\n")
    assert messages(project) == []
    assert messages(project, Severity.WARNING) == [
        "references.bib:21:1: unused2020: warning: entry lacks author, journal [W032]",
        "references.bib:21:1: unused2020: warning: entry is not cited by any page [W034]",
    ]


def test_malformed_and_duplicated_bib_entries_are_errors(tmp_path: Path) -> None:
    project = mini_project(tmp_path)
    with (project / "references.bib").open("a") as f:
        f.write("\n@article{alpha2001,\n  title = {Again},\n  year = {2001}\n}\n"
                "\n@article{bad key,\n  title = {Space in key}\n}\n")
    assert messages(project) == [
        "references.bib:21:1: alpha2001: entry key is defined twice (first on line 1) [E033]",
        "references.bib:26:1: bad key: citation key may use only letters, digits, _ and - [E031]",
    ]


@pytest.mark.parametrize(("entry", "where"), [
    # a title's brace swallows the next field and the entry's own '}': named at the title
    ("@article{one2020,\n  title = {Unclosed,\n  year = {2020}\n}\n\n@misc{two2020,\n"
     "  title = {Two}\n}\n", "2:11: (syntax): this '{' is not closed before the entry on line 7"),
    ("@misc{three2020,\n  title = {Three}}\n}\n", "3:1: (syntax): this '}' closes nothing"),
])
def test_a_bibtex_brace_mistake_is_named_at_the_brace(tmp_path: Path, entry: str,
                                                      where: str) -> None:
    from il2ref.load.bibliography import load

    bib = tmp_path / "references.bib"
    bib.write_text("% header {balanced}\n" + entry, encoding="utf-8")
    _, found = load(bib, "references.bib")
    line, rest = where.split(":", 1)  # lines as in `entry`; the header adds one above
    assert [str(d) for d in found] == [f"references.bib:{int(line) + 1}:{rest} [E030]"]


def test_real_data_is_valid() -> None:
    corpus, diagnostics = load_corpus(ROOT)
    assert errors(diagnostics) == []
    assert any(p.slug == "capillary-leak" for p in corpus.pages)


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    good = subprocess.run([sys.executable, "-m", "il2ref.cli", "validate", "--root", str(ROOT)],
                          capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("validate: OK:")
    bad_project = mini_project(tmp_path, INVALID / "unknown-key.yaml", INVALID / "empty.yaml")
    bad = subprocess.run(
        [sys.executable, "-m", "il2ref.cli", "validate", "--root", str(bad_project)],
        capture_output=True, text=True)
    assert bad.returncode == 1
    assert "docs/data/empty.yaml:1:1: (file): file is empty [E003]" in bad.stderr
    assert "unknown citation key 'alpha2010'" in bad.stderr
    assert "validate: 2 error(s)" in bad.stderr


def test_validation_keeps_nothing_between_runs(tmp_path: Path) -> None:
    """Validation has no cache (it took 44 ms cold, 16 ms warm: not worth a way to be wrong):
    a project with every kind of mistake reports the same problems every time, and writes
    nothing under .cache/."""
    project = mini_project(tmp_path, *INVALID.iterdir())
    want = sorted(m for ms in EXPECTED.values() for m in ms)
    assert sorted(messages(project)) == want
    assert sorted(messages(project)) == want
    assert not (project / ".cache").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("source: gamma_label\nread: [a copy]\nitems:\n  - {locator: §1, title: One}\n",
     "docs/data/sources/wrong_name.yaml:1:9: source: the file for 'gamma_label' must be named "
     "gamma_label.yaml [E017]"),
    ("source: wrong_name\nread: [a copy]\nitems:\n  - {locator: §1, title: One}\n",
     "docs/data/sources/wrong_name.yaml:1:9: source: unknown citation key 'wrong_name': not in "
     "references.bib [E020]"),
    ("source: wrong_name\nread: [a copy]\nitems:\n  - {locator: §1, title: One, status: "
     "not-seen}\n",
     "docs/data/sources/wrong_name.yaml:4:5: items[0].reason: required field is missing [E010]"),
])
def test_outline_file_mistakes(tmp_path: Path, text: str, message: str) -> None:
    project = mini_project(tmp_path)
    (project / "docs" / "data" / "sources" / "wrong_name.yaml").write_text(text, encoding="utf-8")
    assert message in messages(project)


def test_outline_items_still_to_cover_are_notes(tmp_path: Path) -> None:
    project = mini_project(tmp_path)
    outline = project / "docs" / "data" / "sources" / "gamma_label.yaml"
    outline.write_text(outline.read_text(encoding="utf-8")
                       + "  - locator: §6\n    title: Adverse reactions\n", encoding="utf-8")
    assert messages(project) == []
    notes = [m for m in messages(project, Severity.NOTE) if "[N050]" in m]
    assert notes == [
        "docs/data/sources/gamma_label.yaml:13:5: items[3]: note: §6 (Adverse reactions) is "
        "not covered yet [N050]"]


def test_unused_topics_are_reported(tmp_path: Path) -> None:
    notes = messages(mini_project(tmp_path), Severity.NOTE)
    assert ("scripts/il2ref/core/page.schema.json:1:1: $defs.topic: note: topic 'renal' is in the "
            "controlled list but no page, statement or rule uses it [N036]") in notes
    assert not any("'capillary-leak'" in n for n in notes)  # the mini project uses it


@pytest.mark.parametrize(("locator", "items", "unknown"), [
    ("§2.4 Table 2", ["§2.4 Table 2"], []),
    ("Boxed Warning and §2.1", ["Boxed Warning", "§2.1"], []),
    ("Dosage and Administration (reconstitution and dilution)", ["Dosage and Administration"],
     []),
    ("Table 3, renal row and Table 2", ["Table 3, renal row", "Table 2"], []),
    ("Table 3, a row nobody listed", ["Table 3"], []),
    ("Tables 2 and 3", [], ["Tables 2 and 3"]),
    ("§2.4 Table 9", [], ["§2.4 Table 9"]),  # a plain space starts no qualifier
    ("§2.45", [], ["§2.45"]),
])
def test_locators_are_read_against_the_outline(locator: str, items: list[str],
                                               unknown: list[str]) -> None:
    from il2ref.core.coverage import match
    from il2ref.core.model import Outline, OutlineItem

    outline = Outline("k", "k.yaml", ("copy",), tuple(OutlineItem(loc, "t") for loc in (
        "Boxed Warning", "§2.1", "§2.4", "§2.4 Table 2", "Dosage and Administration", "Table 2",
        "Table 3", "Table 3, renal row")))
    named, bad = match(outline, locator)
    assert ([i.locator for i in named], bad) == (items, unknown)


def test_a_schema_edit_is_seen_at_once_and_never_cached_under_the_old_verdict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing the schema while one process runs (make serve) validates against the new
    schema, in that process and in the next one that reuses .cache/ (both reported [] before:
    the old compiled schema's verdict was stored under the new schema's key)."""
    import json

    from il2ref.core import schema as schema_mod
    from il2ref.load import shape

    copy = tmp_path / "page.schema.json"
    copy.write_bytes(schema_mod.SCHEMA_PATH.read_bytes())
    monkeypatch.setattr(schema_mod, "SCHEMA_PATH", copy)
    project = mini_project(tmp_path / "project")
    assert messages(project) == []
    changed = json.loads(copy.read_text(encoding="utf-8"))
    changed["required"].append("topic")
    copy.write_text(json.dumps(changed), encoding="utf-8")
    want = ["docs/data/good.yaml:1:1: topic: required field is missing [E010]"]
    assert messages(project) == want  # the same process
    shape._fast.cache_clear()  # a new process
    assert messages(project) == want


def test_a_control_character_is_named_with_the_pure_python_loader_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml, PyYAML's reader refuses the character while the loader is built; that
    used to escape as a traceback."""
    import yaml

    from il2ref.load import yaml_source

    class PureLoader(yaml.SafeLoader):
        pass

    monkeypatch.setattr(yaml_source, "Loader", PureLoader)
    project = mini_project(tmp_path, INVALID / "control-character.yaml")
    assert messages(project) == EXPECTED["control-character.yaml"]


def test_no_page_files_and_no_bibliography_are_reported(tmp_path: Path) -> None:
    project = mini_project(tmp_path)
    for page in (project / "docs" / "data").glob("*.yaml"):
        page.unlink()
    (project / "references.bib").unlink()
    assert messages(project) == [
        "docs/data:1:1: (folder): no page files (*.yaml) found [E005]",
        "references.bib:1:1: (file): references.bib is missing [E030]"]


def test_dose_constants_on_two_pages_are_refused(tmp_path: Path) -> None:
    project = mini_project(tmp_path, INVALID / "dosing-broken.yaml")
    text = (project / "docs" / "data" / "dosing-broken.yaml").read_text(encoding="utf-8")
    second = text.replace("dosing-broken-claim", "dosing-second-claim")
    (project / "docs" / "data" / "dosing-second.yaml").write_text(second, encoding="utf-8")
    found = [m for m in messages(project) if "[E049]" in m]
    assert found == [
        "docs/data/dosing-second.yaml:18:3: dosing: the Dose calculator's constants are already "
        "given in docs/data/dosing-broken.yaml; give them on one page only [E049]"]


def test_a_shape_rule_without_its_own_message_still_names_itself() -> None:
    """The catch-all (E019) for a schema keyword the messages do not know yet."""
    from jsonschema import Draft202012Validator

    from il2ref.load.shape import _message

    [error] = Draft202012Validator({"multipleOf": 2}).iter_errors(3)
    path, message, code, _ = _message(error)
    assert f"{message} [{code}]" == "3 is not a multiple of 2 [E019]" and path == []


def test_every_code_is_listed_and_provoked_by_a_test() -> None:
    """The one list of codes (which the editor guide shows) holds every code the validator
    can emit, and each one is provoked by some test: a code without a test fails here."""
    import re

    from il2ref.core.diagnostics import CODES

    emitted = set()
    for source in (ROOT / "scripts").rglob("*.py"):
        emitted |= set(re.findall(r'"([EWN][0-9]{3})"', source.read_text(encoding="utf-8")))
    assert emitted == set(CODES), (emitted ^ set(CODES))
    tested = set()  # codes in the messages the tests expect: "... [E040]"
    for test in (ROOT / "tests").glob("test_*.py"):
        tested |= set(re.findall(r"\[([EWN][0-9]{3})\]", test.read_text(encoding="utf-8")))
    assert set(CODES) <= tested, set(CODES) - tested
    for code in CODES.values():  # the place named for each code really expects it
        assert code.severity.value[0].upper() == code.id[0], code
        where, _, test = code.shown_by.partition("::")
        if where.startswith("tests/fixtures/invalid/"):
            assert (ROOT / where).is_file(), code
            assert any(f"[{code.id}]" in m for m in EXPECTED[Path(where).name]), code
        else:
            text = (ROOT / where).read_text(encoding="utf-8")
            start = text.index(f"def {test}(")
            start = text.rfind("\n\n\n", 0, start)  # with its decorators (parametrize)
            body = text[start:text.find("\ndef ", text.index(f"def {test}(") + 1)]
            assert f"[{code.id}]" in body, code


def test_both_schema_engines_agree_and_the_schema_stays_within_draft_07() -> None:
    """Review D5: the build checks a valid file with fastjsonschema (read as draft-07) and words
    errors with jsonschema (2020-12). A keyword newer than draft-07 would pass silently in the
    first: the schema holds none (and the build refuses one), and on every fixture and real
    page the two engines give the same verdict."""
    import copy
    import json

    import fastjsonschema

    from il2ref.core.schema import after_draft_07, schema
    from il2ref.load import shape, yaml_source

    assert after_draft_07(schema()) == []
    newer = copy.deepcopy(schema())
    newer["dependentRequired"] = {"title": ["summary"]}
    assert after_draft_07(newer) == ["#/dependentRequired"]  # the guard can fail
    shape.parsed("test-newer-keyword", json.dumps(newer).encode())
    with pytest.raises(ValueError, match="cannot check: #/dependentRequired"):
        shape._fast(None, "test-newer-keyword")  # the build refuses rather than pass
    key, raw = shape.schema_bytes()
    shape.parsed(key, raw)
    fast = shape._fast(None, key)
    slow = shape.validator(None, key)
    files = [*sorted((ROOT / "docs" / "data").glob("*.yaml")), *sorted(INVALID.glob("*.yaml"))]
    verdicts = 0
    for path in files:
        doc, _ = yaml_source.load(path, path.name)
        if doc is None:
            continue  # a syntax, alias or encoding fixture: neither engine sees it
        data = doc.data
        try:
            fast(data)
            quick = True
        except fastjsonschema.JsonSchemaException:
            quick = False
        assert quick == slow.is_valid(data), path.name
        verdicts += 1
    assert verdicts > 30
