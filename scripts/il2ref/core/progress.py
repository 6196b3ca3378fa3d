"""One line per stage of a long command (`make export`, `make bench`): what it is doing as it
starts, and how long it took when it ends, so nobody stares at a silent terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def stage(command: str, what: str) -> Iterator[None]:
    """`export: offline site … 12.3 s` (on one line unless something else prints meanwhile)."""
    print(f"{command}: {what} …", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        print(" failed", flush=True, file=sys.stderr)
        raise
    print(f" {time.perf_counter() - start:.1f} s", flush=True, file=sys.stderr)
