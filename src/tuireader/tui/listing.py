"""What the list pane shows: catalog entries or search hits, with marks, sorted and filtered.

Pure functions (no Textual state) so they are cheap to test and run on the core thread.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tuireader.library.mark_filters import feed_counts, feed_folder
from tuireader.storage.saved_searches import filter_labels
from tuireader.text.inert import clean_line
from tuireader.tui.widgets.article_list import ListRow

SORTS = ("date", "title", "author", "relevance")


@dataclass(frozen=True)
class ListFilters:
    """The filters of the list pane; they combine with the search query."""

    author: str | None = None
    tag: str | None = None
    bookmarked: bool = False
    unread: bool = False
    feed: str | None = None  # the name of a feed: its folder feeds/<name>/

    @property
    def active(self) -> bool:
        return bool(self.author or self.tag or self.bookmarked or self.unread or self.feed)

    def feed_folder(self) -> str | None:
        return feed_folder(self.feed)

    def describe(self) -> str:
        return ", ".join(
            filter_labels(
                author=self.author,
                tag=self.tag,
                feed=self.feed,
                bookmarked=self.bookmarked,
                unread=self.unread,
            )
        )


def feed_choices(
    entries: Iterable[Any], marks: Mapping[str, Any], titles: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(label, feed name) for the feed filter: the feed's title (its name too when two
    feeds share a title) and its unread count, for every feed the library holds."""
    counts = feed_counts(entries, marks)
    shown = {name: clean_line(titles.get(name) or name) for name in counts}
    shared = {t for t, n in Counter(shown.values()).items() if n > 1}
    out = []
    for name in sorted(counts, key=lambda n: (shown[n].casefold(), n)):
        title = shown[name] if shown[name] not in shared else f"{shown[name]} ({name})"
        unread = counts[name].unread
        out.append((f"{title} · {unread:,} unread" if unread else f"{title} · all read", name))
    return out


class RowMaker:
    """Builds list rows from entries, marks and hits. Cleaning and formatting 100,000
    titles takes about a second, and the list is rebuilt on every search, sort and filter,
    so each entry's display fields are remembered (until a reload brings a new entry)."""

    def __init__(self) -> None:
        self._display: dict[str, tuple[Any, tuple[str, str, str]]] = {}

    def row(self, entry: Any, marks: Mapping[str, Any], hits: Mapping[str, Any]) -> ListRow:
        cached = self._display.get(entry.id)
        if cached is None or cached[0] is not entry:
            shown = (
                clean_line(entry.title) or "(untitled)",
                clean_line(entry.author or getattr(entry, "site", None)),
                format_date(entry.date),
            )
            self._display[entry.id] = cached = (entry, shown)
        title, author, date = cached[1]
        mark = marks.get(entry.id)
        hit = hits.get(entry.id)
        matches = getattr(hit, "matches", None) if hit is not None else None
        copies = len(getattr(hit, "copies", ())) if hit is not None else 0
        if copies:  # the same story from other sources, listed once
            extra = f"+{copies} cop" + ("ies" if copies > 1 else "y")
        elif matches:
            extra = f"{len(matches)} hit" + ("s" if len(matches) > 1 else "")
        else:
            extra = ""
        return ListRow(
            id=entry.id,
            title=title,
            author=author,
            date=date,
            bookmarked=bool(mark and mark.bookmarked),
            highlighted=bool(mark and mark.highlighted),
            unread=not (mark and mark.read),
            extra=extra,
        )

    def rows(
        self, entries: Sequence[Any], marks: Mapping[str, Any], hits: Mapping[str, Any]
    ) -> list[ListRow]:
        with _no_gc():
            return [self.row(e, marks, hits) for e in entries]


@contextmanager
def _no_gc() -> Iterator[None]:
    """Allocating 100,000 rows triggers repeated full garbage collections (half the time of
    building them); the rows form no reference cycles, so collection can wait."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def browse(
    entries: Iterable[Any], filters: ListFilters, marks: Mapping[str, Any], sort: str
) -> list[Any]:
    """The list without a query: the catalog, filtered and sorted."""
    return sort_entries(restrict(entries, filters, marks), sort)


def sort_entries(entries: Iterable[Any], sort: str) -> list[Any]:
    """The catalog's own order (see search.catalog), so the first page it serves before the
    whole list is loaded does not reshuffle when the rest arrives."""
    if sort == "title":
        return sorted(entries, key=lambda e: ((e.title or "").casefold(), -_stamp(e)))
    if sort == "author":
        return sorted(
            entries,
            key=lambda e: (e.author is None, (e.author or "").casefold(), e.title.casefold()),
        )
    if sort == "date":
        return sorted(
            entries, key=lambda e: (e.date is None, -_stamp(e), (e.title or "").casefold())
        )
    return list(entries)  # relevance: as the search engine ranked them


def _stamp(entry: Any) -> float:
    return entry.date.timestamp() if entry.date else 0.0


def restrict(entries: Iterable[Any], filters: ListFilters, marks: Mapping[str, Any]) -> list[Any]:
    """Apply the filters that live in the annotation store (bookmarked, unread)."""
    result = []
    for entry in entries:
        mark = marks.get(entry.id)
        if filters.bookmarked and not (mark and mark.bookmarked):
            continue
        if filters.unread and mark and mark.read:
            continue
        folder = filters.feed_folder()
        if folder and not entry.path.startswith(folder):
            continue
        if filters.author and clean_line(entry.author).casefold() != filters.author.casefold():
            continue
        if filters.tag and filters.tag.casefold() not in {
            clean_line(t).casefold() for t in getattr(entry, "tags", ())
        }:
            continue
        result.append(entry)
    return result


def format_date(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def next_sort(current: str, searching: bool) -> str:
    order = SORTS if searching else SORTS[:-1]
    index = order.index(current) if current in order else -1
    return order[(index + 1) % len(order)]


def with_score(entry: Any, hit: Any) -> Any:
    return replace(entry, score=hit.score) if hasattr(entry, "score") else entry
