"""Command line: `il2ref validate` checks the data without building the site; `export` and
`plain` make the editions, `bench` and `lighthouse` the measurements, `outdated` lists the
dependencies that have moved. Each finds the project from any folder
inside it (the nearest folder above holding mkdocs.yml), or takes --root."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from il2ref.core.coverage import summary
from il2ref.core.dates import BuildDateError, build_date
from il2ref.core.diagnostics import Severity, errors
from il2ref.load.config import CONFIG
from il2ref.load.corpus import load_corpus


def find_root(start: Path) -> Path | None:
    """The nearest folder from `start` upward that holds mkdocs.yml, as git finds .git."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents)
                 if (folder / CONFIG).is_file()), None)


def _validate(root: Path) -> int:
    corpus, diagnostics = load_corpus(root, built=build_date())
    for d in diagnostics:
        print(d, file=sys.stderr)
    bad = errors(diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    notes = sum(d.severity is Severity.NOTE for d in diagnostics)
    if bad:
        print(f"validate: {len(bad)} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    print(f"validate: OK: {len(corpus.pages)} pages, {len(corpus.excerpts())} excerpts, "
          f"{len(corpus.rules())} rules, {len(corpus.cited_keys())} sources cited "
          f"({warnings} warning(s), {notes} note(s) above: items still to cover)")
    for line in summary(corpus):
        print(f"coverage: {line}")
    return 0


def _run(command: str, root: Path, out: Path | None = None, offline: bool = False) -> int:
    if command == "validate":
        return _validate(root)
    # The export and the tools work in the current folder; run them in the project's.
    os.chdir(root)
    if command == "export":
        from il2ref.editions.export import main as export_main

        return export_main()
    if command == "plain":
        from il2ref.editions.plain import main as plain_main

        return plain_main(out, for_offline=offline)
    if command == "outdated":
        from il2ref.tools.outdated import main as outdated_main

        return outdated_main()
    if command == "bench":
        from il2ref.tools.bench import main as bench_main

        return bench_main()
    if command == "lighthouse":
        from il2ref.tools.lighthouse import main as lighthouse_main

        return lighthouse_main()
    return 2  # pragma: no cover - argparse rejects unknown commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="il2ref", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("validate", "check docs/data/*.yaml and references.bib"),
                       ("export", "build every edition into dist/"),
                       ("lighthouse", "Lighthouse scores into bench/"),
                       ("bench", "benchmark synthetic corpora into bench/"),
                       ("plain", "the site as plain Markdown (no hook, no plugin) for Zensical"),
                       ("outdated", "list the dependencies with newer releases (never fails)")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--root", type=Path, default=None,
                             help="project folder (default: the nearest folder upward from "
                                  "here that holds mkdocs.yml)")
        if name == "plain":
            command.add_argument("--out", type=Path, default=None,
                                 help="the folder to write (default: .build/plain, or "
                                      ".build/plain-offline with --offline)")
            command.add_argument("--offline", action="store_true",
                                 help="from mkdocs.offline.yml: the edition that opens from "
                                      "file://")
    args = parser.parse_args(argv)
    root = args.root or find_root(Path.cwd())
    if root is None:
        print(f"il2ref {args.command}: no {CONFIG} in {Path.cwd()} or any folder above it; run "
              "it inside the project, or give the project folder with --root", file=sys.stderr)
        return 2
    try:
        out = getattr(args, "out", None)  # from where the command was typed, before chdir
        return _run(args.command, root, out.resolve() if out else None,
                    getattr(args, "offline", False))
    except BuildDateError as wrong:  # a setting, not the data: say so before anything is built
        print(f"il2ref {args.command}: {wrong}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
