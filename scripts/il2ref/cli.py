"""Command line: `il2ref validate` checks the data without building the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from il2ref.core.coverage import summary
from il2ref.core.diagnostics import Severity, errors
from il2ref.load.corpus import load_corpus


def _validate(root: Path) -> int:
    corpus, diagnostics = load_corpus(root)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="il2ref", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check docs/data/*.yaml and references.bib")
    val.add_argument("--root", type=Path, default=Path.cwd(), help="project folder")
    sub.add_parser("export", help="build every edition into dist/ (run from the project root)")
    sub.add_parser("lighthouse", help="Lighthouse scores into bench/ (run from the project root)")
    sub.add_parser("bench", help="benchmark synthetic corpora into bench/ (from the project root)")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.root)
    if args.command == "export":
        from il2ref.editions.export import main as export_main

        return export_main()
    if args.command == "bench":
        from il2ref.tools.bench import main as bench_main

        return bench_main()
    if args.command == "lighthouse":
        from il2ref.tools.lighthouse import main as lighthouse_main

        return lighthouse_main()
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    raise SystemExit(main())
