"""What the list pane shows: catalog entries or search hits, with marks, sorted and filtered.

Pure functions (no Textual state) so they are cheap to test and run on the core thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from tuireader.textsafe import clean_line

SORTS = ("date", "title", "author", "relevance")


class Entry(Protocol):
    id: str
    title: str
    author: str | None
    date: datetime | None


@dataclass(frozen=True)
class ListFilters:
    """The filters of the list pane; they combine with the search query."""

    author: str | None = None
    tag: str | None = None
    bookmarked: bool = False
    unread: bool = False

    @property
    def active(self) -> bool:
        return bool(self.author or self.tag or self.bookmarked or self.unread)

    def describe(self) -> str:
        parts = []
        if self.author:
            parts.append(f"author: {self.author}")
        if self.tag:
            parts.append(f"tag: {self.tag}")
        if self.bookmarked:
            parts.append("bookmarked")
        if self.unread:
            parts.append("unread")
        return ", ".join(parts)


@dataclass
class Listing:
    """Rows ready for the list pane plus what the status line says about them."""

    entries: list[Any]
    total: int
    hits: Mapping[str, Any] = field(default_factory=dict)  # id -> Hit (when searching)
    suggestion: str | None = None
    error: str | None = None


def sort_entries(entries: Sequence[Any], sort: str) -> list[Any]:
    if sort == "title":
        return sorted(entries, key=lambda e: (e.title or "").casefold())
    if sort == "author":
        return sorted(
            entries, key=lambda e: ((e.author or "\uffff").casefold(), e.title.casefold())
        )
    if sort == "date":
        return sorted(
            entries, key=lambda e: e.date.timestamp() if e.date else float("-inf"), reverse=True
        )
    return list(entries)  # relevance: as the search engine ranked them


def restrict(entries: Iterable[Any], filters: ListFilters, marks: Mapping[str, Any]) -> list[Any]:
    """Apply the filters that live in the annotation store (bookmarked, unread)."""
    result = []
    for entry in entries:
        mark = marks.get(entry.id)
        if filters.bookmarked and not (mark and mark.bookmarked):
            continue
        if filters.unread and mark and mark.read:
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
