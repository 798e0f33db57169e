"""Whitespace clean-up shared by the parsers: NBSPs, trailing spaces, paragraph breaks."""

from __future__ import annotations

import re
import unicodedata

from tuireader.text.inert import clean_text

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n[ \t\u00a0]*\n\s*")


def normalise_text(text: str) -> str:
    """NFC, inert (no control/escape sequences), LF line ends, no odd spaces."""
    text = clean_text(unicodedata.normalize("NFC", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def split_paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines (already normalised text)."""
    return [block.strip("\n") for block in _BLANKS.split(text.strip("\n")) if block.strip()]


def reflow(block: str) -> str:
    """Join hard-wrapped lines of one paragraph; keep short lines (verse, lists) as they are."""
    lines = block.split("\n")
    if len(lines) == 1:
        return block
    if all(len(line) >= 40 for line in lines[:-1]) and not any(
        line.lstrip().startswith(("-", "*", "•", "> ")) for line in lines
    ):
        return " ".join(lines)
    return block


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)
