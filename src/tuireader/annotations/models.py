"""The records the annotation store hands out: plain frozen dataclasses, no SQL.

Every annotation carries a snapshot of its article (title, path, url...) so it can still be
shown and exported after the file is gone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

COLORS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple")

_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: no i, l, o, u


class AnnotationError(Exception):
    """Base class of the store's errors; the message is one line fit for a user."""


class AnnotationNotFound(AnnotationError, LookupError):
    """No bookmark or highlight has this id (in this library)."""


class QuoteNotFound(AnnotationError):
    """The quoted text does not occur in the article."""


class AmbiguousQuote(AnnotationError):
    """The quoted text occurs more than once; `count` says how often."""

    def __init__(self, message: str, count: int) -> None:
        super().__init__(message)
        self.count = count


class BadImport(AnnotationError):
    """An import file is malformed or not a tuireader annotations export."""


def new_id(prefix: str) -> str:
    """A short random id such as `hl-3k9x7qaw` (8 base32 chars: 2^40 values)."""
    return prefix + "-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class ArticleRef:
    """What the store remembers of an article: enough to show and export its annotations."""

    article_id: str
    path: str
    title: str
    author: str | None = None
    date: str | None = None  # ISO 8601, as the article gave it
    url: str | None = None
    tags: tuple[str, ...] = ()
    fingerprint: str | None = None
    length: int = 0  # characters in the body, for "Location: 12%"
    missing: bool = False  # the file was not found at the last reconcile


@dataclass(frozen=True)
class Bookmark:
    """A whole-article bookmark (`offset is None`) or one at a character offset."""

    id: str
    article_id: str
    offset: int | None
    quote: str | None  # the text at the offset (None for a whole-article bookmark)
    prefix: str
    suffix: str
    note: str | None
    tags: tuple[str, ...]
    created: datetime
    updated: datetime
    orphaned: bool = False
    article: ArticleRef | None = field(default=None, compare=False)

    @property
    def title(self) -> str:
        return self.article.title if self.article else ""

    @property
    def position(self) -> int:
        """Sort key in reading order: whole-article bookmarks first."""
        return -1 if self.offset is None else self.offset


@dataclass(frozen=True)
class Highlight:
    """A passage: offsets plus the exact quote and its context, so it can be re-anchored."""

    id: str
    article_id: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    color: str
    note: str | None
    tags: tuple[str, ...]
    created: datetime
    updated: datetime
    orphaned: bool = False
    article: ArticleRef | None = field(default=None, compare=False)

    @property
    def title(self) -> str:
        return self.article.title if self.article else ""

    @property
    def position(self) -> int:
        return self.start


@dataclass(frozen=True)
class ReadingState:
    article_id: str
    position: int
    percent: float
    read: bool
    last_opened: datetime | None
    updated: datetime


@dataclass(frozen=True)
class ArticleMarks:
    """What the list pane shows next to an article."""

    bookmarked: bool = False
    highlighted: bool = False
    read: bool = False
    percent: float = 0.0


@dataclass(frozen=True)
class ArticleAnnotations:
    """One article's snapshot with everything recorded about it (what exporters consume)."""

    article: ArticleRef
    bookmarks: tuple[Bookmark, ...]
    highlights: tuple[Highlight, ...]
    reading_state: ReadingState | None = None


@dataclass
class ReconcileReport:
    """What `AnnotationStore.reconcile` did (ids are article ids)."""

    moved: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    reanchored: int = 0  # annotations whose offsets changed
    orphaned: int = 0  # annotations newly flagged orphaned
    restored: int = 0  # orphaned annotations found again
    missing: list[str] = field(default_factory=list)  # articles whose file is gone

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.reanchored or self.orphaned or self.restored or self.missing)


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    articles: int = 0

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged "
            f"({self.articles} articles)"
        )
