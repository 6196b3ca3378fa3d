"""The exported editions: one registry for the export and the Downloads page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edition:
    key: str
    suffix: str  # file name after the stem
    title: str  # as the Downloads page lists it
    note: str
    every_build: bool = False  # made by every site build (cheap), not only by `make export`

    def file_name(self, version: str, built: str) -> str:
        return f"il2-toxicity-reference-{version}-{built}{self.suffix}"


EDITIONS = (
    Edition("offline", "-offline-site.zip", "Offline site (.zip)",
            "Unzip anywhere and open index.html: works without a network, search included."),
    Edition("pdf_a4", "-A4.pdf", "Whole reference, PDF (A4)",
            "Cover, contents, every page in order, with references."),
    Edition("pdf_letter", "-Letter.pdf", "Whole reference, PDF (US Letter)",
            "The same, on Letter paper."),
    Edition("card", "-bedside-card.pdf", "Bedside card, PDF",
            "Regimen; what to hold, what stops a cycle, what stops IL-2 for good and what rules "
            "out the next course; key numbers: at most three pages."),
    Edition("sheet_a4", "-nursing-sheet-A4.pdf", "Per-dose nursing sheet, PDF (A4 landscape)",
            "One cycle: a column per dose, a row per check with each source's hold and stop "
            "rules and citations, and room for the value and the decision. For local "
            "adaptation."),
    Edition("sheet_letter", "-nursing-sheet-Letter.pdf",
            "Per-dose nursing sheet, PDF (US Letter landscape)", "The same, on Letter paper."),
    Edition("patient", "-patient-information.pdf", "Patient information, PDF",
            "High-dose IL-2 in plain words for patients and families, each statement cited: "
            "at most five pages."),
    Edition("wallet", "-wallet-card.pdf", "Wallet card for patients, PDF",
            "One A4 sheet: a card of bank-card-sized panels (85.6 × 54 mm) to cut out and fold, "
            "with the late effects any doctor, nurse or radiographer should know after IL-2, "
            "places to write the treating centre and the date, and a QR code to the cited "
            "Wallet card page."),
    Edition("epub", ".epub", "Whole reference, EPUB", "For e-readers."),
    Edition("json", "-data.json", "Data, JSON", "Every excerpt and rule with resolved references.",
            every_build=True),
    Edition("schema", "-data.schema.json", "Data schema, JSON Schema",
            "Describes the JSON file.", every_build=True),
    Edition("excerpts_csv", "-excerpts.csv", "Excerpts, CSV", "One row per statement.",
            every_build=True),
    Edition("rules_csv", "-rules.csv", "Rules, CSV", "One row per hold or stop rule.",
            every_build=True),
    Edition("fhir", "-rules.fhir.json", "Rules, HL7 FHIR R4 (JSON)",
            "A Bundle with one PlanDefinition per rule, its sources as citations: for sharing "
            "and review, not for automated decisions.", every_build=True),
)


def file_names(version: str, built: str) -> dict[str, str]:
    """key -> the edition's file name; the Downloads page links to exactly these."""
    return {e.key: e.file_name(version, built) for e in EDITIONS}
