"""Markdown export in the layout Readwise and Omnivore users keep in Obsidian.

One `##` section per article: a metadata list, then `### Bookmarks` and `### Highlights` in
reading order, each passage a block quote followed by its note, tags, colour, location and
date (the annotation ids and character offsets only when asked: `ids=True`). For one note per
article with front matter, see export_obsidian.
Article text and metadata are untrusted: Markdown-significant characters are escaped so a
title cannot open a heading, a link, an HTML tag or an Obsidian embed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from tuireader.annotations.export_common import percent, web_url
from tuireader.annotations.models import ArticleAnnotations, ArticleRef, Bookmark, Highlight
from tuireader.text.inert import clean_line, clean_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&$=%^])")
_LINE_START = re.compile(r"^(\s*)(\d+[.)]|[-+])")
_TAG_CHARS = re.compile(r"[^\w/-]+")


def escape_inline(text: str | None) -> str:
    """One line of untrusted text, inert in Markdown (and in Obsidian's extensions)."""
    line = clean_line(text or "")
    return _LINE_START.sub(_escape_marker, _SPECIAL.sub(r"\\\1", line))


def _escape_marker(match: re.Match[str]) -> str:
    """`1.` / `-` / `+` at the start of a line would start a list (or a setext heading)."""
    space, marker = match.groups()
    return f"{space}{marker[:-1]}\\{marker[-1]}"


def escape_block(text: str) -> list[str]:
    """Untrusted multi-line text as escaped lines (blank lines kept as paragraph breaks)."""
    lines = clean_text(text).replace("\r", "").split("\n")
    out = [escape_inline(line) if line.strip() else "" for line in lines]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out or [""]


def tag_list(tags: Iterable[str]) -> str:
    """Tags as Obsidian `#tags` (characters a tag cannot hold become `-`)."""
    names = [_TAG_CHARS.sub("-", clean_line(t)).strip("-") for t in tags]
    return " ".join(f"#{n}" for n in dict.fromkeys(names) if n and not n.isdigit())


def render_markdown(groups: Iterable[ArticleAnnotations], *, ids: bool = False) -> str:
    lines = ["# tuireader annotations", ""]
    for group in groups:
        if not (group.bookmarks or group.highlights):
            continue
        lines += _article(group, ids)
    return "\n".join(lines).rstrip("\n") + "\n"


def _article(group: ArticleAnnotations, ids: bool) -> list[str]:
    ref = group.article
    lines = [f"## {escape_inline(ref.title) or escape_inline(ref.path) or 'Untitled'}", ""]
    lines += _metadata(ref)
    lines.append("")
    if group.bookmarks:
        lines += ["### Bookmarks", ""]
        for bookmark in group.bookmarks:
            lines += _bookmark(bookmark, ref, ids)
    if group.highlights:
        lines += ["### Highlights", ""]
        for highlight in group.highlights:
            lines += _highlight(highlight, ref, ids)
    return lines


def _metadata(ref: ArticleRef) -> list[str]:
    lines = []
    if ref.author:
        lines.append(f"- Author: {escape_inline(ref.author)}")
    if ref.date:
        lines.append(f"- Date: {escape_inline(ref.date[:10])}")
    url = web_url(ref.url)
    if url:
        lines.append(f"- Source: <{url}>")
    lines.append(f"- Path: {escape_inline(ref.path)}")
    if ref.tags and tag_list(ref.tags):
        lines.append(f"- Tags: {tag_list(ref.tags)}")
    if ref.missing:
        lines.append("- Status: file missing (annotations kept)")
    return lines


def _location(offset: int, ref: ArticleRef, ids: bool) -> str:
    where = f"{percent(offset, ref.length)}%"
    return f"{where} (offset {offset})" if ids else where


def _bookmark(bookmark: Bookmark, ref: ArticleRef, ids: bool) -> list[str]:
    ident = bookmark.id if ids else None
    if bookmark.offset is None:
        details = _details(ident, bookmark.note, bookmark.tags, None, None, False, bookmark.created)
        return ["- Whole article", *details[1:]]
    lines = [f"> {line}" if line else ">" for line in escape_block(bookmark.quote or "")]
    location = _location(bookmark.offset, ref, ids)
    return lines + _details(
        ident, bookmark.note, bookmark.tags, None, location, bookmark.orphaned, bookmark.created
    )


def _highlight(highlight: Highlight, ref: ArticleRef, ids: bool) -> list[str]:
    lines = [f"> {line}" if line else ">" for line in escape_block(highlight.quote)]
    return lines + _details(
        highlight.id if ids else None,
        highlight.note,
        highlight.tags,
        highlight.color,
        _location(highlight.start, ref, ids),
        highlight.orphaned,
        highlight.created,
    )


def _details(
    ident: str | None,
    note: str | None,
    tags: tuple[str, ...],
    color: str | None,
    location: str | None,
    orphaned: bool,
    created: datetime,
) -> list[str]:
    """The list under a passage: the note first, then tags, colour, location, date (id)."""
    lines = [""]
    if note:
        first, *rest = escape_block(note)
        lines.append(f"- Note: {first}")
        lines += [f"  {line}" if line else "" for line in rest]
    if tags and tag_list(tags):
        lines.append(f"- Tags: {tag_list(tags)}")
    if color:
        lines.append(f"- Colour: {color}")
    if location:
        lines.append(f"- Location: {location}")
    if orphaned:
        lines.append("- Orphaned: this text is no longer in the article")
    lines.append(f"- Date: {created.strftime('%Y-%m-%d')}")
    if ident:
        lines.append(f"- ID: `{ident}`")
    lines.append("")
    return lines
