"""A term-proximity bonus (BM25TP, Rasolofo & Savoy 2003) over the index's word positions.

Two different query words at distance d <= WINDOW in a body add 1/d^2 to each other's
accumulator, weighted by the other word's weight (its idf times its query frequency); each
word's accumulator is then saturated like a term frequency (k1, the document's length
norm) and the words' results added, each capped by min(1, its weight), as in the paper.
Articles where the query's words stand together ("information retrieval systems" written
as one phrase) so rank above those that mention them pages apart.

Computed for a few candidate documents at once: every position of every query word in
them is put in one array sorted by (document, position); the pairs within WINDOW of each
other are then the entries at most WINDOW apart in that order (positions are distinct in
a document, so WINDOW lags cover every pair).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tuireader.search.vector.positions import TermPositions

WINDOW = 2  # the paper's 5 cost MAP on every bench collection; 2 (adjacent, or one word
# between) was neutral on long questions and a little better on headlines


def occurrences(
    candidates: np.ndarray, words: Sequence[TermPositions | None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate index, position, word index) of every occurrence of the words (None: a
    word this segment lacks) in the candidate documents, sorted by candidate then position."""
    docs, positions, which = [], [], []
    for w, term in enumerate(words):
        if term is None or not len(term.ids):
            continue
        rows = np.searchsorted(term.ids, candidates)
        inside = rows < len(term.ids)
        present = np.flatnonzero(
            inside & (term.ids[np.minimum(rows, len(term.ids) - 1)] == candidates)
        )
        if not len(present):
            continue
        first = term.starts[rows[present]]
        counts = term.starts[rows[present] + 1] - first
        total = int(counts.sum())
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        positions.append(term.flat[np.repeat(first, counts) + offsets])
        docs.append(np.repeat(present, counts))
        which.append(np.full(total, w, dtype=np.int64))
    if not docs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    doc = np.concatenate(docs)
    pos = np.concatenate(positions)
    word = np.concatenate(which)
    order = np.lexsort((pos, doc))
    return doc[order], pos[order], word[order]


def bonus(
    candidates: np.ndarray,
    words: Sequence[TermPositions | None],
    weights: np.ndarray,
    k1: float,
    norm: np.ndarray,
) -> np.ndarray:
    """The BM25TP bonus of each candidate (local document numbers, ascending): `weights` per
    word, `norm` per candidate (its length over the average, as BM25 normalises it)."""
    return bonus_of(*occurrences(candidates, words), len(candidates), weights, k1, norm)


def bonus_of(
    doc: np.ndarray,
    pos: np.ndarray,
    word: np.ndarray,
    n: int,
    weights: np.ndarray,
    k1: float,
    norm: np.ndarray,
) -> np.ndarray:
    """`bonus` from the occurrences of n candidates (those of several segments may be
    joined, their candidate numbers shifted to follow each other)."""
    nwords = len(weights)
    acc = np.zeros(n * nwords)
    for lag in range(1, WINDOW + 1):
        if len(doc) <= lag:
            break
        a, b = slice(None, -lag), slice(lag, None)
        dist = pos[b] - pos[a]
        near = (doc[a] == doc[b]) & (word[a] != word[b]) & (dist <= WINDOW)
        if not near.any():
            continue
        pair = 1.0 / dist[near].astype(np.float64) ** 2
        d, wa, wb = doc[a][near], word[a][near], word[b][near]
        acc += np.bincount(d * nwords + wa, weights=pair * weights[wb], minlength=n * nwords)
        acc += np.bincount(d * nwords + wb, weights=pair * weights[wa], minlength=n * nwords)
    table = acc.reshape(n, nwords)
    saturated = table * (k1 + 1) / (table + k1 * norm[:, None])
    return saturated @ np.minimum(1.0, weights)
