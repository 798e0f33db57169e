"""Text fields from outside (feeds, exports, OPML), made inert before anything stores them.

A feed title can carry `ESC ] 52` (a clipboard write) or `ESC ] 0` (the window title); a
JSON export can hold lone surrogates that no encoder writes, and XML 1.0 cannot hold most
control characters even as references, so an OPML export of a raw title is not XML.
`field` gives the one-line text a subscription, a saved page's metadata or an outline may
keep: a string only (other types are not text), with escape sequences, control and bidi
characters (`text.inert`), surrogates and XML's non-characters removed.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from tuireader.text.inert import clean_line

_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def field(value: object, *, limit: int = 2000) -> str:
    """`value` as one line of inert text ('' when it is not a string), at most `limit` chars."""
    if not isinstance(value, str):
        return ""
    return " ".join(clean_line(_UNWRITABLE.sub("", value)).split())[:limit]


def ident(value: object) -> str:
    """An id from outside: a string or a number (not a bool, list or object), as text."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return field(str(value))


def text_block(value: str) -> str:
    """Multi-line text from outside (a note, a selection): inert, paragraphs kept."""
    from tuireader.text.inert import clean_text

    return clean_text(_UNWRITABLE.sub("", value)).strip()


def web_link(link: str | None, base: str) -> str | None:
    """A link from a feed made absolute: `//host/page` (protocol-relative) takes the feed's
    scheme (https for a local file), `/page` the feed's address; others are left as they are."""
    if not link:
        return link
    web = base.lower().startswith(("http://", "https://"))
    if link.startswith("//") and not link.startswith("///"):
        return (base.split(":", 1)[0].lower() if web else "https") + ":" + link
    if web and "://" not in link and not link.lower().startswith(("mailto:", "javascript:")):
        return urljoin(base, link)
    return link
