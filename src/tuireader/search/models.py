"""The records the search layer hands to its callers (CLI, TUI, annotations).

Plain frozen dataclasses with no Whoosh or SQLite types in them, so callers never depend on
the engine behind `SearchService`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One catalogued article without its body: what the list pane needs."""

    id: str
    path: str
    format: str
    title: str
    author: str | None
    date: datetime | None
    tags: tuple[str, ...]
    url: str | None
    words: int
    fingerprint: str
    summary: str
    size: int
    mtime_ns: int
    site: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "format": self.format,
            "title": self.title,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "tags": list(self.tags),
            "url": self.url,
            "site": self.site,
            "summary": self.summary,
            "words": self.words,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Filters:
    """Restrictions that combine with a query (all given ones must hold)."""

    author: str | None = None  # exact author, case-insensitive
    tag: str | None = None  # one of the article's tags, case-insensitive
    format: str | None = None  # text | markdown | html
    ids: frozenset[str] | None = None  # only these article ids (bookmarked, unread, ...)

    def __post_init__(self) -> None:  # compared with NFC metadata (see build_article)
        for name in ("author", "tag"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, unicodedata.normalize("NFC", value))

    @property
    def active(self) -> bool:
        return bool(self.author or self.tag or self.format) or self.ids is not None


@dataclass(frozen=True)
class Hit:
    """One search result: metadata, a marked snippet and every match offset in the body."""

    id: str
    path: str
    title: str
    author: str | None
    date: datetime | None
    score: float
    snippet: str
    snippet_matches: list[Span] = field(default_factory=list)
    matches: list[Span] = field(default_factory=list)
    copies: tuple[str, ...] = ()  # ids of its near-duplicates folded into this result

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "snippet_matches": [list(m) for m in self.snippet_matches],
            "matches": [list(m) for m in self.matches],
        }
        if self.copies:
            data["copies"] = list(self.copies)
        return data


@dataclass(frozen=True)
class SearchResults:
    """The answer to one query; `error` explains an unusable query (never an exception)."""

    query: str
    total: int
    hits: list[Hit]
    suggestion: str | None = None
    error: str | None = None
    partial: bool = False  # the full-text index is still catching up with the catalog
    # `total` was scaled from part of a big index (counting every match of a common word
    # costs more than the search): show it as "about N"
    total_is_estimate: bool = False
    # the query was fine but there is no usable index yet (being built, or being rebuilt)
    unavailable: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "suggestion": self.suggestion,
        }
        if self.error:
            data["error"] = self.error
        if self.partial:
            data["partial"] = True
        if self.total_is_estimate:
            data["total_is_estimate"] = True
        if self.unavailable:
            data["unavailable"] = True
        return data


@dataclass(frozen=True)
class IndexProgress:
    """A progress report of `refresh`: phase is "scan", "parse", "index" or "duplicates"."""

    phase: str
    done: int
    total: int

    def to_dict(self) -> dict[str, Any]:
        return {"phase": self.phase, "done": self.done, "total": self.total}


@dataclass
class RefreshSummary:
    """What one `refresh` changed. `moved` pairs (old_id, new_id) let annotations follow."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    moved: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    indexed: int = 0  # documents written to the full-text index
    rebuilt: bool = False  # the index was (re)built from scratch (asked, or after damage)
    busy: bool = False  # another process holds the writer lock; nothing was done
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.moved or self.indexed)

    def line(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"moved {len(self.moved)}, skipped {len(self.skipped)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "moved": [list(pair) for pair in self.moved],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "indexed": self.indexed,
            "rebuilt": self.rebuilt,
            "busy": self.busy,
            "seconds": round(self.seconds, 3),
        }
