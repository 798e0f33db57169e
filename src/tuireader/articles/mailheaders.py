"""The header block of a saved e-mail or Usenet post (RFC 5322), read before the body.

Any field name counts (printable ASCII without a colon: `Path:`, `NNTP-Posting-Host:`,
`Article-I.D.:`), folded continuation lines are joined, and RFC 2047 encoded words
(`=?utf-8?q?J=C3=B6rg?=`) are decoded. An mbox `From ` separator line before the block is
skipped. The block ends at the first blank line; the rest is the body.

A block is taken as headers only when every line is a field or a continuation and one of
Subject/Title/From/Date is there, so prose such as "Note: ..." stays text.
"""

from __future__ import annotations

import contextlib
import re
from email.header import decode_header, make_header
from email.utils import parseaddr

from tuireader.text.inert import clean_line

_FIELD = re.compile(r"^([\x21-\x39\x3b-\x7e]{1,76}):(?:[ \t]+(.*)|$)")
_FIELD_TIGHT = re.compile(r"^([\x21-\x39\x3b-\x7e]{1,76}):(.*)$")
_MBOX_FROM = re.compile(r"^From \S+")
_KEY_FIELDS = frozenset({"subject", "title", "from", "date"})
# Names a block may open with even without a space after the colon (`From:kai@...`); any
# other first line needs one, so `http://...` or `Note:...` prose is not a header.
_OPENING_FIELDS = _KEY_FIELDS | {
    "newsgroups", "path", "xref", "message-id", "received", "return-path", "to", "sender",
}  # fmt: skip
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_MAX_HEADER_LINES = 400


def split_headers(text: str) -> tuple[dict[str, str], str]:
    """(lower-cased field name -> decoded one-line value, the text after the block); no
    headers and the whole text when the text does not open with a header block."""
    lines = text.lstrip("\ufeff\n").split("\n")
    start = 1 if lines and _MBOX_FROM.match(lines[0]) and not _FIELD.match(lines[0]) else 0
    fields: list[list[str]] = []
    end = start
    for end in range(start, min(len(lines), start + _MAX_HEADER_LINES)):
        line = lines[end].rstrip("\r")
        if not line.strip():
            break
        if line[0] in " \t" and fields:
            fields[-1][1] += " " + line.strip()
            continue
        match = _FIELD_TIGHT.match(line) if fields else _FIELD.match(line)
        if not match and not fields:
            match = _FIELD_TIGHT.match(line)
            match = match if match and match.group(1).lower() in _OPENING_FIELDS else None
        if not match:
            return {}, text
        fields.append([match.group(1).lower(), (match.group(2) or "").strip()])
    else:
        return {}, text  # no blank line ends the block: not a message
    if not fields or not {name for name, _ in fields} & _KEY_FIELDS:
        return {}, text
    headers: dict[str, str] = {}
    for name, value in fields:
        if name not in headers and value:
            headers[name] = value if name == "from" else decode_words(value)
    return headers, "\n".join(lines[end + 1 :])


def decode_words(value: str) -> str:
    """A header value with its RFC 2047 encoded words decoded, as one inert line."""
    if _ENCODED_WORD.search(value):
        # an unknown charset or a broken word: the raw text is kept
        with contextlib.suppress(LookupError, ValueError, UnicodeError, AssertionError):
            value = str(make_header(decode_header(value)))
    return clean_line(value)


def author_from(value: str | None) -> str | None:
    """The display name of a From header ("Jane Roe <j@x>", "j@x (Jane Roe)"), else the
    address, else the text itself."""
    if not value:
        return None
    name, address = parseaddr(value)
    name = decode_words(name.strip('"')) if name else ""
    return name or address or decode_words(value) or None
