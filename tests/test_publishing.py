"""The publishing setup: nginx with compression, caching and security headers, and a CSP the
site really satisfies (checked by Chromium while pages are used, search included)."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from il2ref.tools.deploy import content_security_policy, security_headers, serve_with_nginx


@pytest.fixture(scope="module")
def nginx_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_with_nginx(built_site, tmp_path_factory.mktemp("nginx")) as url:
        yield url


def _get(url: str, **headers: str) -> tuple[dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def _get_any(url: str) -> tuple[int, dict[str, str]]:
    """Status and headers, for error responses too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_every_security_header_on_every_location(nginx_url: str, built_site: Path) -> None:
    css = next((built_site / "assets" / "stylesheets").glob("main.*.min.css")).name
    want = {k.lower(): v for k, v in security_headers(built_site).items()}
    assert want["content-security-policy"] == content_security_policy(built_site)
    assert set(want) == {"content-security-policy", "x-content-type-options",
                         "referrer-policy", "x-frame-options", "permissions-policy",
                         "strict-transport-security"}
    for path, status, cache in [("capillary-leak/", 200, "no-cache"),
                                (f"assets/stylesheets/{css}", 200, "immutable"),
                                ("search/search_index.json", 200, "no-cache"),
                                ("no-such-page/", 404, "no-cache")]:
        got_status, headers = _get_any(nginx_url + path)
        assert got_status == status, path
        for name, value in want.items():
            assert headers.get(name) == value, (path, name)
        assert cache in headers.get("cache-control", ""), path
        assert headers.get("server") == "nginx", (path, headers.get("server"))  # no version


def test_text_is_compressed(nginx_url: str) -> None:
    headers, body = _get(nginx_url + "search/search_index.json", **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert b"capillary" in gzip.decompress(body).lower()


@pytest.mark.browser
def test_chromium_reports_no_csp_violation(browser, nginx_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    context.add_init_script("""window.__csp = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    violations = []
    for path in ("", "capillary-leak/", "management/", "self-test/", "glossary/"):
        page.goto(nginx_url + path, wait_until="networkidle")
        violations += page.evaluate("window.__csp")
    page.click("input.md-search__input")  # the search worker must be allowed too
    page.type("input.md-search__input", "creatinine", delay=20)
    page.wait_for_selector(".md-search-result__list > li")
    violations += page.evaluate("window.__csp")
    context.close()
    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m]


def test_github_pages_workflow_builds_strictly() -> None:
    """Lint, then every test, then the strict export, from a checkout with every tag, and the
    online site published from what the export built."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(
        encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == ["make lint", "make test", "make export"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "dist/site"
    assert any(s.get("uses", "").startswith("actions/deploy-pages")
               for s in workflow["jobs"]["deploy"]["steps"])
    # The export's MkDocs builds are strict: a warning fails the published build.
    export = ROOT / "scripts" / "il2ref" / "editions" / "export.py"
    assert '"build", "--strict"' in export.read_text(encoding="utf-8")
