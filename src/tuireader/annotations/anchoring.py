"""Anchor a passage by its text, and find it again after the article changed.

Annotation tools (Hypothesis, the W3C TextQuoteSelector) anchor a passage by its exact text
plus a little context on each side; offsets alone break on the first edit. Here a passage
keeps both: offsets for speed, quote + prefix/suffix to re-anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tuireader.annotations.models import AmbiguousQuote, AnnotationError, QuoteNotFound

CONTEXT = 32  # characters of prefix and suffix kept with a quote
BOOKMARK_QUOTE = 60  # at most this many characters quoted at a bookmark's offset


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def anchor_span(body: str, start: int, end: int) -> Anchor:
    """The anchor of body[start:end]; a clear error for an empty or out-of-range span."""
    if not 0 <= start < end <= len(body):
        raise AnnotationError(
            f"passage {start}-{end} is not inside the article (0-{len(body)}) or is empty"
        )
    return Anchor(
        start,
        end,
        body[start:end],
        body[max(0, start - CONTEXT) : start],
        body[end : end + CONTEXT],
    )


def bookmark_anchor(body: str, offset: int) -> Anchor:
    """A short quote at `offset` and its context. The position snaps to the start of the
    word it falls in (or the next word, from a space), so a quote never opens mid-word."""
    if not 0 <= offset <= len(body):
        raise AnnotationError(f"offset {offset} is not inside the article (0-{len(body)})")
    offset = word_start(body, offset)
    text = body[offset : offset + BOOKMARK_QUOTE]
    paragraph_end = text.find("\n\n")
    if paragraph_end > 0:  # a quote from one paragraph only
        text = text[:paragraph_end]
    elif offset + BOOKMARK_QUOTE < len(body):
        cut = max(text.rfind(" "), text.rfind("\n"))
        if cut > BOOKMARK_QUOTE // 2:
            text = text[:cut]
    text = text.rstrip()
    end = offset + len(text)
    return Anchor(
        offset, end, text, body[max(0, offset - CONTEXT) : offset], body[end : end + CONTEXT]
    )


def word_start(body: str, offset: int) -> int:
    """The start of the word at `offset`; from white space, the start of the next word."""
    while offset > 0 and not body[offset - 1].isspace() and not body[offset].isspace():
        offset -= 1
    while offset < len(body) and body[offset].isspace():
        offset += 1
    return offset


def occurrences(body: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) of `quote` in `body`: exact first, else ignoring whitespace runs."""
    found: list[tuple[int, int]] = []
    at = body.find(quote)
    while at != -1:
        found.append((at, at + len(quote)))
        at = body.find(quote, at + 1)
    if found:
        return found
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(body)]


def find_quote(body: str, quote: str) -> Anchor:
    """The one place `quote` occurs in `body`, or QuoteNotFound / AmbiguousQuote."""
    quote = quote.strip()
    if not quote:
        raise QuoteNotFound("the quote is empty")
    spans = occurrences(body, quote)
    if not spans:
        raise QuoteNotFound(f"quote not found in the article: {_short(quote)!r}")
    if len(spans) > 1:
        raise AmbiguousQuote(
            f"quote occurs {len(spans)} times in the article; quote more words: {_short(quote)!r}",
            len(spans),
        )
    return anchor_span(body, *spans[0])


def relocate(body: str, quote: str, prefix: str, suffix: str, hint: int) -> tuple[int, int] | None:
    """Where the quoted passage is now, or None when it is gone.

    Among the occurrences of the quote, prefer the one whose surrounding text matches the
    saved context best, then the one nearest the old offset `hint`.
    """
    if not quote:
        return None
    if body[hint : hint + len(quote)] == quote and context_score(
        body, hint, hint + len(quote), prefix, suffix
    ) == len(prefix) + len(suffix):
        return hint, hint + len(quote)
    spans = occurrences(body, quote)
    if not spans:
        return None
    return max(
        spans, key=lambda s: (context_score(body, s[0], s[1], prefix, suffix), -abs(s[0] - hint))
    )


def context_score(body: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of the saved prefix and suffix match around body[start:end]."""
    before = body[max(0, start - len(prefix)) : start]
    after = body[end : end + len(suffix)]
    return _common_suffix(prefix, before) + _common_prefix(suffix, after)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
