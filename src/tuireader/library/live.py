"""Keeping a running reader in step with its library, whoever changes it.

Two things move under a reader: files in the library folder (copied, edited, deleted, or
written by `add`, `feed update`, `import-articles`) and the catalog (those commands index
what they wrote themselves, so afterwards the folder walk finds nothing stale). `LibraryWatch`
watches both from one thread: the folder with watchfiles (inotify, FSEvents, ...) or, where
no watcher works (a network folder, the inotify limit reached, `TUIREADER_WATCH=poll`), by
re-walking it now and then; the catalog by its generation, a number every process raises when
it stores articles. Bursts of changes come out as one `LiveChange` each. `what_changed` says
what a reload brought ("2 new, 1 changed").
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

WATCH_ENV = "TUIREADER_WATCH"  # auto (default) | poll | off
TICK = 0.5  # seconds between looks at the catalog's generation
DEBOUNCE_MS = 400  # a burst of file events (a copy, an editor's save) is one change
QUIET_MS = 100  # ... ending once the folder has been quiet this long
POLL_MIN = 1.0  # the polling fallback's pause between walks, at least ...
POLL_FACTOR = 10  # ... and ten times what a walk took (a walk of 10k files: 50 ms)
POLL_MAX = 30.0


class Stop(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class LiveChange:
    """Something changed under the reader: files (the catalog must catch up with them) and
    the catalog's generation (None: not looked at, or no catalog)."""

    files: bool
    generation: int | None


class LibraryWatch:
    """Changes to one library's folder and catalog, as an iterator run on its own thread."""

    def __init__(
        self, root: Path, catalog_path: Path, *, mode: str | None = None, poll: bool = True
    ) -> None:
        self.root = Path(root)
        self.catalog_path = Path(catalog_path)
        self.poll = poll  # False: where watchfiles cannot watch, watch nothing (no re-walks)
        wanted = (mode or os.environ.get(WATCH_ENV, "auto")).strip().lower()
        self.mode = wanted if wanted in ("auto", "poll", "off") else "auto"
        self.how = ""  # "watchfiles" or "polling" once running: for the status and tests
        self.fallback_reason = ""  # why watchfiles is not used, when it is not

    def changes(self, stop: Stop) -> Iterator[LiveChange]:
        """Yield each change until `stop` is set (checked at least every TICK seconds)."""
        if self.mode == "off":
            return
        # here, on the watch thread: the catalog module brings Whoosh, not needed at start
        from tuireader.search.catalog import read_generation

        seen = read_generation(self.catalog_path)
        for files in self._file_events(stop):
            if stop.is_set():
                return
            generation = read_generation(self.catalog_path)
            if files or generation != seen:
                seen = generation
                yield LiveChange(files, generation)

    def _file_events(self, stop: Stop) -> Iterator[bool]:
        """True after each burst of file changes, False every TICK or so without one: from
        watchfiles while it works, then (or at once with mode "poll") from polling."""
        if self.mode == "auto" and not self.root.is_dir():
            self.fallback_reason = "the library folder is not there"  # may appear later
        elif self.mode == "auto":
            try:
                self.how = "watchfiles"
                for batch in self._watchfiles(stop):
                    yield bool(batch)
                return  # stopped
            except Exception as exc:  # no watcher here: inotify limit, no such folder, ...
                self.fallback_reason = str(exc) or type(exc).__name__
        if not self.poll:
            self.how = ""
            return
        self.how = "polling"
        yield from self._polling(stop)

    def _watchfiles(self, stop: Stop) -> Iterator[set[object]]:
        import watchfiles

        return watchfiles.watch(  # type: ignore[return-value]
            self.root,
            watch_filter=_visible(self.root),
            debounce=DEBOUNCE_MS,
            step=QUIET_MS,
            stop_event=stop,
            rust_timeout=int(TICK * 1000),
            yield_on_timeout=True,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )

    def _polling(self, stop: Stop) -> Iterator[bool]:
        """True when a walk of the folder differs from the last, False between walks."""
        from tuireader.articles.scan import walk_library  # the parsers' modules, and
        from tuireader.search.refresh import walk_digest  # Whoosh: on the watch thread

        digest = None
        next_walk = 0.0
        while not stop.is_set():
            now = time.monotonic()
            if now >= next_walk:
                started = time.monotonic()
                current = walk_digest(walk_library(self.root))
                took = time.monotonic() - started
                next_walk = time.monotonic() + min(POLL_MAX, max(POLL_MIN, took * POLL_FACTOR))
                changed = digest is not None and current != digest
                digest = current
                yield changed
            else:
                yield False
            _sleep(stop, min(TICK, max(0.0, next_walk - time.monotonic())))


def _sleep(stop: Stop, seconds: float) -> None:
    if isinstance(stop, threading.Event):
        stop.wait(seconds)
    else:
        time.sleep(seconds)


def _visible(root: Path) -> Callable[[object, str], bool]:
    """Ignore what the walk ignores (hidden files and folders) and editors' scratch files."""
    import watchfiles

    scratch = watchfiles.DefaultFilter()
    base = str(root)

    def keep(change: object, path: str) -> bool:
        rel = os.path.relpath(path, base)
        if any(part.startswith(".") for part in Path(rel).parts):
            return False
        return scratch(change, path)  # type: ignore[arg-type]

    return keep


@dataclass(frozen=True)
class Seen:
    """What the reader showed of one article, to tell what a reload changed."""

    path: str
    fingerprint: str
    size: int
    mtime_ns: int


class Listed(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...


def snapshot(entries: Mapping[str, Listed]) -> dict[str, Seen]:
    return {i: Seen(e.path, e.fingerprint, e.size, e.mtime_ns) for i, e in entries.items()}


@dataclass(frozen=True)
class LibraryDelta:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    moved: tuple[tuple[str, str], ...] = ()  # (old id, new id): same text, another path

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.moved)

    def describe(self) -> str:
        """'2 new, 1 changed, 1 moved, 3 removed' (only the parts there are)."""
        parts = [
            (len(self.added), "new"),
            (len(self.changed), "changed"),
            (len(self.moved), "moved"),
            (len(self.removed), "removed"),
        ]
        return ", ".join(f"{n:,} {word}" for n, word in parts if n) or "nothing changed"


def what_changed(before: Mapping[str, Seen], after: Mapping[str, Listed]) -> LibraryDelta:
    """Articles added, edited, moved (same text under a new path, so a new id) and removed."""
    added = [i for i in after if i not in before]
    removed = [i for i in before if i not in after]
    changed = []
    for article_id, old in before.items():
        new = after.get(article_id)
        if new is not None and (new.fingerprint, new.size, new.mtime_ns) != (
            old.fingerprint,
            old.size,
            old.mtime_ns,
        ):
            changed.append(article_id)
    gone_by_text: dict[str, list[str]] = {}
    for article_id in removed:
        gone_by_text.setdefault(before[article_id].fingerprint, []).append(article_id)
    moved = []
    for article_id in list(added):
        olds = gone_by_text.get(after[article_id].fingerprint)
        if olds:
            old_id = olds.pop()
            moved.append((old_id, article_id))
            added.remove(article_id)
            removed.remove(old_id)
    return LibraryDelta(tuple(added), tuple(changed), tuple(removed), tuple(moved))
