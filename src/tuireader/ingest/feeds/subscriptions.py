"""The library's feed subscriptions, kept as one JSON file in the data folder.

A subscription remembers what a polite, duplicate-free update needs: the validators of the
last response (ETag / Last-Modified, sent back for a conditional GET) and the ids of the
entries already saved, so an entry that is still in the feed is not saved twice even after
its file was moved or deleted by the user.

Several commands (and the reader) may change the file at once: `feed update` runs for
minutes while `feed add` or `feed remove` come and go. So `save` is a read-modify-write
under a lock (`flock` on `<file>.lock`, dropped by the kernel when its holder dies): it
re-reads the file and applies only what this process changed since it loaded it (a feed
added or removed, the fields it set, the entry ids it saw), never the copy it read at start.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from tuireader.annotations.atomic import remove_dead_temps, write_atomically
from tuireader.ingest.clean import field as clean_field
from tuireader.ingest.saved_page import slugify

MAX_SEEN = 5000  # ids kept per feed (older ones have long left the feed)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")  # what `add` makes: a safe folder name


@dataclass
class Subscription:
    name: str  # the feed's folder under feeds/, and how commands name it
    source: str  # http(s) URL, or a local file's absolute path
    title: str = ""
    full_page: bool = False  # fetch the linked page when an entry is only a summary
    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = field(default_factory=list)
    last_error: str | None = None
    last_update: str | None = None

    @property
    def folder(self) -> str:
        return f"feeds/{self.name}"


_FIELDS = {f.name: f for f in fields(Subscription)}


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive `flock` on `path` (created if missing), waited for; released on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


class Subscriptions:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.feeds: list[Subscription] = []
        self.notes: list[str] = []  # entries of the file that could not be used
        self.reload()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def feed_lock(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Held while one feed is updated: a second update of it waits, then finds its
        entries seen and its validators sent (no double count, one request)."""
        return file_lock(self.path.with_name(f".{self.path.stem}.locks") / f"{name}.lock")

    def reload(self) -> None:
        """Read the file again (what others saved), dropping changes not saved here."""
        self.feeds = self._read()
        self._base = {f.name: copy.deepcopy(f) for f in self.feeds}

    def _read(self) -> list[Subscription]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ValueError(f"{self.path}: the feed list is damaged ({exc})") from exc
        except OSError as exc:
            raise ValueError(f"{self.path}: cannot be read ({exc.strerror or exc})") from exc
        raw = data.get("feeds") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            raise ValueError(f"{self.path}: the feed list is damaged (no list of feeds)")
        feeds: list[Subscription] = []
        names: set[str] = set()
        self.notes = []
        for number, item in enumerate(raw, start=1):
            feed = _subscription(item)
            if feed is None or feed.name in names:
                self.notes.append(f"feed {number} of {self.path.name} is not readable: left out")
                continue
            names.add(feed.name)
            feeds.append(feed)
        return feeds

    def save(self) -> None:
        """Merge this process's changes into the file as it is now, under the lock."""
        with file_lock(self.lock_path):
            merged = _merge(self._base, self.feeds, self._read())
            for feed in merged:
                feed.seen = feed.seen[-MAX_SEEN:]
            text = json.dumps({"feeds": [asdict(f) for f in merged]}, indent=1)
            write_atomically(self.path, text + "\n")
            remove_dead_temps(self.path.parent, recursive=False)  # of a save killed half-way
        self.feeds = merged
        self._base = {f.name: copy.deepcopy(f) for f in merged}

    def find(self, ref: str) -> Subscription | None:
        return next((f for f in self.feeds if ref in (f.name, f.source)), None)

    def add(self, source: str, title: str = "", *, full_page: bool = False) -> Subscription:
        return self.add_many([(source, title)], full_page=full_page)[0]

    def add_many(
        self, wanted: list[tuple[str, str]], *, full_page: bool = False
    ) -> list[Subscription]:
        """Subscribe to each (source, title); a source already there gives its feed. One
        pass over the list, so an OPML file of 20,000 outlines takes a moment, not minutes;
        the next free suffix of each name is remembered, so 20,000 feeds all titled 'News'
        (news, news-2, ...) are no slower."""
        by_source = {f.source: f for f in self.feeds}
        by_name = {f.name: f for f in self.feeds}
        next_suffix: dict[str, int] = {}
        out = []
        for source, raw_title in wanted:
            title = clean_field(raw_title)
            existing = by_source.get(source) or by_name.get(source)
            if existing is None:
                base = slugify(title or _source_words(source), fallback="feed")
                name, n = base, next_suffix.get(base, 2)
                if name in by_name:
                    name = f"{base}-{n}"
                    while name in by_name:
                        n += 1
                        name = f"{base}-{n}"
                    next_suffix[base] = n + 1
                existing = Subscription(name, source, title, full_page)
                self.feeds.append(existing)
                by_source[source] = by_name[name] = existing
            out.append(existing)
        return out

    def remove(self, ref: str) -> Subscription | None:
        feed = self.find(ref)
        if feed is not None:
            self.feeds.remove(feed)
        return feed


def _subscription(item: object) -> Subscription | None:
    """One entry of the file, its fields checked by type (unknown ones ignored)."""
    if not isinstance(item, dict):
        return None
    values: dict[str, Any] = {}
    for key, value in item.items():
        spec = _FIELDS.get(key)
        if spec is None:
            continue
        if key == "seen":
            values[key] = (
                [s for s in value if isinstance(s, str)] if isinstance(value, list) else []
            )
        elif key == "full_page":
            values[key] = value is True
        elif isinstance(value, str):
            values[key] = clean_field(value) if key in ("title", "last_error") else value
    name, source = values.get("name"), values.get("source")
    if not name or not source or not _NAME.fullmatch(name):
        return None
    return Subscription(**values)


def _merge(
    base: dict[str, Subscription], mine: list[Subscription], current: list[Subscription]
) -> list[Subscription]:
    """`current` (the file now) with what changed from `base` to `mine` applied: feeds added
    and removed here, each field set here, each entry id seen here; changes made elsewhere
    (and feeds removed elsewhere) stay as they are."""
    mine_names = {f.name for f in mine}
    result = [f for f in current if not (f.name in base and f.name not in mine_names)]
    by_name = {f.name: f for f in result}
    by_source = {f.source: f for f in result}
    for feed in mine:
        before = base.get(feed.name)
        if before is None:  # added here
            if (there := by_source.get(feed.source)) is not None:
                _apply(Subscription(there.name, there.source), feed, there)
                continue
            name, n = feed.name, 2
            while name in by_name:
                name, n = f"{feed.name}-{n}", n + 1
            added = copy.deepcopy(feed)
            added.name = name
            result.append(added)
            by_name[name] = by_source[feed.source] = added
        elif (there := by_name.get(feed.name)) is not None:
            _apply(before, feed, there)
        # else: removed elsewhere while this process had it: it stays removed
    return result


def _apply(before: Subscription, mine: Subscription, there: Subscription) -> None:
    for spec in fields(Subscription):
        if spec.name in ("name", "source", "seen"):
            continue
        value = getattr(mine, spec.name)
        if value != getattr(before, spec.name):
            setattr(there, spec.name, value)
    known = set(there.seen) | set(before.seen)
    there.seen += [s for s in mine.seen if s not in known]


def _source_words(source: str) -> str:
    """'https://www.river.example/news/feed.xml' -> 'river.example news feed'."""
    parts = urlsplit(source)
    if parts.scheme in ("http", "https"):
        host = (parts.hostname or "").removeprefix("www.")
        return f"{host} {PurePosixPath(parts.path).with_suffix('').as_posix()}"
    return Path(source).stem
