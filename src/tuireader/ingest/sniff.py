"""Feed or page? Decided by the bytes as well as the declared content type.

Servers label feeds many ways: stock Debian/Ubuntu web servers and Python's http.server send
`.rss` as `application/x-rss+xml`, others `text/xml`, `application/rdf+xml`, `text/plain` or
even `text/html`. The first kilobytes say what the document is: an `<rss>`, `<feed>` or
`<rdf:RDF>` root (after any XML declaration, comments, doctype and processing instructions,
with or without a namespace prefix), a JSON Feed's
`"version": "https://jsonfeed.org/version/..."`, or an HTML document.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

SNIFF_BYTES = 4096
_XML_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([\w:.-]+)",
    re.S | re.I,
)
_FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf"})
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', re.I)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_ADVERTISED = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def is_feed(data: bytes) -> bool:
    """Whether these bytes are an RSS, Atom, RDF or JSON feed (not a web page)."""
    head = data[:SNIFF_BYTES]
    match = _XML_ROOT.match(head)
    if match:
        return match.group(1).lower().rpartition(b":")[2] in _FEED_ROOTS
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" and bool(_JSON_FEED.search(head))


def is_html(data: bytes) -> bool:
    """An HTML or XHTML document, whatever it was served as (text/plain, application/xml)."""
    match = _XML_ROOT.match(data[:SNIFF_BYTES])
    if match and match.group(1).lower() == b"html":
        return True
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title"))


def advertised_feeds(data: bytes, base: str) -> list[str]:
    """The feeds a page names in `<link rel="alternate" type="application/rss+xml" ...>`,
    as absolute URLs in page order (the page's head is in its first 64 KB)."""
    text = data[:65536].decode("utf-8", "replace")
    found: list[str] = []
    for tag in _LINK.findall(text):
        attrs = {m[0].lower(): html.unescape(m[1] or m[2] or m[3]) for m in _ATTR.findall(tag)}
        rel = attrs.get("rel", "").lower().split()
        kind = attrs.get("type", "").lower().split(";")[0].strip()
        href = attrs.get("href", "").strip()
        if "alternate" in rel and kind in _ADVERTISED and href:
            url = urljoin(base, href)
            plain = len(url) <= 2000 and url.isprintable() and " " not in url
            if plain and url.startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return found
