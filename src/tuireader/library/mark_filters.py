"""The list's mark and folder filters (bookmarked, unread, one feed) as a set of article
ids: the search layer takes ids, the marks live in the annotation store. One function for
the reader's filters and a saved search run from the command line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple, Protocol

FEEDS_FOLDER = "feeds"  # a feed's articles are saved in feeds/<name>/ of the library


def feed_folder(name: str | None) -> str | None:
    return f"{FEEDS_FOLDER}/{name}/" if name else None


class Marks(Protocol):
    @property
    def bookmarked(self) -> bool: ...
    @property
    def read(self) -> bool: ...


class Located(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...


def mark_filter_ids(
    entries: Iterable[Located],
    marks: Mapping[str, Marks],
    *,
    bookmarked: bool = False,
    unread: bool = False,
    folder: str | None = None,
) -> frozenset[str] | None:
    """The ids the filters admit (None when no such filter is on: every article)."""
    if not (bookmarked or unread or folder):
        return None
    ids = {e.id for e in entries if not folder or e.path.startswith(folder)}
    if bookmarked:
        ids &= {i for i, m in marks.items() if m.bookmarked}
    if unread:
        ids -= {i for i, m in marks.items() if m.read}
    return frozenset(ids)


def feed_counts(entries: Iterable[Located], marks: Mapping[str, Marks]) -> dict[str, FeedCount]:
    """Each feed's articles and how many are unread, by the folder they are saved in
    (feeds/<name>/...): for `feed list` and the reader's feed filter."""
    counts: dict[str, FeedCount] = {}
    prefix = f"{FEEDS_FOLDER}/"
    for entry in entries:
        path = entry.path
        if not path.startswith(prefix) or path.count("/") < 2:
            continue
        name = path.split("/", 2)[1]
        total, unread = counts.get(name, FeedCount())
        mark = marks.get(entry.id)
        counts[name] = FeedCount(total + 1, unread + (0 if mark and mark.read else 1))
    return counts


class FeedCount(NamedTuple):
    articles: int = 0
    unread: int = 0
