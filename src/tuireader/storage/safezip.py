"""Reading untrusted ZIP files (export archives, EPUB books) without trusting their headers.

A ZIP names its members and declares their sizes; both can lie. Names that climb out of the
archive (`../x`, `/etc/x`, `C:\\x`) are refused by name, and every member is read through a
counting reader that stops at the caps, whatever the header said: a zip bomb costs at most
`max_member` bytes of memory and `max_total` bytes of reading.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

MAX_MEMBER = 32 * 1024 * 1024  # one member, uncompressed
MAX_TOTAL = 512 * 1024 * 1024  # every member read from one archive
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB
_RATIO_FLOOR = 1024 * 1024


# What reading a damaged member raises: a bad CRC or header (BadZipFile), a corrupt deflate
# (zlib.error), LZMA (LZMAError) or BZIP2 stream (OSError), a stream cut short (EOFError), an
# unknown method (NotImplementedError), a password needed (RuntimeError).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


class ZipRefused(Exception):
    """A member (or the whole archive) that is not read, with the reason as its message."""


def unsafe_name(name: str) -> str | None:
    """Why a member name may not be used (None when it is a plain relative path)."""
    if not name or "\x00" in name:
        return "an empty name"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "a path that climbs out of the archive ('..')"
    return None


@dataclass
class SafeZip:
    """An open archive whose members are read under the caps."""

    path: Path | IO[bytes]
    max_member: int = MAX_MEMBER
    max_total: int = MAX_TOTAL
    read_total: int = 0
    _zip: zipfile.ZipFile = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
            raise ZipRefused(f"not a readable ZIP file ({exc})") from exc

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        """Every file member's name (folders left out), unsafe ones included."""
        return [info.filename for info in self._zip.infolist() if not info.is_dir()]

    def has(self, name: str) -> bool:
        try:
            self._zip.getinfo(name)
        except KeyError:
            return False
        return True

    def read(self, name: str) -> bytes:
        """The member's bytes, or ZipRefused (unsafe name, too big, bomb-like, damaged)."""
        why = unsafe_name(name)
        if why:
            raise ZipRefused(f"{_quoted(name)}: refused, {why}")
        try:
            info = self._zip.getinfo(name)
        except KeyError as exc:
            raise ZipRefused(f"{_quoted(name)}: not in the archive") from exc
        if info.flag_bits & 0x1:
            raise ZipRefused(f"{_quoted(name)}: encrypted")
        if info.file_size > self.max_member:
            raise ZipRefused(f"{_quoted(name)}: too large ({info.file_size} bytes uncompressed)")
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            1, info.compress_size
        ):
            raise ZipRefused(f"{_quoted(name)}: refused, compression ratio looks like a zip bomb")
        budget = min(self.max_member, self.max_total - self.read_total)
        if budget <= 0:
            raise ZipRefused(f"{_quoted(name)}: the archive's total size cap is reached")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(budget + 1)
        except _DAMAGED as exc:
            raise ZipRefused(f"{_quoted(name)}: damaged ({_one_line(exc)})") from exc
        self.read_total += len(data)
        if len(data) > budget:  # the header lied about the size
            raise ZipRefused(f"{_quoted(name)}: larger than its header says, or over the size cap")
        return data


def _quoted(name: str) -> str:
    """A member's name for a message: quoted as it reads, never as a Python repr (which
    wrote a no-break space as a literal "\\xa0"); controls are escaped where it is printed."""
    return f"'{' '.join(name.split())[:200]}'"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or "unreadable data"
