"""The one way the build asks git anything (release history, the edition's commit)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's output, or None when git is missing, fails or is not a checkout here."""
    try:
        done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
