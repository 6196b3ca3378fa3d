"""`il2ref export`: every edition into dist/, named by version and build date.

Builds run through MkDocs itself (online, offline and print configs); PDFs are printed by
headless Chromium through Playwright, EPUB by pandoc. Nothing here converts HTML by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pypandoc

from il2ref import __version__
from il2ref.core.cache import CACHE_DIR
from il2ref.core.diagnostics import ValidationFailed
from il2ref.core.editions import file_names
from il2ref.core.progress import stage
from il2ref.editions import epub
from il2ref.editions.chromium import CHROMIUM, CHROMIUM_ARGS
from il2ref.load import config
from il2ref.load.corpus import BIB_FILE, require_corpus
from il2ref.load.edition import ENV as EDITION_ENV
from il2ref.load.edition import NO_COMMIT, REF_ENV, commit, edition_id, release_or_commit
from il2ref.render.card import card_html
from il2ref.render.nursing_sheet import sheet_html
from il2ref.render.patient import patient_html
from il2ref.render.qr import card_url, qr_svg, wallet_url
from il2ref.render.wallet import wallet_html
from il2ref.site import data_files
from il2ref.site.citations import reference_texts

SHIM = Path("node_modules/iframe-worker/shim/index.js")
DRAFT_ENV = "IL2REF_DRAFT"  # export with a placeholder site_url, for tests and drafts


class ExportFailed(Exception):
    """An edition could not be made; `dist/` is left as it was."""


def _mkdocs(root: Path, config: str, site: Path, env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f",
                             config, "--site-dir", str(site)], cwd=root, env=env)
    if result.returncode != 0:
        raise ExportFailed(f"mkdocs build -f {config} failed (its messages are above)")


def _pdf(html: Path, out: Path, *, paper: str | None) -> None:
    """Page numbers come from mkdocs-print-site-plugin's own @page CSS."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(html.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        if paper:
            page.pdf(path=str(out), print_background=True, format=paper,
                     margin={"top": "15mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        else:
            page.pdf(path=str(out), print_background=True, prefer_css_page_size=True)
        browser.close()


def problems(root: Path) -> list[str]:
    """What this machine or checkout lacks for an export, each said in words, all at once and
    before anything is written (a missing tool used to end a long export in a traceback)."""
    found = []
    address = config.site_url(root)  # MkDocs' loader: `!ENV [SITE_URL, …]` works
    if config.placeholder(address) and not os.environ.get(DRAFT_ENV):
        found.append(
            f"site_url in mkdocs.yml is {address or 'empty'!r}, a placeholder: the printed "
            "card's QR code, the FHIR and feed links would point there. Set the real address "
            f"(SITE_URL=https://your.site/ make export), or {DRAFT_ENV}=1 for a draft that must "
            "not be printed")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        found.append(f"Chromium is not at {CHROMIUM}: the PDFs, the card and the patient sheet "
                     "are printed with it (Debian package chromium; `make export` installs it, "
                     "or set CHROMIUM to its path)")
    try:
        pypandoc.get_pandoc_path()
    except OSError:
        found.append("pandoc is missing: the EPUB is made with it (Debian package pandoc, or "
                     "reinstall pypandoc-binary with `make setup`)")
    if not (root / SHIM).exists():
        found.append(f"{SHIM} is missing: the offline zip's search needs it (run `npm ci`; "
                     "`make export` does)")
    if not os.environ.get(EDITION_ENV):
        if shutil.which("git") is None:
            found.append("git is missing: every edition names the commit its content came "
                         "from, and without git it would say \"no commit\" (install git)")
        elif commit(root) == NO_COMMIT:
            found.append("this folder is not a git checkout: every edition would say \"no "
                         f"commit\" (export from a clone, or set {EDITION_ENV})")
    try:
        (root / ".build").mkdir(exist_ok=True)
        with tempfile.TemporaryFile(dir=root / ".build"):
            pass
    except OSError as why:
        found.append(f"the project folder cannot be written ({why.strerror}): the export "
                     "builds in .build/ and swaps dist/ in at the end")
    return found


def export(root: Path, *, built: str) -> Path:
    """Every edition into `dist/`, built aside in `.build/dist` and swapped in at the end, so a
    failed export leaves the last good `dist/` in place (as `make build` does for `site/`)."""
    lacking = problems(root)
    if lacking:
        raise ExportFailed("cannot export:\n" + "\n".join(f"  - {m}" for m in lacking))
    version = __version__
    names = file_names(version, built)
    edition = edition_id(root)  # once: every edition of this export carries the same id
    ref = release_or_commit(root)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "IL2REF_BUILD_DATE": built,
           EDITION_ENV: edition, REF_ENV: ref}
    corpus, _ = require_corpus(root)  # validated, with references.bib parsed once
    site_url = config.site_url(root)

    work = root / ".build" / "export"
    dist = root / ".build" / "dist"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(dist, ignore_errors=True)
    work.mkdir(parents=True)
    dist.mkdir()
    files = dist / "files"  # every download; also copied into the online site
    files.mkdir()

    # Data editions, with references as the site gives them (the same files every build has)
    with stage("export", "data (JSON, CSV, FHIR)"):
        texts = reference_texts(root / BIB_FILE, corpus, root / CACHE_DIR)
        data_files.write(data_files.data_files(corpus, texts, edition=edition, built=built,
                                               site_url=site_url), files)

    # Bedside card
    card = work / "card.html"
    card_link = card_url(site_url, ref)
    card.write_text(card_html(corpus, texts, edition=edition, built=built,
                              qr_svg=qr_svg(card_link), online=card_link), encoding="utf-8")
    with stage("export", "bedside card PDF"):
        _pdf(card, files / names["card"], paper=None)
    # Per-dose nursing sheet: its @page CSS sets the paper, landscape
    for paper in ("A4", "Letter"):
        sheet = work / f"nursing-sheet-{paper}.html"
        sheet.write_text(sheet_html(corpus, texts, paper=paper, edition=edition, built=built,
                                    qr_svg=qr_svg(card_link), online=card_link),
                         encoding="utf-8")
        with stage("export", f"nursing sheet PDF ({paper})"):
            _pdf(sheet, files / names[f"sheet_{paper.lower()}"], paper=None)
    patient = work / "patient.html"
    patient.write_text(patient_html(corpus, texts, edition=edition, built=built),
                       encoding="utf-8")
    with stage("export", "patient information PDF"):
        _pdf(patient, files / names["patient"], paper=None)
    wallet = work / "wallet.html"
    wallet_link = wallet_url(site_url, ref)
    wallet.write_text(wallet_html(corpus, edition=edition, built=built,
                                  qr_svg=qr_svg(wallet_link), online=wallet_link),
                      encoding="utf-8")
    with stage("export", "wallet card PDF"):
        _pdf(wallet, files / names["wallet"], paper=None)

    # Whole reference: PDF (A4 and Letter) and EPUB from the print-site page
    with stage("export", "print site"):
        _mkdocs(root, "mkdocs.print.yml", work / "print", env)
    print_page = work / "print" / "print_page" / "index.html"
    # The two paper sizes are printed side by side, each in its own process (Playwright's sync
    # API is one per process). Each took minutes until extra.css stopped Material's print
    # transitions on the footnote back-links; about 10 s now.
    with stage("export", "whole-reference PDFs (A4 and Letter, side by side)"), \
            ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        jobs = [pool.submit(_pdf, print_page, files / names[key], paper=paper)
                for key, paper in (("pdf_a4", "A4"), ("pdf_letter", "Letter"))]
        for job in jobs:
            job.result()  # re-raises a failed print here
    with stage("export", "EPUB"):
        epub.write(print_page, files / names["epub"], work, edition)

    # Offline site: the search shim ships inside the bundle instead of coming from a CDN
    top = Path(names["offline"]).stem  # the zip's one folder
    offline = work / top
    with stage("export", "offline site"):
        _mkdocs(root, "mkdocs.offline.yml", offline, env)
    shim = root / SHIM
    if not shim.exists():
        raise ExportFailed(f"{SHIM} is missing: run `npm ci` (make export does)")
    target = offline / "assets" / "javascripts" / "iframe-worker-shim.js"
    shutil.copy(shim, target)
    with stage("export", "offline zip"):
        shutil.make_archive(str(files / top), "zip", root_dir=work, base_dir=top)

    # Online site, with the downloads inside it
    online = dist / "site"
    with stage("export", "online site"):
        _mkdocs(root, "mkdocs.yml", online, env)
    # The build wrote the data files already; they must be these very bytes (one edition).
    for made in sorted(files.iterdir()):
        target = online / "files" / made.name
        if target.exists() and target.read_bytes() != made.read_bytes():
            raise ExportFailed(f"the site build wrote a different {made.name} from the export's")
    shutil.copytree(files, online / "files", dirs_exist_ok=True)

    final = root / "dist"
    old = root / ".build" / "dist-old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    dist.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def main() -> int:
    from il2ref.core.dates import build_date

    try:
        dist = export(Path.cwd(), built=build_date())
    except (ExportFailed, ValidationFailed) as failed:  # the command line decides the exit
        print(f"export: {failed}\nexport: dist/ is unchanged", file=sys.stderr)
        return 1
    for f in sorted((dist / "files").iterdir()):
        print(f"{f.stat().st_size:>12,}  dist/files/{f.name}")
    print("online site with downloads: dist/site/")
    return 0
