"""Editor-facing problems: one line each, `path:line:col: field: message [CODE]`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # informative: what is still to do (never fails a build)


# Every code the validator emits, with what it means: the editor guide's table is generated
# from this list, and a test fails if the code emits one that is missing here or that no
# test provokes.
CODES: dict[str, str] = {
    "E001": "YAML syntax error (tabs, !!python tags and pasted control characters included)",
    "E002": "The file is not UTF-8 text",
    "E003": "The file is empty",
    "E004": "The file is too large",
    "E005": "No page files in docs/data/",
    "E010": "A required field is missing",
    "E011": "A field has the wrong type (e.g. a list where text is expected)",
    "E012": "A value is not in its allowed list (evidence type, topic, action, ...)",
    "E013": "A field is empty, only spaces, too short or too long",
    "E014": "Unknown field (often a typo in a field name)",
    "E015": "A value is not in the expected form (ids, dates, keys)",
    "E016": "A number is out of range",
    "E017": "A file name is not lower-case words joined by hyphens, or an outline file is not "
            "named after its source",
    "E019": "Any other shape error (the message says which rule of the schema)",
    "E020": "A citation key is not in references.bib",
    "E021": "An id (or an outline item) is used twice",
    "E022": "The same field is typed twice in one block",
    "E023": "The same entry (a source, a statement, a rule) is listed twice",
    "E024": "A section's anchor repeats a statement's, a rule's or the page's own",
    "E030": "references.bib is missing or cannot be read",
    "E031": "A references.bib key uses characters other than letters, digits, _ and -",
    "E033": "A references.bib key is defined twice",
    "E040": "A lab value outside {braces}, a brace that is not a lab value, or a number this "
            "site does not read (2,5; 50,00; 1.2.3)",
    "E042": "A statement's label version does not match the label it cites",
    "E043": "A rule uses an action its source does not use, or one that does not match its "
            "criterion class",
    "E044": "Rules that share a finding sit on different pages",
    "E045": "A locator names no item of its source's outline",
    "E046": "A verified statement cites an outline item marked not seen",
    "E047": "A statement cites an outline item marked left out",
    "W032": "Warning: a references.bib entry lacks fields its type needs",
    "W034": "Warning: a references.bib entry is not cited by any page",
    "N036": "Note: a topic in the controlled list that nothing uses",
    "N050": "Note: an outline item the site does not cover yet",
}


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
