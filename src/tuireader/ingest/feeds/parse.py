"""A feed's bytes → its entries, whatever the dialect.

RSS 0.9x/2.0, Atom and RDF go through feedparser, which copes with the malformed XML many
feeds are; JSON Feed (which feedparser does not read) is plain JSON. Both give `FeedEntry`s
with the entry's own HTML (full content when the feed has it, else the summary).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, datetime
from typing import Any

from tuireader.articles.dates import parse_date
from tuireader.ingest.clean import field, ident
from tuireader.ingest.jsonsafe import JsonError, loads

MAX_ENTRIES = 1000  # per update: a feed lists its latest few dozen; more is a dump or an attack


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
    notes: list[str] = dc_field(default_factory=list)  # what was ignored, for the report


def parse_feed(data: bytes) -> ParsedFeed:
    """The feed's entries (at most MAX_ENTRIES); FeedError (one line) when it is not a feed."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    parsed = _json_feed(data) if start == b"{" else _xml_feed(data)
    if len(parsed.entries) > MAX_ENTRIES:
        parsed.notes.append(
            f"{len(parsed.entries) - MAX_ENTRIES:,} entries after the first {MAX_ENTRIES:,} not read"
        )
        del parsed.entries[MAX_ENTRIES:]
    return parsed


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
        link = _link(item.get("link"))
        content = item.get("content") or []
        full_html = max((_str(c.get("value")) for c in content), key=len, default="")
        summary = _str(item.get("summary"))
        html = full_html if len(full_html) >= len(summary) else summary
        entry_id = ident(item.get("id")) or link or field(item.get("title"))
        if not entry_id:
            continue
        entries.append(
            FeedEntry(
                id=entry_id,
                link=link,
                title=field(item.get("title")) or link or "Untitled",
                html=html,
                full=bool(full_html),
                author=_person(item),
                published=_struct_time(item.get("published_parsed") or item.get("updated_parsed")),
                tags=_names(t.get("term") for t in item.get("tags", [])),
            )
        )
    feed = parsed.get("feed", {})
    return ParsedFeed(field(feed.get("title")), _link(feed.get("link")), entries)


def _json_feed(data: bytes) -> ParsedFeed:
    """JSON Feed 1.0/1.1, each field checked for its type: a field of another type is
    ignored (an entry without what it needs is left out), with a note saying so."""
    try:
        doc: Any = loads(data)
    except JsonError as exc:
        raise FeedError(f"not a readable feed (bad JSON: {exc})") from exc
    if not isinstance(doc, dict) or "jsonfeed.org" not in _str(doc.get("version")):
        raise FeedError("not a readable feed (JSON without a JSON Feed version)")
    notes: list[str] = []
    items = doc.get("items")
    if not isinstance(items, list):
        notes.append(f"'items' is {_kind(items)}, not a list: no entries")
        items = []
    entries = []
    odd: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            odd["an entry that is not an object"] = odd.get("an entry that is not an object", 0) + 1
            continue
        entry = _json_entry(item, odd)
        if entry is not None:
            entries.append(entry)
    notes += [f"{what} ignored ({count:,}x)" for what, count in odd.items()]
    return ParsedFeed(field(doc.get("title")), _link(doc.get("home_page_url")), entries, notes)


def _json_entry(item: dict[str, Any], odd: dict[str, int]) -> FeedEntry | None:
    def typed(key: str, want: type | tuple[type, ...]) -> Any:
        value = item.get(key)
        if value is None or isinstance(value, want):
            return value
        what = f"'{key}' of another type"
        odd[what] = odd.get(what, 0) + 1
        return None

    link = _link(typed("url", str)) or _link(typed("external_url", str))
    entry_id = ident(typed("id", (str, int))) or link
    if not entry_id:
        odd["an entry without id or url"] = odd.get("an entry without id or url", 0) + 1
        return None
    full = typed("content_html", str) or ""
    text = typed("content_text", str) or ""
    summary = typed("summary", str) or ""
    html = full or (f"<p>{_escape(text)}</p>" if text else summary)
    authors = typed("authors", list) or []
    single = typed("author", dict)
    people = [a for a in [*authors, single] if isinstance(a, dict)]
    names = _names(a.get("name") for a in people)
    published = typed("date_published", str) or typed("date_modified", str)
    return FeedEntry(
        id=entry_id,
        link=link,
        title=field(typed("title", str)) or link or "Untitled",
        html=html,
        full=bool(full or text),
        author=", ".join(names) or None,
        published=parse_date(published) if published else None,
        tags=_names(typed("tags", list) or []),
    )


_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")  # RSS: "jo@example.org (Jo Marsh)"
_NAME_EMAIL = re.compile(r"^\s*(.+?)\s*<\S+@\S+>\s*$")  # "Jo Marsh <jo@example.org>"
_EMAIL = re.compile(r"^\S+@\S+$")


def _person(item: Any) -> str | None:
    """The entry's author as a name: feedparser's parsed name, else the name in an RSS
    "email (Name)" or "Name <email>" form; a bare e-mail address is no byline."""
    detail = item.get("author_detail")
    name = field(detail.get("name")) if isinstance(detail, dict) else ""
    raw = name or field(item.get("author"))
    for form in (_EMAIL_NAME, _NAME_EMAIL):
        match = form.match(raw)
        if match:
            raw = match.group(1).strip()
    return None if not raw or _EMAIL.match(raw) else raw


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _link(value: object) -> str | None:
    return field(value) or None


def _names(values: Iterable[object]) -> tuple[str, ...]:
    """The strings among `values`, cleaned, each once (tags, authors)."""
    return tuple(dict.fromkeys(name for v in values if (name := field(v))))


def _kind(value: object) -> str:
    return "missing" if value is None else f"a {type(value).__name__}"


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
