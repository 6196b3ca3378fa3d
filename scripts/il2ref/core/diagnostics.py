"""Editor-facing problems: one line each, `path:line:col: field: message [CODE]`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # informative: what is still to do (never fails a build)


@dataclass(frozen=True)
class Code:
    id: str
    severity: Severity
    meaning: str
    shown_by: str  # the fixture (tests/fixtures/...) or the test (file::function) that provokes it


# Every code the validator emits: the editor guide's table is generated from this list, and a
# test fails if the code emits one that is missing here, or if the fixture or test named for
# it does not expect it.
CODES: dict[str, Code] = {c.id: c for c in (
    Code("E001", Severity.ERROR,
         "YAML syntax error (tabs and !!python tags included)",
         "tests/fixtures/invalid/syntax-error.yaml"),
    Code("E002", Severity.ERROR,
         "The file is not UTF-8 text",
         "tests/fixtures/invalid/not-utf8.yaml"),
    Code("E003", Severity.ERROR,
         "The file is empty",
         "tests/fixtures/invalid/empty.yaml"),
    Code("E004", Severity.ERROR,
         "The file is too large",
         "tests/test_validation.py::test_oversized_file_is_refused_without_parsing"),
    Code("E005", Severity.ERROR,
         "No page files in docs/data/",
         "tests/test_validation.py::test_no_page_files_and_no_bibliography_are_reported"),
    Code("E006", Severity.ERROR,
         "Aliases (*name) that multiply the file past what a page can hold, or an alias inside"
         " the block it names",
         "tests/fixtures/invalid/alias-bomb.yaml"),
    Code("E007", Severity.ERROR,
         "A character a reader cannot see (a direction override or isolate, a zero-width or"
         " other format character, a control character), typed, pasted or written as an"
         " escape such as \"\\x1b\"",
         "tests/fixtures/invalid/invisible-bidi.yaml"),
    Code("E010", Severity.ERROR,
         "A required field is missing",
         "tests/fixtures/invalid/missing-field.yaml"),
    Code("E011", Severity.ERROR,
         "A field has the wrong type (e.g. a list where text is expected)",
         "tests/fixtures/invalid/claim-list.yaml"),
    Code("E012", Severity.ERROR,
         "A value is not in its allowed list (evidence type, topic, action, ...)",
         "tests/fixtures/invalid/unknown-enums.yaml"),
    Code("E013", Severity.ERROR,
         "A field is empty, only spaces, too short or too long",
         "tests/fixtures/invalid/empty-claim.yaml"),
    Code("E014", Severity.ERROR,
         "Unknown field (often a typo in a field name)",
         "tests/fixtures/invalid/wrong-types.yaml"),
    Code("E015", Severity.ERROR,
         "A value is not in the expected form (ids, dates, keys)",
         "tests/fixtures/invalid/wrong-types.yaml"),
    Code("E016", Severity.ERROR,
         "A number is out of range",
         "tests/fixtures/invalid/out-of-range.yaml"),
    Code("E017", Severity.ERROR,
         "A file name is not lower-case words joined by hyphens, or an outline file is not "
         "named after its source",
         "tests/test_validation.py::test_outline_file_mistakes"),
    Code("E019", Severity.ERROR,
         "Any other shape error (the message says which rule of the schema)",
         "tests/test_validation.py::test_a_shape_rule_without_its_own_message_still_names_itself"),
    Code("E020", Severity.ERROR,
         "A citation key is not in references.bib",
         "tests/fixtures/invalid/unknown-key.yaml"),
    Code("E021", Severity.ERROR,
         "An id (or an outline item) is used twice",
         "tests/fixtures/invalid/duplicate-id.yaml"),
    Code("E022", Severity.ERROR,
         "The same field is typed twice in one block",
         "tests/fixtures/invalid/duplicate-key.yaml"),
    Code("E023", Severity.ERROR,
         "The same entry (a source, a statement, a rule) is listed twice",
         "tests/fixtures/invalid/wrong-types-deep.yaml"),
    Code("E024", Severity.ERROR,
         "A section's anchor repeats a statement's, a rule's or the page's own",
         "tests/fixtures/invalid/duplicate-anchor.yaml"),
    Code("E030", Severity.ERROR,
         "References.bib is missing or cannot be read",
         "tests/test_validation.py::test_no_page_files_and_no_bibliography_are_reported"),
    Code("E031", Severity.ERROR,
         "A references.bib key uses characters other than letters, digits, _ and -",
         "tests/test_editors.py::test_bibtex_mistakes_fail_every_front_door"),
    Code("E033", Severity.ERROR,
         "A references.bib key is defined twice",
         "tests/test_validation.py::test_malformed_and_duplicated_bib_entries_are_errors"),
    Code("E035", Severity.ERROR,
         "A hand-written page cites a key that is not in references.bib (each at its line and "
         "column)",
         "tests/test_build.py::test_unknown_key_in_hand_written_page_fails"),
    Code("E040", Severity.ERROR,
         "A lab value outside {braces}, a brace that is not a lab value, or a number this site"
         " does not read (2,5; 50,00; 1.2.3)",
         "tests/fixtures/invalid/bare-lab-unit.yaml"),
    Code("E042", Severity.ERROR,
         "A statement's label version does not match the label it cites",
         "tests/fixtures/invalid/label-mixed.yaml"),
    Code("E043", Severity.ERROR,
         "A rule uses an action its source does not use, or one that does not match its "
         "criterion class",
         "tests/fixtures/invalid/rule-action-not-used.yaml"),
    Code("E044", Severity.ERROR,
         "Rules that share a finding sit on different pages",
         "tests/fixtures/invalid/rule-finding-split.yaml"),
    Code("E045", Severity.ERROR,
         "A locator names no item of its source's outline",
         "tests/fixtures/invalid/locator-unknown.yaml"),
    Code("E046", Severity.ERROR,
         "A verified statement cites an outline item marked not seen",
         "tests/fixtures/invalid/locator-not-seen.yaml"),
    Code("E047", Severity.ERROR,
         "A statement cites an outline item marked left out",
         "tests/fixtures/invalid/locator-left-out.yaml"),
    Code("E048", Severity.ERROR,
         "The Dose calculator's constants cannot be used (steps out of order, a window upside"
         " down, a mg figure finer than a µg)",
         "tests/fixtures/invalid/dosing-broken.yaml"),
    Code("E049", Severity.ERROR,
         "The Dose calculator's constants are given on more than one page",
         "tests/test_validation.py::test_dose_constants_on_two_pages_are_refused"),
    Code("E051", Severity.ERROR,
         "A key fact (on the bedside card) rests on one institution's policy or on patient"
         " information",
         "tests/fixtures/invalid/key-fact-policy.yaml"),
    Code("E052", Severity.ERROR,
         "A threshold's unit is not one its measure is given in (platelets in mg/dL)",
         "tests/fixtures/invalid/threshold-unit.yaml"),
    Code("E053", Severity.ERROR,
         "A number outside the plausible range of its measure and unit (systolic 900 mmHg),"
         " in a threshold or a lab value in text",
         "tests/fixtures/invalid/threshold-implausible.yaml"),
    Code("E054", Severity.ERROR,
         "A threshold's range is upside down, or gives a number its comparator does not use",
         "tests/fixtures/invalid/threshold-upside-down.yaml"),
    Code("E055", Severity.ERROR,
         "A threshold points the way its measure never triggers a rule (platelets above a"
         " value)",
         "tests/fixtures/invalid/threshold-direction.yaml"),
    Code("E056", Severity.ERROR,
         "A date that has not happened yet (reviewed or evidence_through after the build date)",
         "tests/fixtures/invalid/future-date.yaml"),
    Code("E058", Severity.ERROR,
         "The search vocabulary names a page that does not exist",
         "tests/test_vocabulary.py::test_vocabulary_mistakes_are_named_at_their_place"),
    Code("E059", Severity.ERROR,
         "A search vocabulary term is not written on the page it names",
         "tests/test_vocabulary.py::test_vocabulary_mistakes_are_named_at_their_place"),
    Code("E060", Severity.ERROR,
         "A reader's word given twice: to two terms, or repeating a term or a page's aliases",
         "tests/test_vocabulary.py::test_vocabulary_mistakes_are_named_at_their_place"),
    Code("E061", Severity.ERROR,
         "A search vocabulary word made only of words too common to lead to one page",
         "tests/test_vocabulary.py::test_vocabulary_mistakes_are_named_at_their_place"),
    Code("E062", Severity.ERROR,
         "A statement's timing gives a number or unit its claim does not, runs backwards, or"
         " is out of range",
         "tests/fixtures/invalid/timing-not-in-claim.yaml"),
    Code("W032", Severity.WARNING,
         "A references.bib entry lacks fields its type needs",
         "tests/test_validation.py::test_unused_bib_entry_is_a_warning_not_an_error"),
    Code("W034", Severity.WARNING,
         "A references.bib entry is not cited by any page",
         "tests/test_validation.py::test_unused_bib_entry_is_a_warning_not_an_error"),
    Code("N036", Severity.NOTE,
         "A topic in the controlled list that nothing uses",
         "tests/test_validation.py::test_unused_topics_are_reported"),
    Code("N050", Severity.NOTE,
         "An outline item the site does not cover yet",
         "tests/test_validation.py::test_outline_items_still_to_cover_are_notes"),
    Code("N057", Severity.NOTE,
         "Two rules look like one finding (same system and measure or criterion, other"
         " sources; or finding ids one typo apart) but have different finding ids, so they"
         " would not be shown side by side",
         "tests/test_hostile_inputs.py::test_a_finding_split_by_a_typo_is_a_note"),
)}


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    field: str
    message: str
    code: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        kind = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        where = f"{self.path}:{self.line}:{self.col}"
        # One line per problem, whatever text a message quotes from the file.
        message = self.message.replace("\r", "\\r").replace("\n", "\\n")
        return f"{where}: {self.field}: {kind}{message} [{self.code}]"


class ValidationFailed(Exception):
    """Raised with every error found in one run, never just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        lines = "\n".join(str(d) for d in diagnostics)
        super().__init__(f"{len(errors)} error(s) in the reference data:\n{lines}")


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]
