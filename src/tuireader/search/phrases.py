"""Exact phrases as words in a text: what "house of commons" must look like, token by token.

The index keeps every token's place (stop words and single letters too, though they are
not indexed) and puts sentences SENTENCE_GAP positions apart (`whoosh_schema.token_positions`).
`parse_phrase` numbers a phrase the same way, so each indexed word carries its offset from
the first: "house of commons" is house at p and commons at p + 2.

A pattern is a match token by token: the stem of an indexed word, or "=" and the folded
word for one that is not indexed. `phrase_end` finds it in a text (the highlighter, and
the check of phrases with unindexed words inside, share it). Stop words before the first or
after the last indexed word are not part of the pattern (the index cannot see them).
"""

from __future__ import annotations

from tuireader.search.whoosh_schema import (
    SENTENCE_BREAK,
    TOKEN_RE,
    fold_word,
    index_term,
    token_positions,
)


def parse_phrase(text: str) -> tuple[list[str], tuple[int, ...], tuple[str, ...]]:
    """(indexed words, their offsets from the first, pattern) of a phrase as typed."""
    words: list[str] = []
    where: list[int] = []
    tokens: list[tuple[int, str]] = []  # (position, pattern element)
    for token, pos in token_positions(text):
        term = index_term(token)
        if term is not None:
            words.append(term)
            where.append(pos)
        tokens.append((pos, term if term is not None else "=" + fold_word(token)))
    if not words:
        return [], (), ()
    first, last = where[0], where[-1]
    pattern = tuple(element for pos, element in tokens if first <= pos <= last)
    if len(pattern) != last - first + 1:  # a sentence break inside: positions say it all
        pattern = ()
    return words, tuple(p - first for p in where), pattern


def phrase_in(text: str, pattern: tuple[str, ...]) -> bool:
    head = pattern[0]
    for m in TOKEN_RE.finditer(text):
        if index_term(m.group()) == head and phrase_end(text, m.start(), pattern) is not None:
            return True
    return False


def phrase_end(text: str, start: int, pattern: tuple[str, ...]) -> int | None:
    """End offset of the phrase when its tokens follow from `start` in one sentence."""
    end = start
    for i, m in enumerate(TOKEN_RE.finditer(text, start)):
        if i and SENTENCE_BREAK.search(text, end, m.start()):
            return None
        element = pattern[i]
        token = m.group()
        if element.startswith("="):
            if index_term(token) is not None or fold_word(token) != element[1:]:
                return None
        elif index_term(token) != element:
            return None
        end = m.end()
        if i + 1 == len(pattern):
            return end
    return None
