"""The library's own vocabulary: fuzzy terms and "did you mean" without a second index field.

Indexing every body twice (stemmed for search, unstemmed for spelling) halved Whoosh's build
speed, so the unstemmed words live in the catalog instead (`vocab`: word -> document count,
kept up to date batch by batch). A fuzzy term `word~N` expands to the known words within N
edits (sharing the first letter, which keeps the scan small), and those are searched as
ordinary terms; suggestions pick the most frequent close word.
"""

from __future__ import annotations

from tuireader.search.whoosh_schema import TOKEN_RE, fold_word


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
    for cand, freq in candidates:
        dist = edit_distance(word, cand, limit)
        if dist is not None:
            scored.append((dist, -freq, cand))
    return [(d, c) for d, _f, c in sorted(scored)]
