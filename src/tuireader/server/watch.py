"""The server's journal of the libraries it serves: a file changed means walk next time.

A command in its own process trusts the folders' times for two minutes and so cannot see a
file rewritten in place unless it is among the hits (search.freshness). The server can do
better because it stays: it watches each library it has opened (watchfiles: inotify,
FSEvents) and, at any change, drops the folder snapshot, so the next command walks the
library and indexes the edit. Where watchfiles cannot watch, it watches nothing (no polling
in the background) and the two-minute rule stands.
"""

from __future__ import annotations

import threading
from pathlib import Path

from tuireader.library.live import LibraryWatch
from tuireader.search import freshness
from tuireader.search.service import SearchService


class Journal:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.watches: dict[Path, LibraryWatch] = {}
        self.changes = 0  # file changes seen (for the status and the tests)
        self._pending: set[Path] = set()  # cache folders whose snapshot is to be dropped
        self._lock = threading.Lock()

    def follow(self, svc: SearchService) -> None:
        """Watch this service's library from now on (once per library)."""
        if svc.library_root in self.watches:
            return
        watch = LibraryWatch(svc.library_root, svc.cache_dir / "catalog.sqlite3", poll=False)
        self.watches[svc.library_root] = watch
        thread = threading.Thread(
            target=self._run, args=(watch, svc.cache_dir), name="server-watch", daemon=True
        )
        thread.start()

    def _run(self, watch: LibraryWatch, cache_dir: Path) -> None:
        for change in watch.changes(self.stop):
            if change.files:
                with self._lock:
                    self.changes += 1
                    self._pending.add(cache_dir)

    def apply(self) -> None:
        """Drop the snapshots of the libraries that changed, before a command runs (on the
        server's thread: dropped while a command walks, its own walk would save a snapshot
        that an edit during that walk is not in)."""
        with self._lock:
            pending, self._pending = self._pending, set()
        for cache_dir in pending:
            freshness.forget(cache_dir)
