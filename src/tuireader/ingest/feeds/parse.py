"""A feed's bytes → its entries, whatever the dialect.

RSS 0.9x/2.0, Atom and RDF go through feedparser, which copes with the malformed XML many
feeds are; JSON Feed (which feedparser does not read) is plain JSON. Both give `FeedEntry`s
with the entry's own HTML (full content when the feed has it, else the summary).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tuireader.articles.dates import parse_date


class FeedError(Exception):
    """Not a feed this can read; `str()` is one line."""


@dataclass(frozen=True)
class FeedEntry:
    id: str  # the entry's id, else its link
    link: str | None
    title: str
    html: str
    full: bool  # `html` is the full content, not a summary
    author: str | None = None
    published: datetime | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str | None
    entries: list[FeedEntry]


def parse_feed(data: bytes) -> ParsedFeed:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{":
        return _json_feed(data)
    return _xml_feed(data)


def _xml_feed(data: bytes) -> ParsedFeed:
    import feedparser

    # a stream, never bytes: feedparser opens bytes that look like a path or URL as one
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        why = " ".join(str(problem).split())[:150] if problem else "no feed found"
        raise FeedError(f"not a readable feed ({why})")
    entries = []
    for item in parsed.entries:
        link = item.get("link") or None
        content = item.get("content") or []
        full_html = max((c.get("value", "") for c in content), key=len, default="")
        summary = item.get("summary", "") or ""
        html = full_html if len(full_html) >= len(summary) else summary
        entry_id = item.get("id") or link or item.get("title")
        if not entry_id:
            continue
        entries.append(
            FeedEntry(
                id=str(entry_id),
                link=link,
                title=item.get("title") or link or "Untitled",
                html=html,
                full=bool(full_html),
                author=item.get("author") or None,
                published=_struct_time(item.get("published_parsed") or item.get("updated_parsed")),
                tags=tuple(t.get("term", "") for t in item.get("tags", []) if t.get("term")),
            )
        )
    feed = parsed.get("feed", {})
    return ParsedFeed(feed.get("title") or "", feed.get("link") or None, entries)


def _json_feed(data: bytes) -> ParsedFeed:
    try:
        doc: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"not a readable feed (bad JSON: {exc})") from exc
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedError("not a readable feed (JSON without a JSON Feed version)")
    entries = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url") or None
        entry_id = item.get("id") or link
        if not entry_id:
            continue
        full = item.get("content_html") or ""
        text = item.get("content_text") or ""
        html = full or (f"<p>{_escape(text)}</p>" if text else item.get("summary") or "")
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        names = [str(a["name"]) for a in authors if isinstance(a, dict) and a.get("name")]
        entries.append(
            FeedEntry(
                id=str(entry_id),
                link=str(link) if link else None,
                title=str(item.get("title") or link or "Untitled"),
                html=str(html),
                full=bool(full or text),
                author=", ".join(names) or None,
                published=parse_date(item.get("date_published") or item.get("date_modified")),
                tags=tuple(str(t) for t in item.get("tags") or [] if str(t).strip()),
            )
        )
    return ParsedFeed(str(doc.get("title") or ""), doc.get("home_page_url"), entries)


def _struct_time(value: Any) -> datetime | None:
    try:
        if not value:
            return None
        year, month, day, hour, minute, second = (int(part) for part in value[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _escape(text: str) -> str:
    import html

    return "</p><p>".join(html.escape(p) for p in text.split("\n\n"))
