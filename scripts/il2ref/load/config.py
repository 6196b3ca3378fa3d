"""mkdocs.yml as MkDocs reads it: its own YAML loader, so `!ENV` and `!relative` work (a plain
`yaml.safe_load` refuses them), and whether `site_url` is still a placeholder."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.utils.yaml import yaml_load

CONFIG = "mkdocs.yml"
# Hosts reserved for examples (RFC 2606): a printed QR code must never point at one.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")


def read_config(root: Path, name: str = CONFIG) -> dict[str, Any]:
    with (root / name).open(encoding="utf-8") as f:
        data = yaml_load(f)
    return data if isinstance(data, dict) else {}


def site_url(root: Path) -> str:
    return str(read_config(root).get("site_url") or "")


def placeholder(url: str) -> bool:
    """An address no reader can reach: empty, or a host reserved for examples."""
    host = (urlsplit(url).hostname or "").lower()
    return not host or any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)
