"""Which edition a build is: the package version plus the commit its content came from.

Written `Edition 0.2.0 (1a2b3c4)`. The export sets IL2REF_EDITION once, so the site, the PDFs,
the card, the EPUB, the offline bundle and the data files of one export carry the same id
even if a commit lands while it runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from il2ref import __version__
from il2ref.load.git import git

ENV = "IL2REF_EDITION"
# Only what the content is built from: a changed test or README does not change an edition.
CONTENT = ("docs", "scripts", "references.bib", "mkdocs.yml", "mkdocs.offline.yml",
           "mkdocs.print.yml")
NO_COMMIT = "no commit"  # a copy outside git: the id says so rather than guess


def _git(root: Path, *args: str) -> str | None:
    out = git(root, *args)
    return out.decode().strip() if out is not None else None


def commit(root: Path) -> str:
    """The short commit (7 characters, fixed, so one id is one string), `-modified` when the
    content differs from that commit, or NO_COMMIT outside a git checkout."""
    full = _git(root, "rev-parse", "--verify", "HEAD")
    if not full:
        return NO_COMMIT
    dirty = _git(root, "status", "--porcelain", "--", *CONTENT)
    return full[:7] + ("-modified" if dirty else "")


def edition_id(root: Path) -> str:
    """IL2REF_EDITION when the export set it, else worked out from the checkout."""
    return os.environ.get(ENV) or f"Edition {__version__} ({commit(root)})"


REF_ENV = "IL2REF_EDITION_REF"


def release_or_commit(root: Path) -> str:
    """What the card's QR code names: the release tag when this build is exactly a release,
    else the short commit (IL2REF_EDITION_REF when the export set it)."""
    if os.environ.get(REF_ENV):
        return os.environ[REF_ENV]
    short = commit(root)
    tag = _git(root, "describe", "--tags", "--exact-match", "HEAD")
    return tag if tag and short != NO_COMMIT and not short.endswith("-modified") else short
