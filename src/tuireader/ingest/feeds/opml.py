"""OPML, the file every feed reader imports and exports its subscriptions as."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from tuireader.ingest.feeds.parse import FeedError
from tuireader.ingest.feeds.subscriptions import Subscription


@dataclass(frozen=True)
class Outline:
    url: str
    title: str


def read_opml(data: bytes) -> list[Outline]:
    """Every feed outline (nested folders included); entities and DTDs are not resolved."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not a readable OPML file ({exc})") from exc
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url.lower().startswith(("http://", "https://")):
            found.append(Outline(url, outline.get("title") or outline.get("text") or ""))
    return found


def write_opml(feeds: list[Subscription]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>tuireader subscriptions</title></head>",
        "  <body>",
    ]
    for feed in feeds:
        title = quoteattr(feed.title or feed.name)
        lines.append(
            f'    <outline type="rss" text={title} title={title} xmlUrl={quoteattr(feed.source)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
