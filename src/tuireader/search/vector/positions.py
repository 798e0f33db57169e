"""Word positions of a term's postings as flat arrays, and phrase matching over them.

Whoosh checks a phrase one candidate document at a time (span objects, sorted sets). Here
each word's positions are decoded once per segment into one flat array (with each
posting's start in it) and cached; a phrase's candidates are then checked for every
document at once: word i at position p is encoded as (document, p - i), and the phrase
holds where every word has the same key (Whoosh's SpanNear2 with slop 1, ordered: the
words at consecutive positions).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import numpy as np
from whoosh import formats

_HEAD = 4  # whoosh.system._INT_SIZE: the position count before the pickled deltas


@dataclass(frozen=True)
class TermPositions:
    ids: np.ndarray  # int64 local document numbers, ascending
    starts: np.ndarray  # int64, len(ids) + 1: posting i's positions are flat[starts[i]:starts[i+1]]
    flat: np.ndarray  # int64 positions

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.starts.nbytes + self.flat.nbytes


def decode(ids: np.ndarray, values: tuple, fmt) -> TermPositions:
    """Positions of every posting, from Whoosh's encoded values (`Positions.encode`)."""
    if type(fmt) is formats.Positions:
        loads = pickle.loads
        deltas = [loads(v[_HEAD:] if v.endswith(b".") else v[_HEAD:] + b".") for v in values]
        counts = np.fromiter((len(d) for d in deltas), dtype=np.int64, count=len(deltas))
        flat_deltas = np.fromiter(
            (x for d in deltas for x in d), dtype=np.int64, count=int(counts.sum())
        )
        starts = np.zeros(len(deltas) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        # positions are delta-encoded within each posting: a running sum restarted per posting
        running = np.cumsum(flat_deltas)
        before = np.repeat(np.concatenate(([0], running))[starts[:-1]], counts)
        flat = running - before
    else:  # another positions format: its own decoder
        lists = [fmt.decode_positions(v) for v in values]
        counts = np.fromiter((len(p) for p in lists), dtype=np.int64, count=len(lists))
        flat = np.fromiter((x for p in lists for x in p), dtype=np.int64, count=int(counts.sum()))
        starts = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
    return TermPositions(ids, starts, flat)


def _gather(term: TermPositions, docs: np.ndarray, shift: int) -> np.ndarray:
    """Keys (document << 32 | position - shift) of `docs` (all present in term.ids)."""
    rows = np.searchsorted(term.ids, docs)
    first = term.starts[rows]
    counts = term.starts[rows + 1] - first
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # index of every position of every row: first[row] + 0..count-1, without a Python loop
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = term.flat[np.repeat(first, counts) + offsets]
    return (np.repeat(docs, counts) << 32) | (positions - shift + (1 << 31))


def adjacent(candidates: np.ndarray, words: list[TermPositions]) -> np.ndarray:
    """The candidate documents where the words occur at consecutive positions, in order."""
    keys = _gather(words[0], candidates, 0)
    for i, word in enumerate(words[1:], start=1):
        if not len(keys):
            break
        keys = np.intersect1d(keys, _gather(word, candidates, i), assume_unique=True)
    return np.unique(keys >> 32)
