"""`make lighthouse`: Lighthouse (mobile preset) against the site served by nginx with gzip.

A benchmark, not a test: it writes bench/lighthouse.json and bench/lighthouse.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .deploy import serve_with_nginx
from .export import CHROMIUM_ARGS

PAGES = {"home": "", "capillary-leak": "capillary-leak/", "management": "management/"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = " ".join(["--headless=new", *CHROMIUM_ARGS])


def run(root: Path) -> list[dict[str, object]]:
    work = root / ".build" / "lighthouse"
    site = work / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir",
                    str(site)], cwd=root, env=env, check=True)
    results = []
    with serve_with_nginx(site, work / "nginx") as url:
        for name, path in PAGES.items():
            out = work / f"{name}.json"
            subprocess.run([
                str(root / "node_modules" / ".bin" / "lighthouse"), url + path, "--quiet",
                f"--only-categories={','.join(CATEGORIES)}", "--output=json",
                f"--output-path={out}", f"--chrome-flags={CHROME_FLAGS}",
            ], env={**env, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
                check=True)
            report = json.loads(out.read_text(encoding="utf-8"))
            scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
            failing = sorted(a["id"] for a in report["audits"].values()
                             if a.get("score") is not None and a["score"] < 1
                             and a.get("scoreDisplayMode") == "binary")
            results.append({"page": name, "path": "/" + path, **scores,
                            "failing_audits": failing})
    return results


def main() -> int:
    root = Path.cwd()
    results = run(root)
    bench = root / "bench"
    bench.mkdir(exist_ok=True)
    (bench / "lighthouse.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["| Page | Performance | Accessibility | Best practices | SEO |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['path']} | {r['performance']} | {r['accessibility']} | "
              f"{r['best-practices']} | {r['seo']} |" for r in results]
    (bench / "lighthouse.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0
