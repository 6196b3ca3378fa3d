"""`make outdated`: which of the project's dependencies (pyproject.toml, runtime and test) have
a newer release than the one installed, and whether that release is inside the pin's upper
bound or past it. It informs a maintainer and never fails: a new release is a task, not a
broken build.

pip finds the newest releases (one `pip install --dry-run --report` for the project's own
dependencies only, nothing installed); `packaging` reads the pins as pip does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the project's tools run on 3.11 (.github/workflows/pages.yml)
    import tomli as tomllib


@dataclass(frozen=True)
class Row:
    name: str
    pin: str  # the specifier in pyproject.toml
    installed: str | None
    latest: str | None
    extra: str  # "runtime" or the optional-dependency group

    @property
    def state(self) -> str:
        if self.latest is None:
            return "not found on the index"
        if self.installed is None:
            return "not installed"
        if Version(self.latest) <= Version(self.installed):
            return "up to date"
        if Requirement(f"{self.name}{self.pin}").specifier.contains(self.latest,
                                                                    prereleases=False):
            return "newer, inside the pin: `make setup` picks it up"
        return "newer, past the pin: test it, then raise the bound"


def requirements(pyproject: Path) -> list[tuple[Requirement, str]]:
    """Every dependency of the project, with the group it is in."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    out = [(Requirement(r), "runtime") for r in project.get("dependencies", [])]
    for group, reqs in project.get("optional-dependencies", {}).items():
        out += [(Requirement(r), group) for r in reqs]
    return out


def unbounded(pyproject: Path, group: str = "runtime") -> list[str]:
    """The dependencies in `group` with no upper bound (`<`, `<=`, `==` or `~=`)."""
    return [str(r) for r, g in requirements(pyproject) if g == group
            and not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)]


def latest_releases(names: list[str]) -> dict[str, str]:
    """name -> the newest release pip would install, from one dry run (no dependencies
    resolved, nothing installed). Empty when the index cannot be reached."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps",
         "--ignore-installed", "--report", "-", *names],
        capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        print(f"outdated: pip could not read the index:\n{result.stderr[-1500:]}",
              file=sys.stderr)
        return {}
    report = json.loads(result.stdout)
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
            for item in report.get("install", [])}


def rows(reqs: list[tuple[Requirement, str]], latest: dict[str, str]) -> list[Row]:
    out = []
    for req, group in reqs:
        try:
            installed: str | None = version(req.name)
        except PackageNotFoundError:
            installed = None
        out.append(Row(req.name, str(req.specifier), installed,
                       latest.get(canonicalize_name(req.name)), group))
    return out


def table(found: list[Row]) -> str:
    lines = ["| Dependency | Group | Pin | Installed | Newest | State |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r.name} | {r.extra} | `{r.pin or 'any'}` | {r.installed or '–'} | "
              f"{r.latest or '–'} | {r.state} |" for r in found]
    return "\n".join(lines)


def main() -> int:
    reqs = requirements(Path.cwd() / "pyproject.toml")
    latest = latest_releases(sorted({r.name for r, _ in reqs}))
    found = rows(reqs, latest)
    print(table(found))
    moved = [r for r in found if r.state.startswith("newer")]
    print(f"\noutdated: {len(moved)} of {len(found)} dependencies have a newer release"
          + ("" if latest else " (the index was not reached: nothing compared)"))
    for bare in unbounded(Path.cwd() / "pyproject.toml"):
        print(f"outdated: runtime dependency without an upper bound: {bare}")
    return 0  # informs; never fails a build
