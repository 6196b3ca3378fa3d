"""The cheap editions in every build: the JSON, its schema, the two CSVs and the FHIR Bundle
go into the site's `files/` beside the feed, so the Downloads page's data links work under
`make serve` and `make build` too. The PDFs, EPUB and offline zip take a browser and minutes:
they stay with `make export`, which writes these same files (from the same functions) for
its own editions."""

from __future__ import annotations

from pathlib import Path

from il2ref import __version__
from il2ref.core.editions import file_names
from il2ref.core.model import Corpus
from il2ref.render.data import dataset, json_text, schema_text, to_csv
from il2ref.render.fhir import rules_bundle

FILES = "files"  # the folder the Downloads page links into


def data_files(corpus: Corpus, texts: dict[str, str], *, edition: str, built: str,
               site_url: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each data edition; `texts` as `citations.plain_texts` gives them."""
    names = file_names(__version__, built)
    data = dataset(corpus, texts, version=__version__, edition=edition, built=built)
    bundle = rules_bundle(corpus, texts, edition=edition, built=built, site_url=site_url)
    return [(names["json"], json_text(data).encode()), (names["schema"], schema_text().encode()),
            (names["excerpts_csv"], to_csv(data["excerpts"], edition).encode()),
            (names["rules_csv"], to_csv(data["rules"], edition).encode()),
            (names["fhir"], json_text(bundle).encode())]


def write(files: list[tuple[str, bytes]], folder: Path) -> None:
    for name, content in files:
        (folder / name).write_bytes(content)
