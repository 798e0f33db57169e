"""A Netscape bookmark file, the format every browser imports.

One link per bookmarked article: its source URL when it is http(s), else a `file://` URL
of the file. Notes become `<DD>` descriptions, tags the `TAGS` attribute. Everything is
HTML-escaped; other URL schemes (javascript:, data:) are never written as links.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from tuireader.annotations.export_common import web_url
from tuireader.annotations.models import ArticleAnnotations
from tuireader.text.inert import clean_line

HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
"""


def render_netscape(groups: Iterable[ArticleAnnotations], library_root: Path) -> str:
    lines = [HEADER.rstrip("\n")]
    for group in groups:
        if not group.bookmarks:
            continue
        ref = group.article
        marks = group.bookmarks
        added = min(int(b.created.timestamp()) for b in marks)
        modified = max(int(b.updated.timestamp()) for b in marks)
        tags = dict.fromkeys(t for b in marks for t in b.tags)
        tags.update(dict.fromkeys(ref.tags))
        tag_text = ",".join(clean_line(t).replace(",", " ") for t in tags if t)
        attrs = f'HREF="{_attr(_href(ref.url, ref.path, library_root))}" ADD_DATE="{added}"'
        attrs += f' LAST_MODIFIED="{modified}"'
        if tag_text:
            attrs += f' TAGS="{_attr(tag_text)}"'
        title = clean_line(ref.title) or clean_line(ref.path)
        lines.append(f"    <DT><A {attrs}>{html.escape(title, quote=False)}</A>")
        notes = [clean_line(b.note) for b in marks if b.note]
        if notes:
            lines.append(f"    <DD>{html.escape(' — '.join(notes), quote=False)}")
    lines.append("</DL><p>")
    return "\n".join(lines) + "\n"


def _href(url: str | None, path: str, library_root: Path) -> str:
    return web_url(clean_line(url or "")) or (Path(library_root) / path).as_uri()


def _attr(value: str) -> str:
    return html.escape(value, quote=True)
