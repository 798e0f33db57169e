"""A term's postings in one segment as numpy arrays, decoded from Whoosh's own blocks.

Whoosh's whoosh3 codec writes each posting list as blocks of up to 128 postings: a 4-byte
length (negative for the last block), a pickled info tuple, then a pickled (zlib-compressed
when large) tuple of (delta-encoded ids, weights, encoded values). Reading one block is C
work (zlib, pickle); Whoosh's searcher then walks every posting in Python. Here the blocks
of a term are read in one pass into an id array and a weight array, cached per segment
(postings never change once a segment is written; deletions are applied by the caller).

The codec's private layout is checked when a segment is first read (`supported`): any other
codec, or a changed one, is read through Whoosh's public matcher API instead (slower, same
values), so a Whoosh upgrade costs speed, never correctness.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
from whoosh import formats
from whoosh.util.numeric import byte_to_length

from tuireader.search.vector import derived
from tuireader.search.vector.positions import TermPositions, decode

_INT = struct.Struct("!i")
_HEADER = b"W3Bl"  # whoosh3.WHOOSH3_HEADER_MAGIC
BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class TermPostings:
    """One term in one segment: local document numbers (ascending) and their weights."""

    ids: np.ndarray  # int64
    weights: np.ndarray  # float64 (Whoosh's float32 weights, widened as Whoosh does)
    values: Sequence[bytes] | None = field(default=None, compare=False)  # encoded, if asked

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes + (len(self.values) * 40 if self.values else 0)


EMPTY = TermPostings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _blocks(buf: bytes, with_values: bool) -> tuple[np.ndarray, np.ndarray, tuple | None]:
    """Decode every block of one posting list (`buf` starts at the header magic)."""
    if buf[:4] != _HEADER:
        raise ValueError("not a whoosh3 posting list")
    stream = io.BytesIO(buf)
    pos = 4
    ids_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    values: list = []
    while True:
        (length,) = _INT.unpack_from(buf, pos)
        last = length < 0
        start = pos + 4
        end = start + abs(length)
        stream.seek(start)
        count, _maxid, _maxweight, compression, _mn, _mx = pickle.load(stream)
        data = buf[stream.tell() : end]
        if compression:
            data = zlib.decompress(data)
        deltas, weights, vals = pickle.loads(data)
        # each block's ids are delta-encoded from 0 (`_mini_ids`), not from the last block
        ids_parts.append(np.cumsum(np.fromiter(deltas, dtype=np.int64, count=count)))
        if weights is None:
            weight_parts.append(np.ones(count, dtype=np.float64))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights, dtype=np.float64))
        else:
            weight_parts.append(np.fromiter(weights, dtype=np.float64, count=count))
        if with_values:
            values.extend(vals)
        if last:
            break
        pos = end
    ids = ids_parts[0] if len(ids_parts) == 1 else np.concatenate(ids_parts)
    weights_all = weight_parts[0] if len(weight_parts) == 1 else np.concatenate(weight_parts)
    return ids, weights_all, tuple(values) if with_values else None


def read_postings(reader, fieldname: str, btext: bytes, *, with_values: bool) -> TermPostings:
    """One term's postings in one segment reader (deleted documents included)."""
    if (fieldname, btext) not in reader:
        return EMPTY
    terms = reader._terms if supported(reader) else None
    info = terms.term_info(fieldname, btext) if terms is not None else None
    if info is not None and info.is_inlined():
        ids, weights, values = info.inlined_postings()
        return TermPostings(
            np.asarray(ids, dtype=np.int64),
            np.asarray(weights, dtype=np.float64),
            tuple(values) if with_values else None,
        )
    if info is not None and terms is not None:
        offset, length = info.extent()
        if isinstance(length, tuple):  # whoosh3's from_bytes keeps unpack_int's 1-tuple
            (length,) = length
        found = _derived_term(reader, offset, length, info)  # the indexer's arrays
        if found is not None and not with_values:
            return TermPostings(found.ids.astype(np.int64), found.weights)
        if (
            found is not None
            and found.positions is not None
            and _plain_positions(reader, fieldname)
        ):
            values = EncodedPositions(found.pos_starts, found.positions)
            return TermPostings(found.ids.astype(np.int64), found.weights, values)
        raw = terms._postfile.get(offset, length)
        ids_arr, weights_arr, vals = _blocks(bytes(raw), with_values)
        return TermPostings(ids_arr, weights_arr, vals)
    return _through_matcher(reader, fieldname, btext, with_values)


def _derived_term(reader, offset: int, length: int, info):
    if info.doc_frequency() < derived.MIN_POSTINGS:
        return None  # not in the file: do not even open it
    arrays = derived.for_reader(reader)
    if arrays is None:
        return None
    return arrays.term(offset, length, info.doc_frequency())


class EncodedPositions(Sequence):
    """A term's values as Whoosh's Positions format encodes them, built on demand from the
    derived arrays: callers that pick a few postings' values (the proximity bonus reads its
    candidates') encode those few instead of the whole list being decoded from blocks."""

    def __init__(self, starts: np.ndarray, positions: np.ndarray) -> None:
        self._starts = starts
        self._positions = positions

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        poslist = self._positions[int(self._starts[i]) : int(self._starts[i + 1])]
        deltas = np.diff(poslist, prepend=0).tolist()
        return _UINT.pack(len(deltas)) + pickle.dumps(deltas, 2)


_UINT = struct.Struct("!I")  # whoosh.system.pack_uint


def _plain_positions(reader, fieldname: str) -> bool:
    """Whether a field's values are Whoosh's Positions encoding (what EncodedPositions
    writes), not a format with more in each value."""
    return type(reader.schema[fieldname].format) is formats.Positions


def read_positions(reader, fieldname: str, btext: bytes) -> tuple[TermPostings, TermPositions]:
    """A term's postings and word positions in one segment: sliced from the indexer's
    arrays when they hold the term, else decoded from Whoosh's blocks."""
    present = (fieldname, btext) in reader
    terms = reader._terms if present and supported(reader) else None
    info = terms.term_info(fieldname, btext) if terms is not None else None
    if info is not None and not info.is_inlined():
        offset, length = info.extent()
        if isinstance(length, tuple):
            (length,) = length
        found = _derived_term(reader, offset, length, info)
        if found is not None and found.pos_starts is not None and found.positions is not None:
            ids = found.ids.astype(np.int64)
            first, last = int(found.pos_starts[0]), int(found.pos_starts[-1])
            flat = found.positions[first:last].astype(np.int64)
            starts = found.pos_starts - first
            return TermPostings(ids, found.weights), TermPositions(ids, starts, flat)
    read = read_postings(reader, fieldname, btext, with_values=True)
    fmt = reader.schema[fieldname].format
    return TermPostings(read.ids, read.weights), decode(read.ids, tuple(read.values or ()), fmt)


def _through_matcher(reader, fieldname: str, btext: bytes, with_values: bool) -> TermPostings:
    """Whoosh's public API, one posting at a time: for codecs we do not know."""
    matcher = reader.postings(fieldname, btext)
    child = getattr(matcher, "child", None)
    if child is not None and type(matcher).__name__ == "FilterMatcher":
        matcher = child  # deletions are the caller's business, as for the fast path
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if with_values:
            values.append(matcher.value())
        matcher.next()
    return TermPostings(
        np.asarray(ids, dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
        tuple(values) if with_values else None,
    )


def supported(reader) -> bool:
    """Whether a segment reader has the whoosh3 layout `_blocks` decodes."""
    terms = getattr(reader, "_terms", None)
    return (
        terms is not None
        and type(terms).__name__ == "W3TermsReader"
        and hasattr(terms, "_postfile")
        and hasattr(terms, "term_info")
    )


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Every document's length of one field in one segment, as Whoosh's scorer sees it
    (`doc_field_length(doc, field, 1)`: the length byte decoded, 1 for a missing column)."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = None
    if perdoc is not None and type(perdoc).__name__ == "W3PerDocReader":
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return np.ones(count, dtype=np.float64)
        raw = _fixed_bytes(column, count)
        if raw is not None:
            return BYTE_TO_LENGTH[raw]
    lengths = [reader.doc_field_length(d, fieldname, 1) for d in range(count)]
    return np.asarray([1 if n is None else n for n in lengths], dtype=np.float64)


def _fixed_bytes(column, count: int) -> np.ndarray | None:
    """A one-byte-per-document column's bytes, read at once (None if it is not one)."""
    dbfile = getattr(column, "_dbfile", None)
    if dbfile is None or getattr(column, "_fixedlen", None) != 1:
        return None
    stored = min(getattr(column, "_count", 0), count)
    out = np.zeros(count, dtype=np.uint8)
    if stored:
        out[:stored] = np.frombuffer(bytes(dbfile.get(column._basepos, stored)), dtype=np.uint8)
    # spot-check against Whoosh's own reader: a changed layout must not give other lengths
    for doc in {0, stored // 2, max(stored - 1, 0)}:
        if doc < stored and column[doc] != out[doc]:
            return None
    return out


class PostingCache:
    """Decoded postings by (segment, field, term), bounded by bytes (least recently used
    dropped first). Postings are immutable per segment, so a refreshed searcher keeps every
    entry of the segments it still has."""

    def __init__(self, max_bytes: int = 96 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, Any] = OrderedDict()  # objects with .nbytes
        self._bytes = 0
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._expansions: OrderedDict[tuple, list] = OrderedDict()

    def postings(self, segment_key: str, reader, fieldname: str, btext: bytes) -> TermPostings:
        """A term's ids and weights in one segment (decoded once, then cached)."""
        key = (segment_key, fieldname, btext)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        found = read_postings(reader, fieldname, btext, with_values=False)
        self._put(key, found)
        return found

    def positions(self, segment_key: str, reader, fieldname: str, btext: bytes) -> TermPositions:
        """A term's word positions in one segment (decoded once, then cached)."""
        key = (segment_key, fieldname, btext, "positions")
        found = self._items.get(key)
        if found is None:
            read, found = read_positions(reader, fieldname, btext)
            self._put(key, found)
            if (segment_key, fieldname, btext) not in self._items:
                self._put((segment_key, fieldname, btext), read)
        else:
            self._items.move_to_end(key)
        return found

    def get(self, key: tuple):
        """Anything else kept under `key` (an object with `nbytes`), or None."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple, value) -> None:
        self._put(key, value)

    def expansion(self, key: tuple) -> list | None:
        """A pattern's terms (or a range's compiled query) in one segment, if known: a
        prefix typed again, or extended by a letter, skips the walk over the term list."""
        found = self._expansions.get(key)
        if found is not None:
            self._expansions.move_to_end(key)
        return found

    def remember_expansion(self, key: tuple, value: list) -> None:
        self._expansions[key] = value
        while len(self._expansions) > 2048:
            self._expansions.popitem(last=False)

    def lengths(self, segment_key: str, reader, fieldname: str) -> np.ndarray:
        key = (segment_key, fieldname)
        found = self._lengths.get(key)
        if found is None:
            found = self._lengths[key] = field_lengths(reader, fieldname)
        return found

    def forget_except(self, segment_keys: set[str]) -> None:
        """Drop what belongs to segments no longer in the index (after a merge)."""
        for key in [k for k in self._items if k[0] not in segment_keys]:
            self._bytes -= self._items.pop(key).nbytes
        for key in [k for k in self._lengths if k[0] not in segment_keys]:
            del self._lengths[key]
        for key in [k for k in self._expansions if k[0] not in segment_keys]:
            del self._expansions[key]

    def _put(self, key: tuple, value: Any) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old.nbytes
        self._items[key] = value
        self._bytes += value.nbytes
        while self._bytes > self.max_bytes and len(self._items) > 1:
            _k, dropped = self._items.popitem(last=False)
            self._bytes -= dropped.nbytes
