"""The build date stamped on the card and the exports."""

from __future__ import annotations

import datetime as dt
import os


def build_date() -> str:
    """IL2REF_BUILD_DATE (set by the export, so every edition agrees), else SOURCE_DATE_EPOCH's
    date for reproducible builds, else today."""
    if os.environ.get("IL2REF_BUILD_DATE"):
        return os.environ["IL2REF_BUILD_DATE"]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now()
    return when.date().isoformat()
