"""The build date stamped on the card and the exports."""

from __future__ import annotations

import datetime as dt
import os
import re


class BuildDateError(ValueError):
    """IL2REF_BUILD_DATE or SOURCE_DATE_EPOCH holds something that is not a date: the message
    names the variable, what it holds and what it should hold."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def build_date() -> str:
    """IL2REF_BUILD_DATE (set by the export, so every edition agrees), else SOURCE_DATE_EPOCH's
    date for reproducible builds, else today. A set variable that is not a date raises
    BuildDateError (never a guess, never today instead)."""
    pinned = os.environ.get("IL2REF_BUILD_DATE")
    if pinned:
        try:
            # fromisoformat alone also takes 20261201 and 2026-W48-2 (Python 3.11).
            if not _ISO_DATE.match(pinned):
                raise ValueError("not in the form YYYY-MM-DD")
            return dt.date.fromisoformat(pinned).isoformat()
        except ValueError as why:
            raise BuildDateError(
                f"IL2REF_BUILD_DATE is {pinned!r}, which is not a date ({why}); set it to a "
                "date such as 2026-12-01, or unset it to use today's") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise BuildDateError(
                f"SOURCE_DATE_EPOCH is {epoch!r}, which is not a time: it must be a whole "
                "number of seconds since 1970-01-01 UTC, such as 1796083200; or unset it"
            ) from None
        return when.date().isoformat()
    return dt.date.today().isoformat()
