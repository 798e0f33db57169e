"""The index writer's codec: Whoosh's own W3 format, written with less Python per posting.

The codec is passed to `ix.writer(codec=...)` (also through Whoosh's multi-process writer),
and the index on disk is byte for byte what Whoosh writes: each new segment records Whoosh's plain
`W3Codec`, so any Whoosh 2.7 reads it. Three costs go (profiles of a 2k-article build):
- `FieldWriter.add_postings` asks for the field length of every posting through a column
  reader, a seek and a file-existence check: ~30 % of a commit. Lengths are read once.
- `W3PostingsWriter.add_posting` and `PostingPool.add` assert the types of every posting
  (our postings come from our own schema): ~13 % of an index build. Whoosh's SegmentWriter
  takes a `poolclass` argument but ignores it (it always builds a `PostingPool`), so the
  pool's `add` is the one thing still replaced on Whoosh's class, by `install_pool`.

`check()` is the version guard: the first writer of a process proves that these classes
write exactly what Whoosh's own do (postings bytes, pool sizes) and raises `WhooshChanged`
(a bug, never index damage) when an upgraded Whoosh no longer matches them.
"""

from __future__ import annotations

import inspect
import io
import zlib
from array import array
from functools import lru_cache
from pickle import dumps

import whoosh
from whoosh import formats
from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    W3Segment,
)
from whoosh.filedb.structfile import StructFile
from whoosh.util.numeric import length_to_byte
from whoosh.writing import PostingPool

from tuireader.search.whoosh_buffers import WhooshChanged
from tuireader.search.whoosh_pool import TermPostings


class CachedLengths:
    """A segment's field lengths, read once per (field, document). They cannot change while
    the postings are written, so a list per field gives the same values."""

    def __init__(self, lengths) -> None:
        self._lengths = lengths
        self._fields: dict[str, list[int | None]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._lengths.doc_field_length
            count = self._lengths.doc_count_all()
            lengths = self._fields[fieldname] = [read(d, fieldname, 0) for d in range(count)]
        if default == 0 and 0 <= docnum < len(lengths):  # add_postings' only call
            return lengths[docnum]
        return self._lengths.doc_field_length(docnum, fieldname, default)

    def field(self, fieldname: str) -> list[int | None]:
        """Every document's length of one field (read on first use)."""
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._lengths.doc_field_length
            count = self._lengths.doc_count_all()
            lengths = self._fields[fieldname] = [read(d, fieldname, 0) for d in range(count)]
        return lengths

    def __getattr__(self, name: str):
        return getattr(self._lengths, name)


SMALL_BLOCK = 256  # bytes of pickle: see FastPostingsWriter.small_block

_WHOOSH_POOL_ADD = PostingPool.add  # before install_pool replaces it


class _WhooshPool(PostingPool):
    """Whoosh's own pool, kept for `check` to compare with after the patch."""

    add = _WHOOSH_POOL_ADD


class FastPool(PostingPool):
    def add(self, item) -> None:
        """`PostingPool.add` without its type assertions: the same size estimate, so runs
        spill to disk at the same points."""
        self.fieldnames.add(item[0])
        # tuple 48, field name 21 + len, text 26 + 2 * len, docnum 18, weight 16, value 21 + len
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class FastPostingsWriter(W3PostingsWriter):
    _maxweight: float  # set by W3PostingsWriter._new_block
    _minlength: int | None
    _maxlength: int

    def add_posting(self, id_, weight, vbytes, length=None) -> None:
        """`W3PostingsWriter.add_posting` without its five isinstance assertions."""
        ids = self._ids
        if len(ids) >= self._blocklimit:
            self._write_block()
            ids = self._ids
        ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            minlength = self._minlength
            if minlength is None or length < minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    # Blocks whose pickle is shorter are written uncompressed (compression 0 in the block's
    # header, which every reader honours; Whoosh meant to skip those under 20 bytes and a
    # bug compresses all). zlib.compress costs ~25-50 us a call whatever the size (it
    # sets up 256 KB of state): most blocks are a term's one or two postings, and zlib made
    # them no smaller. 0 writes exactly Whoosh's bytes (`check`).
    small_block = SMALL_BLOCK

    def _write_block(self, last=False) -> None:
        """`W3PostingsWriter._write_block`, with small blocks left uncompressed."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = dumps(data, 2)
        comp = self._compression if len(databytes) >= self.small_block else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        postfile = self._postfile
        blocklength = len(infobytes) + len(databytes)
        if last:
            blocklength *= -1
        postfile.write_int(blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def add_many(self, docs, weights, values, lengths) -> None:
        """`add_posting` for each (doc, weight, value, length) of one term, a block at a
        time: the same blocks, statistics and bytes (`check` compares them)."""
        limit = self._blocklimit
        start, count = 0, len(docs)
        while start < count:
            if len(self._ids) >= limit:
                self._write_block()
            stop = min(count, start + limit - len(self._ids))
            self._ids.extend(docs[start:stop])
            chunk = weights[start:stop]
            self._weights.extend(chunk)
            top = max(chunk)
            if top > self._maxweight:
                self._maxweight = top
            self._values.extend([v for v in values[start:stop] if v])
            sized = [n for n in lengths[start:stop] if n]
            if sized:
                low, high = min(sized), max(sized)
                if self._minlength is None or low < self._minlength:
                    self._minlength = low
                if high > self._maxlength:
                    self._maxlength = high
            start = stop


class FastFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """`FieldWriter.add_postings` (base.py) with each field's lengths read once as a
        list and the postings writer called directly: per posting it was a length lookup
        through the column reader plus two method calls (~10 % of a build). The same
        checks, calls and order; `check` compares the bytes it writes with Whoosh's."""
        known = CachedLengths(lengths) if lengths else None
        if isinstance(items, TermPostings):
            return self._add_terms(schema, known, items)
        start_field, start_term = self.start_field, self.start_term
        finish_term, finish_field = self.finish_term, self.finish_field
        lastfn = lasttext = None
        field_lengths: list[int | None] = []
        add_posting = None
        for fieldname, btext, docnum, weight, value in items:
            if lastfn is not None and fieldname < lastfn:
                raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
            if fieldname == lastfn and lasttext and btext < lasttext:
                raise OutOfOrderError(f"Term {lastfn}:{lasttext!r} .. {fieldname}:{btext!r}")
            if fieldname != lastfn:
                if lasttext is not None:
                    finish_term()
                if lastfn is not None:
                    finish_field()
                start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
                field_lengths = known.field(fieldname) if known is not None else []
            if docnum == -1:  # a spelling-only item (Whoosh writes none of them either)
                continue
            if btext != lasttext:
                if lasttext is not None:
                    finish_term()
                start_term(btext)
                lasttext = btext
                add_posting = self._postwriter.add_posting
            length = field_lengths[docnum] if 0 <= docnum < len(field_lengths) else 0
            add_posting(docnum, weight, b"" if value is None else value, length)
        if lasttext is not None:
            finish_term()
        if lastfn is not None:
            finish_field()

    def _add_terms(self, schema, known: CachedLengths | None, items: TermPostings) -> None:
        """`add_postings` for a `TermPool`'s postings, a term at a time (they are sorted
        by field, term and doc number already: the same start/finish calls in the same
        order, and the postings writer's `add_many` instead of a call per posting)."""
        lastfn = None
        field_lengths: list[int | None] = []
        arrays = self._arrays_writer(known)
        fmt = None
        for fieldname, btext, (docs, weights, values) in items.terms():
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn = fieldname
                field_lengths = known.field(fieldname) if known is not None else []
                fmt = schema[fieldname].format
                if not fmt or not fmt.supports("positions"):
                    fmt = None
            if docs and docs[0] < 0:  # spelling-only items (Whoosh writes none of them)
                keep = [i for i, d in enumerate(docs) if d != -1]
                docs = [docs[i] for i in keep]
                weights = [weights[i] for i in keep]
                values = [values[i] for i in keep]
                if not docs:
                    continue
            count = len(field_lengths)
            if docs[0] >= 0 and docs[-1] < count:
                lengths = [field_lengths[d] for d in docs]
            else:
                lengths = [field_lengths[d] if 0 <= d < count else 0 for d in docs]
            self.start_term(btext)
            start = self._postfile.tell()
            self._postwriter.add_many(_listed(docs), _listed(weights), values, lengths)
            self.finish_term()
            if arrays is not None and len(docs) >= arrays.min_postings:
                arrays.add((start, self._postfile.tell() - start), docs, weights, values, fmt)
        if lastfn is not None:
            self.finish_field()
        if arrays is not None:
            arrays.write()

    def _arrays_writer(self, known: CachedLengths | None):  # -> derived.SegmentArraysWriter
        """The segment's derived arrays (vector.derived), when it is written to a folder
        (imported here: numpy is not needed to open the index)."""
        from tuireader.search.vector import derived

        folder = derived.folder_of(self._storage)
        if folder is None or known is None:
            return None
        return derived.SegmentArraysWriter(
            folder, self._segment.segment_id(), known.doc_count_all()
        )


def _listed(numbers: array | list) -> list:
    return numbers.tolist() if isinstance(numbers, array) else numbers


class FastCodec(W3Codec):
    def field_writer(self, storage, segment):
        return FastFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return FastPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def new_segment(self, storage, indexname):
        """The segment (pickled into the index's table of contents) names Whoosh's own
        codec: reading never needs this module, and renaming it cannot break an index."""
        plain = W3Codec(self._blocklimit, self._compression, self._inlinelimit)
        return W3Segment(plain, indexname)


def writer_options() -> dict:
    """Keyword arguments for `ix.writer(...)`: our codec, once `check` passed (and the
    pool's `add` installed, which forked index workers inherit)."""
    check()
    install_pool()
    return {"codec": FastCodec()}


def install_pool() -> None:
    if PostingPool.add is not FastPool.add:
        PostingPool.add = FastPool.add


@lru_cache(maxsize=1)
def check() -> None:
    """Raise WhooshChanged unless the fast classes write what Whoosh's own write."""
    if tuple(whoosh.__version__[:2]) != (2, 7):  # the code these subclasses rewrite
        raise WhooshChanged(f"Whoosh {whoosh.__version__} is not 2.7: review whoosh_codec.py")
    try:
        whoosh_bytes = _postings_bytes(W3PostingsWriter)
        same_postings = whoosh_bytes == _postings_bytes(FastPostingsWriter)
        same_postings &= whoosh_bytes == _postings_bytes(FastPostingsWriter, bulk=True)
        same_pool = _pool_state(_WhooshPool) == _pool_state(FastPool)
        plain = FastCodec().new_segment(None, "probe").codec()
    except (AttributeError, TypeError) as exc:
        raise WhooshChanged(
            f"Whoosh's writer internals changed ({exc}): review search/whoosh_codec.py"
        ) from exc
    if not (same_postings and same_pool and type(plain) is W3Codec):
        raise WhooshChanged(
            "Whoosh's writer no longer matches search/whoosh_codec.py "
            f"(postings equal: {same_postings}, pool equal: {same_pool}): review it"
        )
    params = list(inspect.signature(W3FieldWriter.add_postings).parameters)
    if params != ["self", "schema", "lengths", "items"]:
        raise WhooshChanged(f"Whoosh's FieldWriter.add_postings{params} changed: review it")


def _postings_bytes(cls, *, bulk: bool = False) -> bytes:
    """Two terms' postings (blocks of 3, values, empty values and lengths, zero lengths)
    written to memory, a posting at a time or (bulk) with `add_many`."""
    from whoosh.codec.whoosh3 import W3TermInfo

    buf = io.BytesIO()
    dbfile = StructFile(buf)
    writer = cls(dbfile, blocklimit=3, compression=3, inlinelimit=1)
    if cls is FastPostingsWriter:
        writer.small_block = 0  # compress every block, as Whoosh does
    fmt = formats.Positions()
    for term in range(2):
        writer.start_postings(fmt, W3TermInfo())
        docs = [doc * 2 + term for doc in range(7)]
        weights = [float(doc % 3 + 1) for doc in range(7)]
        values = [bytes([doc, term, doc + term]) if doc != 3 else b"" for doc in range(7)]
        lengths = [(doc + 2) % 5 for doc in range(7)]
        if bulk:
            writer.add_many(docs, weights, values, lengths)
        else:
            for posting in zip(docs, weights, values, lengths, strict=True):
                writer.add_posting(*posting)
        writer.finish_postings()
    return buf.getvalue()


def _pool_state(cls) -> tuple:
    pool = cls(tempstore=None, segment=None, limitmb=1)
    for item in (("body", b"ferry", 1, 1.0, b"\x01"), ("title", b"x", 2, 2.0, None)):
        pool.add(item)
    return pool.currentsize, sorted(pool.fieldnames), list(pool.current)
