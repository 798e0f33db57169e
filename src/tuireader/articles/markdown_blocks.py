"""Markdown source -> reading blocks with inline styles.

The same function gives the Markdown article its plain `body` (blocks joined by blank lines)
and gives the reading pane its structure (headings, lists, quotes, code, emphasis). Because
both come from one pass, a character offset into the body (a search hit, a highlight) points
at the same character the reader sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_INLINE_STYLES = {"em": "italic", "strong": "bold", "s": "strike"}


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
    tokens = _MD.parse(source)
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


def _inline(children: list[Token]) -> tuple[str, list[tuple[int, int, str]], list]:
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    links: list[tuple[int, int, str]] = []
    open_at: dict[str, list[int]] = {}
    link_open: list[tuple[int, str]] = []
    pos = 0
    for child in children:
        t = child.type
        if t in ("text", "html_inline"):
            text = child.content if t == "text" else _strip_tags(child.content)
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


def _strip_tags(html: str) -> str:
    import re

    return re.sub(r"<[^>]*>", "", html)


def blocks_to_body(blocks: list[Block]) -> str:
    """The plain reading text: blocks separated by blank lines."""
    return "\n\n".join(b.text for b in blocks)


def paragraph_blocks(body: str) -> list[Block]:
    """Blocks for a non-Markdown body: each paragraph a block (keeps offsets identical)."""
    return [Block("paragraph", part) for part in body.split("\n\n")] if body else []
