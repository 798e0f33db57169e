"""The library's feed subscriptions, kept as one JSON file in the data folder.

A subscription remembers what a polite, duplicate-free update needs: the validators of the
last response (ETag / Last-Modified, sent back for a conditional GET) and the ids of the
entries already saved, so an entry that is still in the feed is not saved twice even after
its file was moved or deleted by the user.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from tuireader.annotations.atomic import write_atomically
from tuireader.ingest.saved_page import slugify

MAX_SEEN = 5000  # ids kept per feed (older ones have long left the feed)


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


class Subscriptions:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.feeds: list[Subscription] = []
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except ValueError as exc:
            raise ValueError(f"{path}: the feed list is damaged ({exc})") from exc
        for item in data.get("feeds", []):
            self.feeds.append(Subscription(**item))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for feed in self.feeds:
            feed.seen = feed.seen[-MAX_SEEN:]
        text = json.dumps({"feeds": [asdict(f) for f in self.feeds]}, indent=1)
        write_atomically(self.path, text + "\n")

    def find(self, ref: str) -> Subscription | None:
        return next((f for f in self.feeds if ref in (f.name, f.source)), None)

    def add(self, source: str, title: str = "", *, full_page: bool = False) -> Subscription:
        if (existing := self.find(source)) is not None:
            return existing
        base = slugify(title or _source_words(source), fallback="feed")
        name, n = base, 2
        while any(f.name == name for f in self.feeds):
            name, n = f"{base}-{n}", n + 1
        feed = Subscription(name, source, title, full_page)
        self.feeds.append(feed)
        return feed

    def remove(self, ref: str) -> Subscription | None:
        feed = self.find(ref)
        if feed is not None:
            self.feeds.remove(feed)
        return feed


def _source_words(source: str) -> str:
    """'https://www.river.example/news/feed.xml' -> 'river.example news feed'."""
    parts = urlsplit(source)
    if parts.scheme in ("http", "https"):
        host = (parts.hostname or "").removeprefix("www.")
        return f"{host} {PurePosixPath(parts.path).with_suffix('').as_posix()}"
    return Path(source).stem
