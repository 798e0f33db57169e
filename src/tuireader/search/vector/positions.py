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

from tuireader.search.vector.unique import sorted_unique

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
        counts, flat_deltas = _parse_pickled_deltas(values)
    else:  # another positions format: its own decoder (positions, not deltas)
        lists = [fmt.decode_positions(v) for v in values]
        counts = np.fromiter((len(p) for p in lists), dtype=np.int64, count=len(lists))
        flat = np.fromiter((x for p in lists for x in p), dtype=np.int64, count=int(counts.sum()))
        return TermPositions(ids, _starts(counts), flat)
    starts = _starts(counts)
    # positions are delta-encoded within each posting: a running sum restarted per posting
    running = np.cumsum(flat_deltas)
    before = np.repeat(np.concatenate(([0], running))[starts[:-1]], counts)
    return TermPositions(ids, starts, running - before)


def _starts(counts: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return starts


_PICKLE_HEAD = b"\x80\x02]q\x00"  # protocol 2, EMPTY_LIST, BINPUT 0
_K, _M, _J, _MARK = ord("K"), ord("M"), ord("J"), ord("(")
_WIDTH = np.zeros(256, dtype=np.int64)
_WIDTH[[_K, _M, _J]] = [2, 3, 5]  # BININT1, BININT2, BININT (opcode + argument bytes)


_VECTOR_ITEMS = 64  # postings with more positions than this are read by pickle


def _parse_pickled_deltas(values: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(count per posting, every posting's position deltas, concatenated) from values of
    the form count (4 bytes) + pickle.dumps(list_of_ints, 2).

    pickle.loads per value costs ~0.6 us: 30-50 ms for a common word at 100k articles.
    These pickles have one shape (a list of small ints: BININT1/2/4 items, then APPEND,
    or MARK ... APPENDS), so they are read together: step k reads the k-th item of every
    posting that has one. Values of another shape, and long ones, go to pickle."""
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    if n == 0 or int(lengths.min()) < _HEAD + len(_PICKLE_HEAD) + 3:
        return _by_pickle(values, np.arange(n), None)
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    last = len(buf) - 1
    begin = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=begin[1:])
    head = buf[begin[:, None] + np.arange(_HEAD)].astype(np.int64)
    counts = (head[:, 0] << 24) | (head[:, 1] << 16) | (head[:, 2] << 8) | head[:, 3]
    marks = begin[:, None] + _HEAD + np.arange(len(_PICKLE_HEAD))
    ok = (buf[marks] == np.frombuffer(_PICKLE_HEAD, np.uint8)).all(axis=1)
    ok &= (counts >= 1) & (counts <= _VECTOR_ITEMS)
    cursor = begin + _HEAD + len(_PICKLE_HEAD)
    many = counts > 1
    ok &= ~many | (buf[cursor] == _MARK)
    cursor += many
    starts = _starts(counts)
    flat = np.zeros(int(starts[-1]), dtype=np.int64)
    end = begin + lengths
    rows = np.flatnonzero(ok)
    at = cursor[rows]
    for k in range(_VECTOR_ITEMS):
        keep = counts[rows] > k
        if k and not keep.all():
            rows, at = rows[keep], at[keep]
        if not len(rows):
            break
        op = buf[at]
        width = _WIDTH[op]
        bad = (width == 0) | (at + width > end[rows])
        if bad.any():
            ok[rows[bad]] = False
            rows, at, op, width = rows[~bad], at[~bad], op[~bad], width[~bad]
        b = buf[np.minimum(at[:, None] + np.arange(1, 5), last)].astype(np.int64)
        small = np.where(op == _K, b[:, 0], b[:, 0] | (b[:, 1] << 8))
        word = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16) | (b[:, 3] << 24)
        word = np.where(word >= 1 << 31, word - (1 << 32), word)
        flat[starts[rows] + k] = np.where(op == _J, word, small)
        at = at + width
        cursor[rows] = at
    # after the items: APPEND (one item) or APPENDS, then STOP when present
    tail = buf[np.minimum(cursor, last)]
    ok &= np.where(many, tail == ord("e"), tail == ord("a"))
    stop = buf[np.minimum(cursor + 1, last)] == ord(".")
    ok &= (cursor + 1 == end) | ((cursor + 2 == end) & stop)
    if ok.all():
        return counts, flat
    return _by_pickle(values, np.flatnonzero(~ok), (counts, flat, starts, ok))


def _by_pickle(values: tuple, which: np.ndarray, parsed) -> tuple[np.ndarray, np.ndarray]:
    """Read the values in `which` with pickle; merge with what the vector pass read."""
    loads = pickle.loads
    lists: dict[int, list] = {}
    for i in which.tolist():
        v = values[i]
        lists[i] = loads(v[_HEAD:] if v.endswith(b".") else v[_HEAD:] + b".")
    if parsed is None:
        counts = np.fromiter((len(lists[i]) for i in range(len(values))), np.int64, len(values))
        flat = np.fromiter((x for i in range(len(values)) for x in lists[i]), np.int64)
        return counts, flat
    counts, flat, starts, ok = parsed
    counts = counts.copy()
    for i, read in lists.items():
        counts[i] = len(read)
    new_starts = _starts(counts)
    out = np.zeros(int(new_starts[-1]), dtype=np.int64)
    rows = np.flatnonzero(ok)
    sizes = counts[rows]
    # every position of the vector-read rows, moved from their old place to the new one
    inner = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    out[np.repeat(new_starts[rows], sizes) + inner] = flat[np.repeat(starts[rows], sizes) + inner]
    for i, read in lists.items():
        out[new_starts[i] : new_starts[i + 1]] = read
    return counts, out


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


def adjacent(
    candidates: np.ndarray, words: list[TermPositions], offsets: tuple[int, ...] | None = None
) -> np.ndarray:
    """The candidate documents where word i occurs at the first word's position plus
    offsets[i] (consecutive positions, in order, by default)."""
    shifts = range(len(words)) if offsets is None else offsets
    keys = _gather(words[0], candidates, 0)
    for word, shift in zip(words[1:], shifts[1:], strict=True):
        if not len(keys):
            break
        keys = np.intersect1d(keys, _gather(word, candidates, shift), assume_unique=True)
    return sorted_unique(keys >> 32)
