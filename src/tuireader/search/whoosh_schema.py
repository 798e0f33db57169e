"""The full-text schema and its analysers (Whoosh), plus the same tokenisation for offsets.

Fields: `title` (stemmed, boosted), `body` (stemmed, with positions for phrases), `author` (folded words), `author_key`,
`tags`, `format`, `path`, `url` (exact keys for filters), `date` (DATETIME, for ranges), and the sort
columns `date_sort`, `title_key` and `author_sort` (not indexed). Only `id` is stored: metadata comes from the catalog and
snippets from the catalog's copy of the body, so the index holds nothing twice.

`body_tokens` tokenises a body exactly as the index did, keeping character offsets, so the
match offsets we report are the words the index matched.

Words and accents: a word is a letter or digit followed by letters, digits and combining
marks (Python's `\\w` has no marks, so x + U+0303 COMBINING TILDE, or the vowel signs of
Devanagari, split words into pieces), and `fold_word` removes accents whether they come
precomposed (é) or combining (e + U+0301), so NFC and NFD text give the same terms. Changing
either changes the terms in the index: bump `whoosh_store.INDEX_FORMAT` (and
`catalog.SCHEMA_VERSION`, for the vocabulary).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from whoosh import fields, formats
from whoosh.analysis import (
    Filter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter import stem as porter_stem

from tuireader.articles.model import Article
from tuireader.search.words import MARKS as MARKS  # re-exported for the schema's users
from tuireader.search.words import TOKEN_PATTERN, fold_word
from tuireader.search.words import TOKEN_RE as TOKEN_RE
from tuireader.search.words import WORD_TAIL as WORD_TAIL

TITLE_BOOST = 3.0
DEFAULT_FIELDS = ("title", "body")
NO_DATE = -(2**62)  # undated articles sort after dated ones (newest first)


class FoldFilter(Filter):
    """`fold_word` on every token: replaces LowercaseFilter + CharsetFilter(accent_map)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_word(t.text)
            yield t


_plain = RegexTokenizer(TOKEN_PATTERN) | FoldFilter()
_stemmed = _plain | StopFilter() | StemFilter(cachesize=100_000)


_STOP_WORDS = StopFilter().stops
_index_terms: dict[str, str | None] = {}  # folded word -> index term (None: not indexed)


def stem_folded(folded: str) -> str | None:
    """What `_stemmed`'s StopFilter and StemFilter make of an already folded word: None for
    a stop word or a single letter, else its Porter stem (cached: see `prime_index_terms`)."""
    term = _index_terms.get(folded, "")
    if term == "":
        if len(_index_terms) > 2_000_000:  # a bound, far above any library's vocabulary
            _index_terms.clear()
        term = None if len(folded) < 2 or folded in _STOP_WORDS else porter_stem(folded)
        _index_terms[folded] = term
    return term


def prime_index_terms(folded_words: Iterable[str]) -> None:
    """Stem a library's vocabulary once, before Whoosh's writer forks its workers: each
    batch's workers are new processes, and without this each re-stemmed every word it met
    (about 1 s of CPU per worker and batch at 2,000 articles)."""
    for word in folded_words:
        stem_folded(word)


@lru_cache(maxsize=300_000)
def index_term(token: str) -> str | None:
    """The index term of one token of a title or body (None: not indexed)."""
    return stem_folded(fold_word(token))


@lru_cache(maxsize=300_000)
def index_term_bytes(token: str) -> bytes | None:
    """`index_term` as the index stores it (UTF-8)."""
    term = index_term(token)
    return None if term is None else term.encode("utf-8")


_ONE_POSITION: dict[int, bytes] = {}  # position -> Positions.encode([position])


SENTENCE_GAP = 1000  # positions skipped at a sentence break: more than a phrase can span
# A sentence break: . ! or ? not followed by a word character (a dot inside a token, as in
# "U.S" or "3.5", is part of the token), or a blank line (paragraphs, headings).
SENTENCE_BREAK = re.compile(r"(?:[.!?]+(?!\w)|\n[^\S\n]*\n)+")


def token_positions(text: str) -> Iterator[tuple[str, int]]:
    """(token, position) of every token of text: each token one position, stop words and
    single letters included (so a phrase's words must be adjacent as written, "video and
    gaming" is not "video games"), and SENTENCE_GAP more at each sentence break (a phrase
    never runs from one sentence into the next)."""
    base = 0
    findall = TOKEN_RE.findall
    for sentence in SENTENCE_BREAK.split(text):
        words = findall(sentence)
        for i, word in enumerate(words):
            yield word, base + i
        base += len(words) + SENTENCE_GAP


class StemmedText(fields.TEXT):
    """A stemmed TEXT field that indexes a text without Whoosh's token stream.

    `index` gives the terms and frequencies `TEXT.index` gives with the `_stemmed` analyser
    (the same tokens, folded, stop words and one-letter words dropped, stemmed), with one
    cached `index_term` lookup per word instead of a Token object passed through four
    generator filters. Positions are `token_positions`' (the dropped words keep theirs and
    sentences are far apart), not StopFilter's renumbering: phrases are exact. Queries
    and highlighting use the analyser for terms. tests/test_search_build.py compares the
    two on many texts."""

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str) or type(self.format) is not formats.Positions:
            return super().index(value, **kwargs)
        # The loop of `token_positions` inlined, a sentence's words mapped to their terms
        # at C speed (map over the cached lookup), positions grouped by a defaultdict.
        term_of = index_term_bytes
        poses: defaultdict[bytes | None, list[int]] = defaultdict(list)
        findall = TOKEN_RE.findall
        base = 0
        for sentence in SENTENCE_BREAK.split(value):
            words = findall(sentence)
            for pos, term in enumerate(map(term_of, words), base):
                poses[term].append(pos)
            base += len(words) + SENTENCE_GAP
        poses.pop(None, None)  # stop words and single letters
        boost = self.format.field_boost
        encode = self.format.encode
        once = _ONE_POSITION  # most words of a text occur once: their encodings are cached
        weights = _weights(boost)
        out = []
        for term, found in poses.items():
            count = len(found)
            if count == 1:
                value = once.get(found[0])
                if value is None:
                    if len(once) > 100_000:
                        once.clear()
                    value = once[found[0]] = encode(found)
            else:
                value = encode(found)
            weight = weights.get(count)
            if weight is None:
                weight = weights[count] = count * boost
            out.append((term, count, weight, value))
        return out


_WEIGHTS: dict[float, dict[int, float]] = {}


def _weights(boost: float) -> dict[int, float]:
    """count -> count * boost, shared: one float object per weight, not per posting."""
    found = _WEIGHTS.get(boost)
    if found is None:
        found = _WEIGHTS[boost] = {}
    return found


class SortID(fields.ID):
    """A string kept only as a sort column: never searched, so it adds no terms (each
    unique value was a term in every segment's dictionary)."""

    indexed = False


class SortNumber(fields.NUMERIC):
    """A number kept only as a sort column: never searched, so it adds no terms (a 64-bit
    NUMERIC indexes 16 per document: 14 % of all the terms of a build)."""

    indexed = False


def parser_schema() -> fields.Schema:
    """The index schema plus `words`: the parser's name for unstemmed fuzzy terms, which
    `spelling` expands from the catalog's vocabulary (no such field is indexed)."""
    schema = make_schema()
    schema.add("words", fields.TEXT(analyzer=_plain, phrase=False))
    return schema


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=StemmedText(analyzer=_stemmed, field_boost=TITLE_BOOST),
        body=StemmedText(analyzer=_stemmed),
        author=fields.TEXT(analyzer=_plain, phrase=True),
        author_key=fields.ID,
        tags=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        format=fields.ID,
        path=fields.ID,
        url=fields.ID,
        date=fields.DATETIME,
        date_sort=SortNumber(int, bits=64, signed=True, sortable=True),
        title_key=SortID(sortable=True),
        author_sort=SortID(sortable=True),
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
