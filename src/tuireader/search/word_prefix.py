"""Prefixes over the library's words, not over stems, and the word being typed.

Whoosh's `Prefix` expands over the indexed terms, which are stems: `governm*` found only the
stems that start with "governm" ("governmental" -> "government"), not "government" itself
(stem "govern"). Here a prefix is expanded over the catalog's vocabulary of unstemmed words
(`Catalog.prefix_words`), and each word found is searched by its stem, as the index holds it.

While a query is being typed its last word is usually half a word: `live` lets it also match
as such a prefix, weighted below the word itself, so "sedi" lists the sediment articles and a
whole-word match ranks above a match of a longer word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh import query
from whoosh.query.terms import PatternQuery

from tuireader.search.whoosh_schema import DEFAULT_FIELDS, fold_word, normal_forms

PrefixWords = Callable[[str, int], list[str]]  # (folded prefix, at most) -> words, frequent first

EXPLICIT_WORDS = 500  # `word*`: the most frequent words with that prefix
LIVE_WORDS = 40  # the word being typed: fewer, so every keystroke stays quick
LIVE_MIN_CHARS = 2
LIVE_WEIGHT = 0.25  # a prefix-only match counts a quarter of a whole-word match
_TEXT_FIELDS = frozenset(DEFAULT_FIELDS)
# the word at the end of a query being typed: letters (and inner ' or -), after the start,
# a space or "(" (not a field value, not a negated word, not inside a phrase)
_TYPED = re.compile(r"(?:^|(?<=[\s(]))([^\W\d_](?:[\w'’-]*\w)?)$")
_OPERATORS = {"AND", "OR", "NOT", "TO"}


class WordPrefix(PatternQuery):
    """`text*` on one field, as the stems of the known words starting with `text`."""

    def __init__(
        self, fieldname: str, text: str, stems: tuple[str, ...], boost: float = 1.0
    ) -> None:
        super().__init__(fieldname, text, boost=boost, constantscore=False)
        self.stems = stems

    def _btexts(self, ixreader):
        field = ixreader.schema[self.fieldname]
        return [field.to_bytes(stem) for stem in self.stems]

    def matcher(self, searcher, context=None):
        """Whoosh's MultiTerm drops the boost when the expansion is one term: kept here."""
        terms = [query.Term(self.fieldname, s) for s in self.stems]
        if not terms:
            return query.NullQuery.matcher(searcher, context)
        if len(terms) == 1:
            return terms[0].with_boost(self.boost).matcher(searcher, context)
        return query.Or(terms, boost=self.boost).matcher(searcher, context)

    def __eq__(self, other: object) -> bool:
        return PatternQuery.__eq__(self, other) and self.stems == getattr(other, "stems", None)

    def __hash__(self) -> int:
        return PatternQuery.__hash__(self) ^ hash(self.stems)

    def __repr__(self) -> str:  # the array path caches expansions by repr
        return f"WordPrefix({self.fieldname!r}, {self.text!r}, {self.stems!r}, {self.boost})"


def stems_of(words: list[str], *, leave_out: str | None = None) -> tuple[str, ...]:
    """The distinct stems of words, in their order (stop words have none)."""
    stems = dict.fromkeys(s for s in (normal_forms(w)[1] for w in words) if s is not None)
    stems.pop(leave_out, None)  # type: ignore[arg-type]
    return tuple(stems)


def _fields_query(fields: tuple[str, ...], text: str, stems: tuple[str, ...], boost: float):
    if not stems:
        return query.NullQuery
    parts = [WordPrefix(f, text, stems, boost) for f in fields]
    return parts[0] if len(parts) == 1 else query.Or(parts)


def expand_prefixes(q: query.Query, words: PrefixWords) -> query.Query:
    """Each `word*` on title/body becomes a WordPrefix over the library's words."""

    def swap(node: query.Query) -> query.Query:
        if type(node) is not query.Prefix or node.fieldname not in _TEXT_FIELDS:
            return node
        text = fold_word(node.text)
        if not text:
            return node
        stems = stems_of(words(text, EXPLICIT_WORDS))
        return _fields_query((node.fieldname,), text, stems, node.boost)

    if type(q) is query.Prefix:
        return swap(q)
    return q.accept(swap)


def typed_word(text: str) -> str | None:
    """The half-typed word at the end of a query, or None (a space after it, a field value,
    a phrase, a wildcard or fuzzy term, an operator, fewer than two letters)."""
    if text.count('"') % 2:
        return None
    found = _TYPED.search(text)
    if found is None or found.group(1) in _OPERATORS:
        return None
    word = fold_word(found.group(1))
    return word if len(word) >= LIVE_MIN_CHARS else None


def live(q: query.Query | None, typed: str, words: PrefixWords) -> query.Query | None:
    """Let the typed word also match as a prefix of the library's words, weighted below the
    word itself: each of its terms becomes (term OR prefix), so the all-words bonus still
    asks for every word; a word the parser dropped (a stop word: "the" on the way to
    "theatre") is added beside the query. None when nothing matches either way."""
    exact = normal_forms(typed)[1]
    stems = stems_of(words(typed, LIVE_WORDS), leave_out=exact)
    if not stems:
        return q
    replaced = False

    def swap(node: query.Query) -> query.Query:
        nonlocal replaced
        if type(node) is query.Term and node.fieldname in _TEXT_FIELDS and node.text == exact:
            replaced = True
            prefix = WordPrefix(node.fieldname, typed, stems, node.boost * LIVE_WEIGHT)
            return query.Or([node, prefix])
        return node

    if q is not None:
        q = swap(q) if type(q) is query.Term else q.accept(swap)
        if replaced:
            return q
    alone = _fields_query(tuple(DEFAULT_FIELDS), typed, stems, LIVE_WEIGHT)
    return alone if q is None else query.Or([q, alone])
