"""Derived per-segment arrays: a segment's larger posting lists as flat, memory-mapped arrays.

A cold query (the first in a process) spent most of its time decoding Whoosh's posting blocks
(a pickle and often a zlib stream per 128 postings, then the positions' pickles): 60-80 ms for a
common word or a phrase at 10k articles where the same query, warm, takes a few. The indexer
(`whoosh_codec.FastFieldWriter`) already holds each term's doc numbers, weights and encoded
positions when it writes the term, so it also writes them here, once per segment, beside the
index: `arrays/<segment id>.tuiarr`. A reader maps the file and slices a term's arrays out of
it: no decode at all.

Whoosh stays the index of record. The file is keyed by the term's extent in the segment's
postings file (offset and length, from Whoosh's own term info), and a term is taken from it
only when the segment id, the segment's document count, that extent and the posting count all
agree with the segment; anything else (a missing, partial, older or foreign file, a term it
does not hold) is read from Whoosh's blocks as before. Terms with few postings are left out:
one block decodes in microseconds. Files of segments no longer in the index are pruned when the
next segment's are written (`prune`).

Layout: magic, a 4-byte header length, a JSON header (segment id, document count, and each
array's dtype, offset and length), then the arrays, each 8-byte aligned.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"TUIARR1\n"
FOLDER = "arrays"
SUFFIX = ".tuiarr"
MIN_POSTINGS = 128  # fewer: one block, decoded from Whoosh in microseconds
_BATCH = 400_000  # positions' values parsed together (vectorised) this many at a time
# table columns: postings-file offset, length, start in ids, count, start in pos_starts
_OFFSET, _LENGTH, _START, _COUNT, _PSTART = range(5)


def folder_of(storage) -> Path | None:
    """The index folder of a Whoosh storage (a reader's overlay or a file storage)."""
    for st in (storage, getattr(storage, "b", None), getattr(storage, "a", None)):
        folder = getattr(st, "folder", None)
        if folder:
            return Path(folder)
    return None


def path_for(folder: Path, segment_id: str) -> Path:
    return folder / FOLDER / f"{segment_id}{SUFFIX}"


class SegmentArraysWriter:
    """Collects one segment's larger terms while the field writer writes them."""

    def __init__(self, folder: Path, segment_id: str, doc_count: int) -> None:
        self.folder, self.segment_id, self.doc_count = folder, segment_id, doc_count
        self.rows: list[tuple[int, int, int, int, int]] = []
        self.ids: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []
        self.pos_counts: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []
        self._pending: list[bytes] = []  # encoded values of terms not parsed yet
        self._pending_fmt = None
        self._count = 0
        self._pcount = 0
        self.min_postings = MIN_POSTINGS

    def add(self, extent: tuple[int, int], docs, weights, values: list, fmt) -> None:
        """One term (its doc numbers ascending, weights, Whoosh-encoded values or Nones)."""
        count = len(docs)
        ids = np.asarray(docs, dtype=np.int32)
        with_positions = fmt is not None and bool(values) and all(values)
        pstart = self._pcount if with_positions else -1
        self.rows.append((extent[0], extent[1], self._count, count, pstart))
        self.ids.append(ids)
        self.weights.append(np.asarray(weights, dtype=np.float64))
        self._count += count
        if with_positions:
            if self._pending_fmt is not None and type(fmt) is not type(self._pending_fmt):
                self._flush()
            self._pending_fmt = fmt
            self._pending.extend(values)
            self._pcount += count
            if len(self._pending) >= _BATCH:
                self._flush()

    def _flush(self) -> None:
        from tuireader.search.vector.positions import decode

        if not self._pending:
            return
        n = len(self._pending)
        found = decode(np.zeros(n, np.int64), tuple(self._pending), self._pending_fmt)
        self.pos_counts.append(np.diff(found.starts).astype(np.int32))
        self.positions.append(found.flat.astype(np.int32))
        self._pending = []

    def write(self) -> Path | None:
        """Write the file (atomically: a temporary name, then a rename). A segment with no
        term of MIN_POSTINGS gets an empty one too: a missing file then always means a
        segment written before the arrays (or by Whoosh's writer), which `complete` fills."""
        self._flush()
        table = np.asarray(self.rows, dtype=np.int64).reshape(-1, 5)
        table = table[np.argsort(table[:, _OFFSET], kind="stable")]
        counts = _cat(self.pos_counts, np.int32)
        pos_starts = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=pos_starts[1:])
        arrays = {
            "table": table,
            "ids": _cat(self.ids, np.int32),
            "weights": _cat(self.weights, np.float64),
            "pos_starts": pos_starts,
            "positions": _cat(self.positions, np.int32),
        }
        header: dict = {"segment": self.segment_id, "doc_count": self.doc_count, "arrays": {}}
        offset = 0
        for name, arr in arrays.items():
            header["arrays"][name] = [arr.dtype.str, offset, arr.size]
            offset += _aligned(arr.nbytes)
        head = json.dumps(header).encode()
        start = _aligned(len(MAGIC) + 4 + len(head))
        path = path_for(self.folder, self.segment_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        prune(self.folder)
        part = path.with_suffix(f".{os.getpid()}.part")
        with open(part, "wb") as out:
            out.write(MAGIC + struct.pack("<I", len(head)) + head)
            out.write(b"\0" * (start - out.tell()))
            for arr in arrays.values():
                out.write(np.ascontiguousarray(arr).tobytes())
                out.write(b"\0" * (_aligned(arr.nbytes) - arr.nbytes))
        os.replace(part, path)
        return path


def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _aligned(n: int) -> int:
    return (n + 7) & ~7


@dataclass(frozen=True)
class Term:
    """One term's arrays as the file holds them (views of the map)."""

    ids: np.ndarray  # int32
    weights: np.ndarray  # float64
    pos_starts: np.ndarray | None  # int64, len(ids) + 1, into `positions`
    positions: np.ndarray | None  # int32


class SegmentArrays:
    """A mapped `.tuiarr` file of one segment, checked against it."""

    def __init__(self, path: Path, segment_id: str, doc_count: int) -> None:
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        buf = self._map
        if buf[: len(MAGIC)] != MAGIC:
            raise ValueError("not a tuiarr file")
        (size,) = struct.unpack_from("<I", buf, len(MAGIC))
        header = json.loads(bytes(buf[len(MAGIC) + 4 : len(MAGIC) + 4 + size]))
        if header.get("segment") != segment_id or header.get("doc_count") != doc_count:
            raise ValueError("arrays of another segment")
        base = _aligned(len(MAGIC) + 4 + size)
        self.arrays: dict[str, np.ndarray] = {}
        for name, (dtype, offset, length) in header["arrays"].items():
            dt = np.dtype(dtype)
            if base + offset + length * dt.itemsize > len(buf):
                raise ValueError("truncated tuiarr file")
            self.arrays[name] = np.frombuffer(buf, dt, length, base + offset)
        self.table = self.arrays["table"].reshape(-1, 5)

    def term(self, offset: int, length: int, count: int) -> Term | None:
        """A term's arrays when the file holds exactly this extent and count."""
        if count < MIN_POSTINGS:
            return None  # never written: no need to map the file's pages
        # a binary search in Python over the mapped column: it touches ~17 of its pages
        # (a numpy search would copy the strided column first, faulting in all of them)
        table = self.table
        lo, hi = 0, len(table)
        while lo < hi:
            mid = (lo + hi) // 2
            if int(table[mid, _OFFSET]) < offset:
                lo = mid + 1
            else:
                hi = mid
        if lo >= len(table):
            return None
        row = table[lo]
        if int(row[_OFFSET]) != offset or int(row[_LENGTH]) != length:
            return None
        if int(row[_COUNT]) != count:
            return None
        start, pstart = int(row[_START]), int(row[_PSTART])
        ids = self.arrays["ids"][start : start + count]
        weights = self.arrays["weights"][start : start + count]
        if pstart < 0:
            return Term(ids, weights, None, None)
        return Term(
            ids,
            weights,
            self.arrays["pos_starts"][pstart : pstart + count + 1],
            self.arrays["positions"],
        )


_OPEN: dict[str, SegmentArrays | None] = {}


def for_reader(reader) -> SegmentArrays | None:
    """The checked arrays of a segment reader's segment, or None (then read Whoosh's)."""
    segment = getattr(reader, "_segment", None)
    if segment is None or not hasattr(segment, "segment_id"):
        return None
    segment_id = segment.segment_id()
    if segment_id in _OPEN:
        return _OPEN[segment_id]
    folder = folder_of(getattr(reader, "_storage", None))
    found = None
    if folder is not None:
        path = path_for(folder, segment_id)
        try:
            found = SegmentArrays(path, segment_id, reader.doc_count_all())
        except (OSError, ValueError, KeyError, TypeError, struct.error):
            found = None  # missing or unusable: Whoosh's blocks
    _OPEN[segment_id] = found
    return found


def forget_except(segment_ids: frozenset[str]) -> None:
    """Unmap the files of segments no longer in the index, and forget which segments had
    none (an index run may have written them since): a long-lived process (the server)
    would otherwise keep merged-away files mapped and their disk space in use."""
    for segment_id in [k for k, v in _OPEN.items() if k not in segment_ids or v is None]:
        del _OPEN[segment_id]


def forget() -> None:
    """Drop the opened files (tests; a rewritten file is then read again)."""
    _OPEN.clear()


def prune(folder: Path) -> None:
    """Delete the files of segments whose Whoosh files are gone (merged away: Whoosh deletes
    a dead segment's files at commit; a segment being written has its files already)."""
    where = folder / FOLDER
    if not where.is_dir():
        return
    for path in where.iterdir():
        name = path.name
        if name.endswith(SUFFIX):
            segment_id = name[: -len(SUFFIX)]
        elif name.endswith(".part"):
            segment_id = name.split(".", 1)[0]
        else:
            continue
        if not any(folder.glob(f"{segment_id}.*")):  # segment ids carry the index name
            path.unlink(missing_ok=True)


def complete(reader, progress: Callable[[int, int], None] | None = None) -> int:
    """Write the arrays of every segment of an index reader that has none (an index built
    by an older tuireader, a segment of Whoosh's own writer): without them its searches
    decode Whoosh's blocks, twice as slow cold. Returns the segments written; checking
    costs one small read a segment. For the indexer, under the writer lock."""
    leaves = [reader] if reader.is_atomic() else [leaf for leaf, _base in reader.leaf_readers()]
    missing = []
    for leaf in leaves:
        segment = getattr(leaf, "_segment", None)
        folder = folder_of(getattr(leaf, "_storage", None))
        if segment is None or folder is None or not hasattr(segment, "segment_id"):
            continue
        segment_id = segment.segment_id()
        try:
            SegmentArrays(path_for(folder, segment_id), segment_id, leaf.doc_count_all())
        except (OSError, ValueError, KeyError, TypeError, struct.error):
            missing.append(leaf)
    for done, leaf in enumerate(missing):
        if progress is not None:
            progress(done, len(missing))
        rebuild(leaf)
        _OPEN.pop(leaf._segment.segment_id(), None)
    if missing and progress is not None:
        progress(len(missing), len(missing))
    return len(missing)


def rebuild(reader) -> Path | None:
    """Write a segment's arrays from Whoosh's own blocks (a segment written before them, or
    by Whoosh's writer): every term of MIN_POSTINGS or more postings, decoded once. Slow
    (seconds for a large segment): for the indexer, never the search path."""
    from tuireader.search.vector.postings import read_postings, supported

    segment = getattr(reader, "_segment", None)
    folder = folder_of(getattr(reader, "_storage", None))
    if segment is None or folder is None or not supported(reader):
        return None
    terms = reader._terms
    out = SegmentArraysWriter(folder, segment.segment_id(), reader.doc_count_all())
    for fieldname in sorted(reader.indexed_field_names()):
        fmt = reader.schema[fieldname].format if fieldname in reader.schema else None
        if fmt is None:
            continue
        positions = fmt if fmt.supports("positions") else None
        for (name, btext), info in terms.items_from(fieldname, b""):
            if name != fieldname:
                break  # the next field's terms
            if info.is_inlined() or info.doc_frequency() < MIN_POSTINGS:
                continue
            offset, length = info.extent()
            if isinstance(length, tuple):  # whoosh3's from_bytes keeps unpack_int's 1-tuple
                (length,) = length
            read = read_postings(reader, fieldname, btext, with_values=positions is not None)
            values = list(read.values) if read.values is not None else [None] * len(read.ids)
            out.add((offset, length), read.ids, read.weights, values, positions)
    return out.write()
