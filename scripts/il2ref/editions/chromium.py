"""How the exports, Lighthouse and the tests launch Debian's Chromium (Playwright cannot
download its own browsers here)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that keep headless Chromium off the (closed) network and out of the sandbox it cannot
# have as root; shared by the exports, Lighthouse and the tests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
