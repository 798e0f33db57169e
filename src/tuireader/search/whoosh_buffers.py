"""Reading index files straight from the memory map, without Whoosh's copy of each one.

Whoosh maps every compound segment file, then wraps each sub-file's memoryview in
`BufferFile`, whose `BytesIO(buf)` copies it: opening a searcher on 100k articles copied
every posting and term file into memory (1.1 GB resident before the first query, twice the
index's 527 MB on disk). `_ViewReader` reads the view in place; the pages the OS maps in are
file-backed and shared, so they cost no private memory and are dropped under pressure.

The patch checks the shape of the class it replaces and raises `WhooshChanged` when Whoosh
no longer looks as it was when this was written (tested against whoosh-reloaded 2.7.5).
"""

from __future__ import annotations

import io
import struct
from array import array
from itertools import accumulate

from whoosh import columns
from whoosh.filedb import structfile


class WhooshChanged(RuntimeError):
    """A Whoosh internal we patch is not the one we know: a bug to fix, never damage."""


class _ViewReader(io.RawIOBase):
    """A read-only, seekable file over a buffer, reading slices of it (no copy up front)."""

    def __init__(self, view) -> None:
        super().__init__()
        self._view = memoryview(view).cast("B") if not isinstance(view, bytes) else view
        self._pos = 0
        self._size = len(self._view)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        chunk = self._view[start:end]
        newline = bytes(chunk).find(b"\n") if len(chunk) < 4096 else -1
        if newline < 0 and len(chunk) >= 4096:  # long tail: find it without copying it all
            for i in range(0, len(chunk), 4096):
                found = bytes(chunk[i : i + 4096]).find(b"\n")
                if found >= 0:
                    newline = i + found
                    break
        stop = end if newline < 0 else start + newline + 1
        self._pos = stop
        return bytes(self._view[start:stop])

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos


def _init(self, buf, name=None, onclose=None) -> None:
    self._buf = buf
    self._name = name
    self.file = _ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


_WHOOSH_READ_OFFSETS = columns.VarBytesColumn.Reader._read_offsets_and_lengths  # tests compare


def _offsets_from_lengths(self) -> None:
    """`VarBytesColumn.Reader._read_offsets_and_lengths` with the offsets summed at C speed
    (`accumulate`): Whoosh's loop appended one offset a document in Python, 1-2 ms per
    segment of stored fields at 100k, paid by the first search of every process."""
    dbfile, basepos, doccount = self._dbfile, self._basepos, self._doccount
    lastbyte = basepos + self._length - 1
    lens_code = chr(dbfile.get_byte(lastbyte))
    offsets = None
    if lens_code == "X":
        self.had_stored_offsets = True
        lens_code = chr(dbfile.get_byte(lastbyte - 2))
        offsets_code = chr(dbfile.get_byte(lastbyte - 1))
        offsetstart = (lastbyte - 2) - doccount * struct.calcsize(offsets_code)
        offsets = dbfile.get_array(offsetstart, offsets_code, doccount)
        lastbyte = offsetstart
    lenstart = lastbyte - struct.calcsize(lens_code) * doccount
    lengths = dbfile.get_array(lenstart, lens_code, doccount)
    if offsets is None:
        offsets = array("L", accumulate(lengths, initial=0))
        offsets.pop()
    self._offsets = offsets
    self._lengths = lengths


def _install_offsets() -> None:
    cls = getattr(getattr(columns, "VarBytesColumn", None), "Reader", None)
    original = getattr(cls, "_read_offsets_and_lengths", None)
    if cls is None or original is None:
        raise WhooshChanged("whoosh.columns.VarBytesColumn.Reader changed: review whoosh_buffers")
    if original is _offsets_from_lengths:
        return
    cls._read_offsets_and_lengths = _offsets_from_lengths


def install() -> None:
    """Make Whoosh's BufferFile read its buffer in place, and its variable-length column
    readers sum their offsets in C (once; checked)."""
    _install_offsets()
    cls = getattr(structfile, "BufferFile", None)
    if cls is None or cls.__init__ is _init:
        if cls is None:
            raise WhooshChanged("whoosh.filedb.structfile.BufferFile is gone")
        return
    probe = cls(b"ab\ncd", name="probe")
    expected = ("_buf", "_name", "file", "onclose", "is_real", "is_closed")
    if not all(hasattr(probe, a) for a in expected) or probe.get(1, 2) != b"b\n":
        raise WhooshChanged("whoosh's BufferFile changed: review whoosh_buffers")
    cls.__init__ = _init
    probe = cls(b"ab\ncd", name="probe")
    if probe.read(3) != b"ab\n" or probe.get(3, 2) != b"cd" or probe.tell() != 3:
        raise WhooshChanged("whoosh's BufferFile does not read through whoosh_buffers")
