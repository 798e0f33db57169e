"""The Article record every other part of tuireader consumes.

Parsers produce `ParsedFields` (what a file says about itself); `build_article` adds the
identity fields (id, path, fingerprint, word count) so every parser gets them the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

FORMATS = ("text", "markdown", "html", "epub")

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


class Heading(NamedTuple):
    """One entry of an article's outline (its table of contents): a heading's level (1 for
    a book's chapters and a note's `#`), its text, and where it starts in the body."""

    level: int
    title: str
    offset: int


class ImageMark(NamedTuple):
    """An image of the article: it stands before the block starting at body `offset`
    (len(body): after the last); `src` is a path relative to the article's file, or None
    when there is no local copy (only the alt text can be shown)."""

    offset: int
    alt: str
    src: str | None


@dataclass(frozen=True)
class ParsedFields:
    """What a parser extracted from one file's bytes (identity fields come later)."""

    title: str
    body: str
    author: str | None = None
    date: datetime | None = None
    tags: tuple[str, ...] = ()
    url: str | None = None
    summary: str = ""
    site: str | None = None
    source: str | None = None  # Markdown source, kept so the reader can render it
    headings: tuple[Heading, ...] = ()  # the outline, in body order
    images: tuple[ImageMark, ...] = ()  # in body order


class ArticleView(Protocol):
    """What annotation code reads of an article: an `Article`, or the search catalog's copy
    that fetches its body only when asked (library/annotation_sync.py)."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def body(self) -> str: ...


@dataclass(frozen=True)
class Article:
    """One article of the library: metadata plus its clean reading text."""

    id: str
    path: str  # POSIX path relative to the library root
    format: str
    title: str
    author: str | None
    date: datetime | None
    tags: tuple[str, ...]
    url: str | None
    summary: str
    body: str
    words: int
    fingerprint: str
    site: str | None = None
    source: str | None = field(default=None, repr=False)
    # The outline (Markdown, HTML and EPUB; none for plain text); not kept in the catalog,
    # so an article rebuilt from it has none: parse the file for the outline.
    headings: tuple[Heading, ...] = field(default=(), repr=False)
    # The images between its paragraphs (saved web pages); like headings, parsed files only.
    images: tuple[ImageMark, ...] = field(default=(), repr=False)

    def to_dict(self, *, with_body: bool = False) -> dict[str, Any]:
        """A JSON-ready mapping (dates as ISO 8601)."""
        data: dict[str, Any] = {
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
        if with_body:
            data["body"] = self.body
            data["source"] = self.source
            data["headings"] = [h._asdict() for h in self.headings]
        return data


def article_id(relpath: str) -> str:
    """A short id that is stable for a path (10 hex digits of its SHA-1)."""
    import hashlib  # here: OpenSSL's loading is 8 ms of every command's start

    return hashlib.sha1(relpath.encode("utf-8", "surrogateescape")).hexdigest()[:10]


def normalise_for_fingerprint(body: str) -> str:
    """Body text reduced to what survives re-saving: NFC, case-folded, single spaces."""
    return _WS.sub(" ", unicodedata.normalize("NFC", body)).strip().casefold()


def fingerprint(body: str) -> str:
    """Hash of the normalised body, so annotations can follow a file that moved."""
    data = normalise_for_fingerprint(body).encode("utf-8", "surrogateescape")
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def make_summary(body: str, limit: int = 240) -> str:
    """First paragraph, shortened at a word boundary."""
    first = body.lstrip()[: limit * 16].split("\n\n", 1)[0]  # no need to read a 15 MB line
    first = _WS.sub(" ", first).strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _nfc(text: str | None) -> str:
    """Metadata in one Unicode form, as bodies are: an author typed precomposed in one file
    and decomposed in another is one author for filters and sorting."""
    return unicodedata.normalize("NFC", text) if text else ""


def build_article(relpath: str, fmt: str, fields: ParsedFields) -> Article:
    """Combine a parser's fields with the identity every article needs."""
    return Article(
        id=article_id(relpath),
        path=relpath,
        format=fmt,
        title=_nfc(fields.title),
        author=_nfc(fields.author) or None,
        date=fields.date,
        tags=tuple(dict.fromkeys(_nfc(t) for t in fields.tags if t)),
        url=fields.url or None,
        summary=fields.summary or make_summary(fields.body),
        body=fields.body,
        words=count_words(fields.body),
        fingerprint=fingerprint(fields.body),
        site=fields.site or None,
        source=fields.source,
        headings=fields.headings,
        images=fields.images,
    )
