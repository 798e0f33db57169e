"""The full-text schema and its analysers (Whoosh), plus the same tokenisation for offsets.

Fields: `title` (stemmed, boosted), `body` (stemmed, with positions for phrases), `author` (folded words), `author_key`,
`tags`, `format`, `path`, `url` (exact keys for filters), `date` (DATETIME, for ranges), `date_sort` and the
sortable `title_key` / `author_sort`. Only `id` is stored: metadata comes from the catalog and
snippets from the catalog's copy of the body, so the index holds nothing twice.

`body_tokens` tokenises a body exactly as the index did, keeping character offsets, so the
match offsets we report are the words the index matched.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from whoosh import fields
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from tuireader.articles.model import Article

TOKEN_PATTERN = r"\w+(?:\.?\w+)*"
TITLE_BOOST = 3.0
DEFAULT_FIELDS = ("title", "body")
NO_DATE = -(2**62)  # undated articles sort after dated ones (newest first)

_plain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
_stemmed = _plain | StopFilter() | StemFilter(cachesize=100_000)
TOKEN_RE = RegexTokenizer(TOKEN_PATTERN).expression


def parser_schema() -> fields.Schema:
    """The index schema plus `words`: the parser's name for unstemmed fuzzy terms, which
    `spelling` expands from the catalog's vocabulary (no such field is indexed)."""
    schema = make_schema()
    schema.add("words", fields.TEXT(analyzer=_plain, phrase=False))
    return schema


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=_stemmed, field_boost=TITLE_BOOST),
        body=fields.TEXT(analyzer=_stemmed),
        author=fields.TEXT(analyzer=_plain, phrase=True),
        author_key=fields.ID,
        tags=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        format=fields.ID,
        path=fields.ID,
        url=fields.ID,
        date=fields.DATETIME,
        date_sort=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
        title_key=fields.ID(sortable=True),
        author_sort=fields.ID(sortable=True),
    )


def naive_utc(value: datetime) -> datetime:
    """Whoosh's DATETIME wants naive datetimes: use UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def document(article: Article) -> dict[str, Any]:
    """The index document of an article."""
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "format": article.format,
        "path": article.path.encode("utf-8", "replace").decode("utf-8"),
        "title_key": article.title.casefold()[:200] or "\uffff",
        "author_sort": article.author.casefold()[:200] if article.author else "\uffff",
    }
    if article.author:
        doc["author"] = article.author
        doc["author_key"] = article.author.casefold()
    if article.tags:
        doc["tags"] = ",".join(t.replace(",", " ") for t in article.tags)
    if article.url:
        doc["url"] = article.url
    if article.date:
        doc["date"] = naive_utc(article.date)
    doc["date_sort"] = int(article.date.timestamp()) if article.date else NO_DATE
    return doc


def fold_word(token: str) -> str:
    """One token as the plain analyser leaves it (lower case, accents folded): C speed."""
    return token.lower().translate(accent_map)


@lru_cache(maxsize=200_000)
def normal_forms(word: str) -> tuple[str, str | None]:
    """(folded, stemmed) forms of one token; stemmed is None for a stop word."""
    stemmed = [t.text for t in _stemmed(word)]
    return fold_word(word), (stemmed[0] if stemmed else None)


def fold(text: str) -> str:
    """A query word as the unstemmed field stores it."""
    return " ".join(t.text for t in _plain(text))


def body_tokens(text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, end, folded, stemmed) for every token of text, in order."""
    forms = normal_forms
    out = []
    for m in TOKEN_RE.finditer(text):
        folded, stemmed = forms(m.group())
        out.append((m.start(), m.end(), folded, stemmed))
    return out
