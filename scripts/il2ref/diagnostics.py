"""Editor-facing problems: one line each, `path:line:col: field: message [CODE]`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # informative: what is still to do (never fails a build)


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
        return f"{where}: {self.field}: {kind}{self.message} [{self.code}]"


class ValidationFailed(Exception):
    """Raised with every error found in one run, never just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        lines = "\n".join(str(d) for d in diagnostics)
        super().__init__(f"{len(errors)} error(s) in the reference data:\n{lines}")


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]
