"""Make untrusted text inert: no terminal escape sequences, no control characters.

Article text and metadata come from arbitrary files. Everything shown in a terminal (CLI or
TUI) passes through `clean_text`/`clean_line`, so an OSC 52 clipboard write, a title-setting
sequence or a cursor movement hidden in a file can never reach the terminal. Parsers clean
at the source too, so the index, exports and annotations only ever hold inert text.
"""

from __future__ import annotations

import re

# Complete escape sequences first (7-bit ESC forms and their 8-bit C1 equivalents), so their
# parameters disappear with them instead of being left behind as visible garbage. String
# sequences (OSC, DCS, SOS, PM, APC) go only when terminated, within 4096 characters: C1 bytes
# are common in mojibake ("\x98" from a mis-decoded quote), and an unterminated one must not
# swallow the rest of the page. Without its introducer (a control, removed below) the
# remainder is plain text.
_SEQUENCES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[\x20-/]*[@-~]?          # CSI ... final
  | (?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]{0,4096}(?:\x07|\x1b\\|\x9c)   # OSC ... BEL/ST
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]{0,4096}(?:\x1b\\|\x9c)  # DCS/SOS/PM/APC ... ST
  | \x1b[\x20-/]*[0-~]?                           # other ESC sequences (charset, keypad...)
    """,
    re.VERBOSE,
)
# C0 controls except TAB and LF, DEL, C1 controls, bidi embeddings/overrides/isolates
# (they reorder what the reader sees: "Trojan Source"), and invisible zero-width marks that
# hide text from search. ZWJ/ZWNJ stay: emoji sequences and several scripts need them.
CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SEQUENCE_START = re.compile("[\x1b\x80-\x9f]")  # a regex scan: fast on a 15 MB line


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters; keep newlines and tabs."""
    if not text:
        return text
    text = _LINE_BREAKS.sub("\n", text)
    if _SEQUENCE_START.search(text):
        text = _SEQUENCES.sub("", text)
    return CONTROL_CHARS.sub("", text)


# Code points JSON may carry raw but a terminal acts on (C1 controls, bidi and zero-width
# marks, line separators) or an encoder refuses (lone surrogates from undecodable file names).
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def inert_json(serialised: str) -> str:
    """JSON text (from json.dumps, ensure_ascii=False) with those code points written as
    \\uXXXX escapes: the same data, lossless, but safe to print and to encode as UTF-8.
    Outside strings JSON is ASCII, so every match is inside a string."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", serialised)


def clean_line(text: str | None) -> str:
    """Like `clean_text`, for one-line fields (titles, authors, tags): newlines become spaces."""
    if not text:
        return ""
    if text.isprintable() and "  " not in text:
        # Nothing to remove: printable text has no control, format (bidi, zero-width) or
        # separator characters other than the plain space. The list pane formats 100,000
        # titles and authors, and this test is ~20x cheaper than the regexes.
        return text.strip()
    text = clean_text(text).replace("\t", " ").replace("\n", " ")
    return re.sub(r" {2,}", " ", text).strip()
