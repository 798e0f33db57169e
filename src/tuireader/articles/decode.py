"""Turn a file's bytes into text, whatever encoding it was saved in.

Order: byte-order marks, strict UTF-8 (by far the most common), then charset-normalizer's
detection for the rest (Latin-1, cp1252, UTF-16 without BOM...). Data that no encoding explains
cleanly is reported as binary rather than shown as mojibake.
"""

from __future__ import annotations

import codecs

from tuireader.articles.errors import SkipFile

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x7fELF",
    b"\x1f\x8b",
    b"SQLite format 3",
)


def decode_bytes(data: bytes) -> str:
    """Decode article bytes; raise SkipFile('binary ...') when they are not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise SkipFile(f"invalid {encoding} text after byte-order mark") from exc
    if data.startswith(_BINARY_MAGIC):
        raise SkipFile("binary file")
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    elif _looks_utf16(data):
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = ""
        if _mostly_text(text):
            return text
        raise SkipFile("binary file (contains NUL bytes)")
    else:
        raise SkipFile("binary file (contains NUL bytes)")
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    if _mostly_ascii(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    best = _best_guess(data[:200_000])
    if best is None or best.encoding is None:
        raise SkipFile("binary file or unknown text encoding")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        # the sample decoded but the whole file does not: keep what is readable
        text = data.decode(best.encoding, errors="replace")
    if not _mostly_text(text):
        raise SkipFile("binary file or unknown text encoding")
    return text


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a page cut and joined, one stray Latin-1 byte), read with
    each bad sequence shown as U+FFFD: only when its good multi-byte characters outnumber
    the bad sequences tenfold, so a cp1252 file (none good) is not read as UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if c > "\x7f") - bad
    return text if good >= 10 * bad else None


_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _best_guess(sample: bytes):
    """charset-normalizer's pick, but cp1252 wins ties: short Western text scores the same
    in several single-byte code pages, and cp1252 is by far the likeliest of them."""
    from charset_normalizer import from_bytes  # only for files that are not UTF-8

    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if (
            match.encoding in _WESTERN
            and match.chaos <= best.chaos + 0.01
            and match.coherence >= best.coherence - 0.05
        ):
            return match
    return best


def _mostly_ascii(data: bytes) -> bool:
    """Latin-script text that is not UTF-8 is nearly all ASCII with a few accented bytes;
    there, cp1252 (a superset of Latin-1's printable range) is the right reading, while
    charset detection on so few clues often guesses a Central European or CJK code page."""
    sample = data[:200_000]
    high = sum(1 for b in sample if b >= 0x80)
    return high <= len(sample) * 0.05


def _mostly_text(text: str) -> bool:
    """Real text is overwhelmingly printable characters and ordinary whitespace."""
    sample = text[:20_000]
    if not sample:
        return False
    odd = sum(1 for ch in sample if not (ch.isprintable() or ch in "\n\r\t"))
    return odd <= len(sample) * 0.02


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 text without a BOM has NULs in every other byte (for mostly-Latin text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return max(even, odd) > 0.7 * half and min(even, odd) < 0.05 * half
