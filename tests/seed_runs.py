"""Fingerprints of the seed documents' 12-word runs (see seed-runs.txt): one definition of a
"run" for the fixture and for the test that reads it."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

HEADER = """\
# SHA-256 (first 16 hex digits) of every 12-word run of the five seed documents in
# ../shared/seeds/ (words: [a-z0-9]+, lower case). The texts themselves are not committed;
# these fingerprints let the copy check run in a clone with nothing beside it.
# Regenerate: python3 tests/seed_runs.py ../shared/seeds > tests/fixtures/seed-runs.txt
"""


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def fingerprint(run: list[str]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def runs(text: str, n: int = 12) -> Iterator[list[str]]:
    w = words(text)
    for i in range(len(w) - n + 1):
        yield w[i:i + n]


def fingerprints(folder: Path) -> list[str]:
    return [f"{seed.name} {fingerprint(run)}" for seed in sorted(folder.glob("*.txt"))
            for run in runs(seed.read_text(encoding="utf-8"))]


if __name__ == "__main__":
    sys.stdout.write(HEADER + "".join(f"{line}\n" for line in fingerprints(Path(sys.argv[1]))))
