"""`make serve` notices a save at once: the platform's file notifications (inotify on Linux)
instead of MkDocs' polling.

MkDocs' live-reload server looks at the watched folders every half second (watchdog's
PollingObserver, chosen upstream for network drives and containers where notifications may not
arrive), so a save waited a quarter of a second on average before the rebuild began. This moves
the watches made so far to watchdog's native Observer, with the same handlers; the folders
MkDocs adds after `on_serve` (mkdocs.yml's `watch:`) go to it directly. Where the platform
cannot watch (no inotify, its limit reached), the polling observer stays.
"""

from __future__ import annotations

from typing import Any

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch
from watchdog.observers.polling import PollingObserver

# A file written, created, deleted or renamed (an editor's atomic save). Not opened or read:
# notifications report every read too, and the build reads every file, so each build would
# start the next one (measured: saves then took 3.4 s to show).
CHANGES: list[type[FileSystemEvent]] = [FileCreatedEvent, FileDeletedEvent, FileModifiedEvent,
                                        FileMovedEvent, FileClosedEvent]


class _ChangesOnly(Observer):  # type: ignore[misc,valid-type]  # a platform-chosen alias
    def schedule(self, event_handler: FileSystemEventHandler, path: Any, *,
                 recursive: bool = False, event_filter: Any = None,
                 follow_symlink: bool = False) -> ObservedWatch:
        return super().schedule(event_handler, path, recursive=recursive,
                                event_filter=event_filter or CHANGES,
                                follow_symlink=follow_symlink)


def notice_saves_at_once(server: Any) -> Any:
    polling = server.observer
    # watchdog's own map of watch -> handlers (BaseObserver._handlers, watchdog 2 to 7):
    # MkDocs offers no public way to move a watch; tests/test_serve.py fails if this stops
    # working (a save must reload the browser).
    handlers = getattr(polling, "_handlers", None)
    if not isinstance(polling, PollingObserver) or handlers is None:
        return server
    native = _ChangesOnly()
    try:
        for watch, for_watch in list(handlers.items()):
            for handler in for_watch:
                native.schedule(handler, watch.path, recursive=watch.is_recursive)
    except OSError:
        return server
    server.observer = native
    return server
