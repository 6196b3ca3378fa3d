"""Static hosting: security headers (a Content-Security-Policy the built site satisfies, HSTS)
and the nginx config that sends them."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from il2ref.site import html

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = Path(__file__).with_name("nginx.conf.j2")  # package data


def inline_script_hashes(site: Path) -> list[str]:
    """sha256 sources for every inline script in the site (Material emits a few per page)."""
    hashes: set[str] = set()
    for page in site.rglob("*.html"):
        hashes |= html.inline_script_hashes(page.read_text(encoding="utf-8"))
    return sorted(hashes)


def content_security_policy(site: Path) -> str:
    """The header's policy: the one every page also carries in its <meta> (il2ref.site.html),
    with every page's script hashes and `frame-ancestors`."""
    return html.content_security_policy(inline_script_hashes(site))


def security_headers(site: Path) -> dict[str, str]:
    """Every response carries these, pages, assets and the not-found page alike."""
    return {
        "Content-Security-Policy": content_security_policy(site),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        # HTTPS only, for a year, once a browser has seen it over HTTPS (browsers ignore it on
        # plain HTTP). No includeSubDomains or preload: those bind hosts this config does not
        # serve, which a hospital copying the server block may not want.
        "Strict-Transport-Security": "max-age=31536000",
    }


def nginx_conf(site: Path, *, listen: str, prefix: Path, user: str | None = None) -> str:
    from jinja2 import Environment, StrictUndefined

    # StrictUndefined: a placeholder left unfilled is an error, not a silent empty line.
    template = Environment(undefined=StrictUndefined, keep_trailing_newline=True).from_string(
        TEMPLATE.read_text(encoding="utf-8"))
    headers = "\n".join(f'add_header {name} "{value}" always;'
                         for name, value in security_headers(site).items())
    text = template.render(root=str(site.resolve()), listen=listen,
                           prefix=str(prefix.resolve()), security_headers=headers)
    if user:  # local serving: workers run as the caller, who can read its own temp folders
        text = f"user {user};\n" + text
    return text


@contextlib.contextmanager
def serve_with_nginx(site: Path, work: Path) -> Iterator[str]:
    """Serve `site` on a free loopback port with the project's nginx config; yield its URL."""
    work.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = work / "nginx.conf"
    user = pwd.getpwuid(os.getuid()).pw_name if os.getuid() == 0 else None
    conf.write_text(nginx_conf(site, listen=f"127.0.0.1:{port}", prefix=work, user=user),
                    encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    # Stop it before reading its errors: a running nginx never closes stderr.
                    proc.kill()
                    _, errors = proc.communicate(timeout=10)
                    raise RuntimeError(f"nginx did not start: {errors}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
