"""Markdown source -> reading blocks with inline styles.

The same function gives the Markdown article its plain `body` (blocks joined by blank lines)
and gives the reading pane its structure (headings, lists, quotes, code, emphasis). Because
both come from one pass, a character offset into the body (a search hit, a highlight) points
at the same character the reader sees.

`==marked text==` (Obsidian, Typora and its Web Clipper's highlights) is read as a "mark"
span: the `==` go, the text stays, and `marked_spans` gives the body offsets so an import can
turn them into highlights. `block_headings` is the outline: each heading with its offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from tuireader.articles.model import Heading

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _markdown() -> MarkdownIt:
    """The parser, made on first use: the reader starts without loading markdown-it.
    text_join off: an escaped character (`\\=`) or an entity stays its own token, so
    `\\=\\=` is never read as a `==` mark delimiter."""
    from markdown_it import MarkdownIt

    return (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .disable("text_join")
    )


_INLINE_STYLES = {"em": "italic", "strong": "bold", "s": "strike"}
MARK = "mark"  # the span style of ==marked text==
# `==` not part of a longer run of `=` (a setext underline, "a === b")
_MARK_DELIMITER = re.compile(r"(?<!=)==(?!=)")


@dataclass
class Block:
    """One displayed block: its text (as in the body) and styled spans within it."""

    kind: str  # heading, paragraph, item, quote, code, rule, table
    text: str
    level: int = 0  # heading level, or list/quote nesting depth
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, style)
    links: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, url)


def markdown_blocks(source: str) -> list[Block]:
    """Parse Markdown into reading blocks (no markup survives as text except in code)."""
    tokens = _markdown().parse(source)
    blocks: list[Block] = []
    quote_depth = 0
    list_stack: list[list[int | None]] = []  # per open list: [next number or None]
    pending_prefix = ""
    heading_level = 0
    in_table_row: list[str] | None = None
    cell_text: list[str] = []
    for tok in tokens:
        t = tok.type
        if t == "blockquote_open":
            quote_depth += 1
        elif t == "blockquote_close":
            quote_depth -= 1
        elif t == "bullet_list_open":
            list_stack.append([None])
        elif t == "ordered_list_open":
            list_stack.append([int(tok.attrGet("start") or 1)])
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif t == "list_item_open" and list_stack:
            counter = list_stack[-1]
            indent = "  " * (len(list_stack) - 1)
            if counter[0] is None:
                pending_prefix = f"{indent}• "
            else:
                pending_prefix = f"{indent}{counter[0]}. "
                counter[0] += 1
        elif t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "heading_close":
            heading_level = 0
        elif t in ("fence", "code_block"):
            code = tok.content.rstrip("\n")
            if code.strip():
                blocks.append(Block("code", code, quote_depth, [(0, len(code), "code")]))
        elif t == "hr":
            blocks.append(Block("rule", "* * *"))
        elif t == "html_block":
            text = _strip_tags(tok.content).strip()
            if text:
                blocks.append(Block("paragraph", text, quote_depth))
        elif t == "tr_open":
            in_table_row = []
        elif t == "tr_close" and in_table_row is not None:
            row = " | ".join(in_table_row)
            if blocks and blocks[-1].kind == "table" and not getattr(tok, "_new", False):
                blocks[-1].text += "\n" + row
            else:
                blocks.append(Block("table", row))
            in_table_row = None
        elif t == "table_close":
            blocks.append(Block("_end", ""))  # separates consecutive tables
        elif t == "inline" and in_table_row is not None:
            cell_text.clear()
            text, _, _ = _inline(tok.children or [])
            in_table_row.append(text)
        elif t == "inline":
            text, spans, links = _inline(tok.children or [])
            if not text.strip():
                continue
            if heading_level:
                blocks.append(Block("heading", text, heading_level, spans, links))
                continue
            prefix, pending_prefix = pending_prefix, ""
            if prefix:
                shift = len(prefix)
                spans = [(s + shift, e + shift, st) for s, e, st in spans]
                links = [(s + shift, e + shift, u) for s, e, u in links]
                kind = "item"
                level = len(list_stack)
            elif list_stack:
                indent = "  " * len(list_stack)
                shift = len(indent)
                prefix = indent
                spans = [(s + shift, e + shift, st) for s, e, st in spans]
                links = [(s + shift, e + shift, u) for s, e, u in links]
                kind, level = "item", len(list_stack)
            else:
                kind, level = ("quote", quote_depth) if quote_depth else ("paragraph", 0)
            block = Block(kind, prefix + text, level, spans, links)
            if quote_depth and kind == "item":
                block.spans.append((0, len(block.text), "quote"))
            blocks.append(block)
    return [b for b in blocks if b.kind != "_end"]


def _mark_delimiters(children: list[Token]) -> set[tuple[int, int]]:
    """The `==` pairs of one inline run, as (child index, offset) of each delimiter: an
    opening one is followed by a non-space, a closing one follows a non-space (as for
    `~~`); an opening `==` never closed stays text. Code spans are other tokens: untouched."""
    paired: set[tuple[int, int]] = set()
    opened: tuple[int, int] | None = None
    last = ""  # the character before the delimiter, across tokens
    for index, child in enumerate(children):
        if child.type != "text":
            last = _edge(child, -1) or last  # an opening or closing tag: no character
            continue
        text = child.content
        for m in _MARK_DELIMITER.finditer(text):
            before = text[m.start() - 1] if m.start() else last
            after = text[m.end() : m.end() + 1] or _next_char(children, index)
            if opened is None:
                if after and not after.isspace():
                    opened = (index, m.start())
            elif before and not before.isspace():
                paired |= {opened, (index, m.start())}
                opened = None
        last = text[-1:] or last
    return paired


def _next_char(children: list[Token], index: int) -> str:
    return next((c for c in (_edge(child, 0) for child in children[index + 1 :]) if c), "")


def _edge(token: Token, at: int) -> str:
    """The token's first (at=0) or last (at=-1) character as read; a line break is a space."""
    if token.type in ("softbreak", "hardbreak"):
        return " "
    return token.content[at] if token.content else ""


def _inline(children: list[Token]) -> tuple[str, list[tuple[int, int, str]], list]:
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    links: list[tuple[int, int, str]] = []
    open_at: dict[str, list[int]] = {}
    link_open: list[tuple[int, str]] = []
    marks = _mark_delimiters(children) if any("==" in c.content for c in children) else set()
    mark_start: int | None = None
    pos = 0
    for index, child in enumerate(children):
        t = child.type
        if t == "text" and marks:
            text, mark_start = _unmark(child.content, index, marks, pos, mark_start, spans)
        elif t in ("text", "text_special", "html_inline"):
            text = _strip_tags(child.content) if t == "html_inline" else child.content
        elif t == "code_inline":
            text = child.content
            spans.append((pos, pos + len(text), "code"))
        elif t in ("softbreak", "hardbreak"):
            text = " " if t == "softbreak" else "\n"
        elif t == "image":
            text = child.content or "image"
            spans.append((pos, pos + len(text), "italic"))
        elif t.endswith("_open") and t[:-5] in _INLINE_STYLES:
            open_at.setdefault(t[:-5], []).append(pos)
            continue
        elif t.endswith("_close") and t[:-6] in _INLINE_STYLES:
            stack = open_at.get(t[:-6])
            if stack:
                spans.append((stack.pop(), pos, _INLINE_STYLES[t[:-6]]))
            continue
        elif t == "link_open":
            link_open.append((pos, str(child.attrGet("href") or "")))
            continue
        elif t == "link_close":
            if link_open:
                start, href = link_open.pop()
                links.append((start, pos, href))
                spans.append((start, pos, "link"))
            continue
        else:
            continue
        parts.append(text)
        pos += len(text)
    return "".join(parts), spans, links


def _unmark(
    text: str,
    index: int,
    marks: set[tuple[int, int]],
    pos: int,
    mark_start: int | None,
    spans: list[tuple[int, int, str]],
) -> tuple[str, int | None]:
    """One text token with its paired `==` removed; each closed pair adds a MARK span."""
    out: list[str] = []
    done = 0
    for m in _MARK_DELIMITER.finditer(text):
        if (index, m.start()) not in marks:
            continue
        out.append(text[done : m.start()])
        done = m.end()
        here = pos + sum(len(piece) for piece in out)
        if mark_start is None:
            mark_start = here
        else:
            spans.append((mark_start, here, MARK))
            mark_start = None
    out.append(text[done:])
    return "".join(out), mark_start


def _strip_tags(html: str) -> str:
    import re

    return re.sub(r"<[^>]*>", "", html)


def blocks_to_body(blocks: list[Block]) -> str:
    """The plain reading text: blocks separated by blank lines."""
    return "\n\n".join(b.text for b in blocks)


def block_offsets(blocks: list[Block]) -> list[int]:
    """Where each block starts in `blocks_to_body(blocks)`."""
    offsets, at = [], 0
    for block in blocks:
        offsets.append(at)
        at += len(block.text) + 2
    return offsets


def block_headings(blocks: list[Block]) -> tuple[Heading, ...]:
    """The outline: every heading block as (level, title, offset into the body)."""
    return tuple(
        Heading(block.level, " ".join(block.text.split()), at)
        for block, at in zip(blocks, block_offsets(blocks), strict=True)
        if block.kind == "heading"
    )


def marked_spans(blocks: list[Block]) -> list[tuple[int, int]]:
    """Body offsets of every ==marked== stretch, in order."""
    return [
        (at + start, at + end)
        for block, at in zip(blocks, block_offsets(blocks), strict=True)
        for start, end, style in block.spans
        if style == MARK and end > start
    ]


def paragraph_blocks(body: str) -> list[Block]:
    """Blocks for a non-Markdown body: each paragraph a block (keeps offsets identical)."""
    return [Block("paragraph", part) for part in body.split("\n\n")] if body else []
