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
from functools import lru_cache

import whoosh
from whoosh import formats
from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3Segment
from whoosh.filedb.structfile import StructFile
from whoosh.writing import PostingPool

from tuireader.search.whoosh_buffers import WhooshChanged


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


class FastFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """`FieldWriter.add_postings` (base.py) with each field's lengths read once as a
        list and the postings writer called directly: per posting it was a length lookup
        through the column reader plus two method calls (~10 % of a build). The same
        checks, calls and order; `check` compares the bytes it writes with Whoosh's."""
        known = CachedLengths(lengths) if lengths else None
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
        same_postings = _postings_bytes(W3PostingsWriter) == _postings_bytes(FastPostingsWriter)
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


def _postings_bytes(cls) -> bytes:
    """Two terms' postings (blocks of 3, values and lengths) written to memory."""
    from whoosh.codec.whoosh3 import W3TermInfo

    buf = io.BytesIO()
    dbfile = StructFile(buf)
    writer = cls(dbfile, blocklimit=3, compression=3, inlinelimit=1)
    fmt = formats.Positions()
    for term in range(2):
        writer.start_postings(fmt, W3TermInfo())
        for doc in range(7):
            value = bytes([doc, term, doc + term])
            writer.add_posting(doc * 2 + term, float(doc % 3 + 1), value, doc + 2)
        writer.finish_postings()
    return buf.getvalue()


def _pool_state(cls) -> tuple:
    pool = cls(tempstore=None, segment=None, limitmb=1)
    for item in (("body", b"ferry", 1, 1.0, b"\x01"), ("title", b"x", 2, 2.0, None)):
        pool.add(item)
    return pool.currentsize, sorted(pool.fieldnames), list(pool.current)
