"""Lay a ReaderDocument out as display lines that remember their body offsets.

Wrapping is the only O(article) step of opening an article, so it is a plain greedy loop over
`str.rfind` (no per-character work for text whose characters are one cell wide) and the
result is cached per width by the view.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size

from tuireader.tui.widgets.reader_document import ReaderDocument

QUOTE_BAR = "▌ "
CODE_PAD = " "
_HANG = re.compile(r"\s*(?:•|\d+[.)])?\s*")


class Line(NamedTuple):
    """One display line: body[start:end] (or `text` for header lines) after a `prefix`."""

    start: int
    end: int
    kind: str  # title, meta, source, hrule, blank, or a block kind
    level: int
    block: int  # block index, -1 for header and blank lines
    prefix: str  # decoration that is not body text (quote bars, hanging indent, padding)
    text: str | None = None
    picture: int = -1  # a line of `doc.pictures[picture]` (its pixel row pair `level`)


@dataclass
class Layout:
    """The lines of one document at one content width, with the offset map."""

    width: int
    lines: list[Line]
    starts: list[int]

    def line_of_offset(self, offset: int) -> int:
        if not self.lines:
            return 0
        return max(0, bisect_right(self.starts, offset) - 1)

    def offset_at_line(self, y: int) -> int:
        if not self.lines:
            return 0
        return self.lines[max(0, min(y, len(self.lines) - 1))].start


def layout(doc: ReaderDocument, width: int) -> Layout:
    """Wrap the header and every block of `doc` to `width` cells."""
    width = max(width, 8)
    lines: list[Line] = []
    _header(doc, width, lines)
    body = doc.body
    images: dict[int, list[tuple[str, int, int]]] = {}  # (text, picture, its rows)
    for number, (at, text) in enumerate(doc.images):
        picture = doc.pictures[number] if number < len(doc.pictures) else None
        images.setdefault(at, []).append((text, number, picture.rows if picture else 0))
    for index, (block, base) in enumerate(zip(doc.blocks, doc.starts, strict=True)):
        if index:
            lines.append(Line(base - 2, base - 2, "blank", 0, -1, ""))
        if index in images:
            _images(images[index], base, width, lines, after=False)
        kind = block.kind
        if kind == "code" or kind == "table":
            pad = CODE_PAD if kind == "code" else ""
            _hard(block.text, base, width - len(pad), kind, block.level, index, pad, lines)
        elif kind == "rule":
            left = " " * max(0, (width - len(block.text)) // 2)
            lines.append(Line(base, base + len(block.text), kind, 0, index, left))
        else:
            prefix, hang = "", 0
            if kind == "quote":
                prefix = QUOTE_BAR * max(1, block.level)
            elif kind == "item":
                match = _HANG.match(block.text)
                hang = cell_len(match.group()) if match else 0
                if hang * 2 > width:
                    hang = 0
            _soft(body, block.text, base, width, kind, block.level, index, prefix, hang, lines)
    tail = [text for at, texts in images.items() if at >= len(doc.blocks) for text in texts]
    if tail:
        _images(tail, len(body), width, lines, after=True)
    return Layout(width, lines, [line.start for line in lines])


def _images(
    texts: list[tuple[str, int, int]], at: int, width: int, lines: list[Line], *, after: bool
) -> None:
    """Placeholder lines for images at body offset `at`: decorations (`text`), wrapped, each
    followed by its picture's lines if it has one, a blank line between them and the text
    (before the block, or after the last one)."""
    if after and lines:
        lines.append(Line(at, at, "blank", 0, -1, ""))
    for number, (text, picture, rows) in enumerate(texts):
        if number:
            lines.append(Line(at, at, "blank", 0, -1, ""))
        for start, end in _wrap_runs(text, width, 0, 0):
            lines.append(Line(at, at, "image", 0, -1, "", text[start:end]))
        for row in range(rows):
            lines.append(Line(at, at, "picture", row, -1, "", "", picture))
    if not after:
        lines.append(Line(at, at, "blank", 0, -1, ""))


def _header(doc: ReaderDocument, width: int, lines: list[Line]) -> None:
    def add(kind: str, text: str) -> None:
        for start, end in _wrap_runs(text, width, 0, 0):
            lines.append(Line(0, 0, kind, 0, -1, "", text[start:end]))

    if doc.title:
        add("title", doc.title)
    meta = " · ".join(part for part in (doc.author, doc.date, doc.site) if part)
    if meta:
        add("meta", meta)
    if doc.source:
        lines.append(Line(0, 0, "source", 0, -1, "", doc.source))  # cropped when drawn
    if lines:
        lines.append(Line(0, 0, "hrule", 0, -1, "", "─" * width))
        lines.append(Line(0, 0, "blank", 0, -1, ""))


def _soft(
    body: str,
    text: str,
    base: int,
    width: int,
    kind: str,
    level: int,
    block: int,
    prefix: str,
    hang: int,
    lines: list[Line],
) -> None:
    """Word-wrap a block; hard line breaks inside it are kept."""
    avail = max(4, width - cell_len(prefix))
    hanging = prefix + " " * hang
    pos = 0
    for number, part in enumerate(text.split("\n")):
        if number == 0:
            runs = _wrap_runs(part, avail, hang, hang)
        else:
            runs = _wrap_runs(part, max(4, avail - hang), 0, 0)
        for start, end in runs:
            lead = prefix if number == 0 and start == 0 else hanging
            lines.append(Line(base + pos + start, base + pos + end, kind, level, block, lead))
        pos += len(part) + 1


def _hard(
    text: str,
    base: int,
    width: int,
    kind: str,
    level: int,
    block: int,
    pad: str,
    lines: list[Line],
) -> None:
    """Keep line breaks; cut over-long lines at the width (code, tables)."""
    width = max(4, width)
    pos = 0
    for part in text.split("\n"):
        start = 0
        n = len(part)
        while True:
            end = start + width if part.isascii() else _fit_cells(part, start, width)
            end = min(n, max(end, start + 1))
            lines.append(Line(base + pos + start, base + pos + end, kind, level, block, pad))
            start = end
            if start >= n:
                break
        pos += n + 1


def _wrap_runs(s: str, width: int, hang: int, protect: int) -> list[tuple[int, int]]:
    """Greedy word wrap of one hard line into (start, end) runs.

    Lines after the first are `hang` cells narrower (hanging indent); the first `protect`
    characters (a list bullet) are never a break point.
    """
    n = len(s)
    if n == 0:
        return [(0, 0)]
    fast = s.isascii() or cell_len(s) == n
    runs: list[tuple[int, int]] = []
    pos = 0
    w = width
    low = protect
    while pos < n:
        limit = pos + w if fast else _fit_cells(s, pos, w)
        if limit >= n:
            runs.append((pos, n))
            break
        cut = s.rfind(" ", pos + max(low, 1), limit + 1)
        if cut <= pos:
            end = max(limit, pos + 1)
            runs.append((pos, end))
            pos = end
        else:
            end = cut
            while end > pos and s[end - 1] == " ":
                end -= 1
            runs.append((pos, end))
            pos = cut + 1
            while pos < n and s[pos] == " ":
                pos += 1
        w = max(4, width - hang)
        low = 0
    return runs


def _fit_cells(s: str, pos: int, width: int) -> int:
    """The largest index j such that s[pos:j] fits in `width` cells."""
    used = 0
    j = pos
    n = len(s)
    while j < n:
        size = get_character_cell_size(s[j])
        if used + size > width:
            break
        used += size
        j += 1
    return j
