"""The names of the exported editions, shared by the export and the Downloads page (a
module of its own so the site build does not import the exporter)."""

from __future__ import annotations


def file_names(version: str, built: str) -> dict[str, str]:
    """The exports' file names; the Downloads page links to exactly these."""
    stem = f"il2-toxicity-reference-{version}-{built}"
    return {
        "offline": f"{stem}-offline-site.zip",
        "pdf_a4": f"{stem}-A4.pdf",
        "pdf_letter": f"{stem}-Letter.pdf",
        "card": f"{stem}-bedside-card.pdf",
        "epub": f"{stem}.epub",
        "json": f"{stem}-data.json",
        "schema": f"{stem}-data.schema.json",
        "excerpts_csv": f"{stem}-excerpts.csv",
        "rules_csv": f"{stem}-rules.csv",
    }
