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
import unicodedata
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
from whoosh.support.charset import accent_map

from tuireader.articles.model import Article

# Every combining mark (categories Mn, Mc, Me) of Unicode 14, as hex code point spans; the
# spans also cover letters and unassigned code points between marks (harmless next to \w).
# tests/test_search_unicode.py checks them against the running Python's unicodedata.
_MARK_SPANS = (
    "300-36F 483-489 591-5BD 5BF 5C1-5C2 5C4-5C5 5C7 610-61A 64B-65F 670 6D6-6DC 6DF-6E8 "
    "6EA-6ED 711-7F3 7FD 816-82D 859-85B 898-8E1 8E3-963 981-9E3 9FE-A75 A81-AE3 AFA-B63 "
    "B82-BD7 C00-C63 C81-C83 CBC-D4D D57-D63 D81-DF3 E31-E3A E47-E4E EB1-ECD F18-F19 F35 F37 "
    "F39 F3E-F84 F86-FBC FC6 102B-103E 1056-109D 135D-135F 1712-1734 1752-17D3 17DD 180B-180D "
    "180F-193B 1A17-1A1B 1A55-1A7F 1AB0-1B44 1B6B-1B73 1B80-1BF3 1C24-1C37 1CD0-1CD2 1CD4-1DFF "
    "20D0-20F0 2CEF-2CF1 2D7F-2DFF 302A-302F 3099-309A A66F-A672 A674-A67D A69E-A6F1 A802-A827 "
    "A82C A880-A8C5 A8E0-A8F1 A8FF-A92D A947-A953 A980-A9C0 A9E5-AA4D AA7B-AAC1 AAEB-AAEF "
    "AAF5-AAF6 ABE3-ABEA ABEC-ABED FB1E FE00-FE0F FE20-FE2F 101FD-1037A 10A01-10A3F 10AE5-10AE6 "
    "10D24-10EAC 10F46-10F50 10F82-10F85 11000-11046 11070-110BA 110C2 11100-11134 11145-11173 "
    "11180-111C0 111C9-111CC 111CE-111CF 1122C-11237 1123E 112DF-11446 1145E-114C3 115AF-115C0 "
    "115DC-11640 116AB-116B7 1171D-1172B 1182C-1183A 11930-11943 119D1-119E0 119E4-11A3E "
    "11A47-11A99 11C2F-11C3F 11C92-11EF6 16AF0-16AF4 16B30-16B36 16F4F-16F92 16FE4-16FF1 "
    "1BC9D-1BC9E 1CF00-1CF46 1D165-1D169 1D16D-1D172 1D17B-1D182 1D185-1D18B 1D1AA-1D1AD "
    "1D242-1D244 1DA00-1DA36 1DA3B-1DA6C 1DA75 1DA84 1DA9B-1E136 1E2AE-1E2EF 1E8D0-1E94A "
    "E0100-E01EF"
)


def _char_class(spans: str) -> str:
    """Hex spans ("300-36F 483") as the body of a regex character class."""
    out = []
    for span in spans.split():
        first, _, last = span.partition("-")
        out.append(f"\\U{int(first, 16):08x}")
        if last:
            out.append(f"-\\U{int(last, 16):08x}")
    return "".join(out)


MARKS = _char_class(_MARK_SPANS)  # inside [...]: a combining mark
WORD_TAIL = rf"[\w{MARKS}]"  # what may follow the first letter of a word
TOKEN_PATTERN = rf"\w{WORD_TAIL}*(?:\.\w{WORD_TAIL}*)*"
# The accents folded away: the generic combining diacritics used on Latin, Greek and Cyrillic
# letters. Script-specific marks (Devanagari vowel signs, Hebrew points, kana voicing marks)
# change the letter or word, so they stay part of it.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

TITLE_BOOST = 3.0
DEFAULT_FIELDS = ("title", "body")
NO_DATE = -(2**62)  # undated articles sort after dated ones (newest first)


def fold_word(token: str) -> str:
    """One token as the plain analyser leaves it: lower case, accents removed (precomposed
    or combining, so NFC and NFD spellings agree), then Whoosh's `accent_map` for letters
    that do not decompose (ø, ß, æ, ł...). ASCII tokens take the C-speed `lower` only."""
    token = token.lower()
    if token.isascii():
        return token  # accent_map leaves lower-case ASCII as it is
    bare = _ACCENTS.sub("", unicodedata.normalize("NFD", token))
    # before accent_map, whose entries for some combining marks are letters (U+0303 -> "p")
    return unicodedata.normalize("NFC", bare).translate(accent_map)


class FoldFilter(Filter):
    """`fold_word` on every token: replaces LowercaseFilter + CharsetFilter(accent_map)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_word(t.text)
            yield t


_plain = RegexTokenizer(TOKEN_PATTERN) | FoldFilter()
_stemmed = _plain | StopFilter() | StemFilter(cachesize=100_000)
TOKEN_RE = RegexTokenizer(TOKEN_PATTERN).expression


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
        term_of = index_term
        poses: dict[str, list[int]] = {}
        for word, pos in token_positions(value):
            stemmed = term_of(word)
            if stemmed is None:  # a stop word or a single letter
                continue
            found = poses.get(stemmed)
            if found is None:
                poses[stemmed] = [pos]
            else:
                found.append(pos)
        boost = self.format.field_boost
        encode = self.format.encode
        once = _ONE_POSITION  # most words of a text occur once: their encodings are cached
        out = []
        for word, found in poses.items():
            if len(found) == 1:
                value = once.get(found[0])
                if value is None:
                    if len(once) > 100_000:
                        once.clear()
                    value = once[found[0]] = encode(found)
            else:
                value = encode(found)
            out.append((word.encode("utf-8"), len(found), len(found) * boost, value))
        return out


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
