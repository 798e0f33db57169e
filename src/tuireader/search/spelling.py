"""The library's own vocabulary: fuzzy terms and "did you mean" without a second index field.

Indexing every body twice (stemmed for search, unstemmed for spelling) halved Whoosh's build
speed, so the unstemmed words live in the catalog instead (`vocab`: word -> document count,
kept up to date batch by batch). A fuzzy term `word~N` expands to the known words within N
edits (sharing the first letter, which keeps the scan small), and those are searched as
ordinary terms; suggestions pick the most frequent close word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from tuireader.search.words import MARKS, TOKEN_RE, fold_word


def text_words(text: str) -> set[str]:
    """The distinct folded (lower-case, accent-free, unstemmed) words of a text."""
    return {fold_word(w) for w in set(TOKEN_RE.findall(text))}


def edit_distance(a: str, b: str, limit: int) -> int | None:
    """Edit distance of a and b (insert, delete, substitute, swap two neighbours), or None
    when it is more than limit. Swaps count once: "govermnent" is 1 from "government"."""
    if abs(len(a) - len(b)) > limit:
        return None
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return None
        before, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


def closest(word: str, candidates: list[tuple[str, int]], limit: int) -> list[tuple[int, str]]:
    """(distance, word) of candidates within limit edits, nearest and most frequent first."""
    scored = []
    letters = set(word)
    for cand, freq in candidates:
        # each edit adds at most one letter the other word lacks and removes at most one:
        # a set test (C speed) rules out most candidates before the Python edit distance
        other = set(cand)
        if len(letters - other) > limit or len(other - letters) > limit:
            continue
        dist = edit_distance(word, cand, limit)
        if dist is not None:
            scored.append((dist, -freq, cand))
    return [(d, c) for d, _f, c in sorted(scored)]


Count = Callable[[str], int]
Near = Callable[[str, int, int], list[tuple[int, str]]]

# One piece of a query: a field with its whole value (bare, quoted, [range] or (group)), a
# quoted phrase without a field, or any other run of non-space characters.
_PIECE = re.compile(
    r"""(?P<field>[^\W\d]\w*:(?:"[^"]*"?|'[^']*'?|\[[^\]]*\]?|\{[^}]*\}?|\([^)]*\)?|\S*))
      | (?P<phrase>"[^"]*"?)
      | (?P<other>[^\s"]+)""",
    re.VERBOSE,
)
# A piece split into leading - + (, what may be a plain word (`_word`), and closing ).
_PLAIN = re.compile(r"^([-+(]*)(.*?)(\)*)$")


@lru_cache(maxsize=1)
def _word() -> re.Pattern[str]:
    """A word of 3 letters or more, each with its combining marks (compiled on first use:
    the class of marks takes milliseconds)."""
    return re.compile(rf"(?:[^\W\d_][{MARKS}]*){{3,}}")


_OPERATORS = {"AND", "OR", "NOT", "TO"}


def suggest(text: str, count: Count, near: Near) -> str | None:
    """The query with its unknown plain words replaced by the closest frequent known words,
    or None when nothing would change.

    Only words the user typed as free text are candidates: field values (`author:"Marta
    Okonkwo"`, `tag:x`, dates, ranges, field groups) are names and keys that the vocabulary of
    titles and bodies does not hold, wildcards and fuzzy terms already ask for variants,
    operators are syntax, and a word the library knows is never "corrected".
    """
    text = unicodedata.normalize("NFC", text)  # as `whoosh_query.parse` reads it
    changed = False

    def fix(word: str) -> str:
        nonlocal changed
        key = fold_word(word)
        if word in _OPERATORS or count(key) > 0:
            return word
        found = near(key, 2, 1)
        if not found:
            return word
        changed = True
        return found[0][1]

    out: list[str] = []
    pos = 0
    for m in _PIECE.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        piece = m.group()
        if m.lastgroup == "phrase":
            piece = _word().sub(lambda w: fix(w.group()), piece)
        elif m.lastgroup == "other":
            plain = _PLAIN.match(piece)
            if plain and _word().fullmatch(plain.group(2)):
                piece = f"{plain.group(1)}{fix(plain.group(2))}{plain.group(3)}"
        out.append(piece)
    out.append(text[pos:])
    return "".join(out) if changed else None
