"""Word, sentence and paragraph boundaries in body offsets, for keyboard selection.

A word is a run of non-space characters (so "end." keeps its full stop); a sentence ends at
., ! ?  or … (plus closing quotes/brackets) followed by a space, or at the end of its block;
a paragraph is a block. Sentences never cross blocks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from tuireader.tui.widgets.reader_document import ReaderDocument

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]»]*(?=\s|$)")


def word_at(doc: ReaderDocument, pos: int) -> tuple[int, int]:
    """The word at `pos`, or the next one after it (empty at the very end)."""
    body = doc.body
    pos = max(0, min(pos, len(body)))
    while pos > 0 and not body[pos - 1].isspace():
        pos -= 1
    match = _WORD.search(body, pos)
    if match is None:
        return len(body), len(body)
    return match.start(), match.end()


def word_end_after(doc: ReaderDocument, pos: int) -> int:
    match = _WORD.search(doc.body, pos)
    return match.end() if match else len(doc.body)


def word_end_before(doc: ReaderDocument, pos: int) -> int:
    body = doc.body
    i = min(pos, len(body))
    while i > 0 and not body[i - 1].isspace():
        i -= 1
    while i > 0 and body[i - 1].isspace():
        i -= 1
    return i


def _sentence_ends(doc: ReaderDocument, index: int) -> list[int]:
    """Body offsets where the sentences of block `index` end (its end included)."""
    base = doc.starts[index]
    text = doc.blocks[index].text
    ends = [base + m.end() for m in _SENTENCE_END.finditer(text)]
    block_end = base + len(text.rstrip())
    if not ends or ends[-1] < block_end:
        ends.append(block_end)
    return ends


def sentence_at(doc: ReaderDocument, pos: int) -> tuple[int, int]:
    """The sentence holding `pos` as (start, end) body offsets, surrounding spaces trimmed."""
    index = doc.block_at(pos)
    if index < 0:
        return 0, 0
    ends = _sentence_ends(doc, index)
    i = min(bisect_right(ends, pos), len(ends) - 1)
    start = ends[i - 1] if i else doc.starts[index]
    body = doc.body
    while start < ends[i] and body[start].isspace():
        start += 1
    return start, ends[i]


def sentence_end_after(doc: ReaderDocument, pos: int) -> int:
    index = doc.block_at(pos)
    while 0 <= index < len(doc.blocks):
        ends = _sentence_ends(doc, index)
        i = bisect_right(ends, pos)
        if i < len(ends):
            return ends[i]
        index += 1
    return len(doc.body)


def sentence_end_before(doc: ReaderDocument, pos: int) -> int:
    index = doc.block_at(pos)
    while index >= 0:
        ends = _sentence_ends(doc, index)
        i = bisect_left(ends, pos)
        if i > 0:
            return ends[i - 1]
        index -= 1
    return 0


def paragraph_end_after(doc: ReaderDocument, pos: int) -> int:
    index = doc.block_at(pos)
    if index < 0:
        return len(doc.body)
    end = doc.block_end(index)
    if end <= pos and index + 1 < len(doc.blocks):
        end = doc.block_end(index + 1)
    return max(end, pos)


def paragraph_end_before(doc: ReaderDocument, pos: int) -> int:
    index = doc.block_at(pos)
    while index >= 0:
        end = doc.block_end(index)
        if end < pos:
            return end
        index -= 1
    return 0
