"""OPML, the file every feed reader imports and exports its subscriptions as."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from tuireader.ingest.clean import field
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
        why = " ".join(str(exc).split())[:200]  # libxml2's messages may hold a newline
        why = "nested too deeply" if "Excessive depth" in why else why
        raise FeedError(f"not a readable OPML file ({why})") from exc
    found = []
    for outline in root.iter("outline"):
        url = field(outline.get("xmlUrl"))
        if url.lower().startswith(("http://", "https://")):
            found.append(Outline(url, field(outline.get("title")) or field(outline.get("text"))))
    return found


def write_opml(feeds: list[Subscription]) -> str:
    """Well-formed OPML 2.0 whatever the titles hold (they are cleaned again here: a file
    written by an older version may keep a raw one), which `read_opml` reads back."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>tuireader subscriptions</title></head>",
        "  <body>",
    ]
    for feed in feeds:
        title = quoteattr(field(feed.title) or feed.name)
        source = quoteattr(field(feed.source))
        lines.append(f'    <outline type="rss" text={title} title={title} xmlUrl={source}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
