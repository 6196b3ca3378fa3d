"""The exit path from MkDocs 1.x: ProperDocs (the maintained MkDocs 1.x fork) builds the same
site with --strict, page by page, differing only in the generator's name in one meta tag."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ENV, ROOT

# <meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.2"> from MkDocs,
# "mkdocs-ProperDocs 1.6.7, ..." from ProperDocs. Only the builder's token is blanked: the
# theme's version is still compared.
_GENERATOR = re.compile(rb'(<meta name="generator" content=")mkdocs-(?:ProperDocs )?[0-9][^,"]*')


def _files(site: Path) -> dict[str, bytes]:
    out = {}
    for f in sorted(site.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            out[f.relative_to(site).as_posix()] = (
                _GENERATOR.sub(rb"\1mkdocs-<builder>", data) if f.suffix == ".html" else data)
    return out


def test_properdocs_builds_the_same_pages(built_site: Path, tmp_path: Path) -> None:
    properdocs = Path(sys.executable).with_name("properdocs")
    site = tmp_path / "site"
    result = subprocess.run([str(properdocs), "build", "--strict", "-f", "mkdocs.yml",
                             "--site-dir", str(site)], cwd=ROOT, env=ENV, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert b"ProperDocs" in (site / "index.html").read_bytes()  # it really was ProperDocs
    ours, theirs = _files(built_site), _files(site)
    assert sorted(ours) == sorted(theirs)
    assert len([p for p in ours if p.endswith(".html")]) > 30
    assert [p for p in ours if ours[p] != theirs[p]] == []
