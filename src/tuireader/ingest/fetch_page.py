"""A web page by URL → the article to save: fetch it, run it through the HTML pipeline.

The offline copy keeps what the reader needs, the article's paragraphs and its metadata
(title, author, date, site, tags, canonical URL), not the page's scripts and furniture: the
same extraction the library uses for saved HTML files (`articles.html`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from tuireader.articles.errors import SkipFile
from tuireader.articles.registry import parse_bytes
from tuireader.ingest.http import FEED_TYPES, HTML_TYPES, FetchError, fetch
from tuireader.ingest.page_images import article_html, find_image_refs
from tuireader.ingest.saved_page import SavedPage
from tuireader.ingest.sniff import is_feed, is_html

# A page may be served as a feed type and a feed as a page: the bytes decide (`sniff`).
PAGE_TYPES = tuple(dict.fromkeys((*HTML_TYPES, *FEED_TYPES)))
# Fewer words than this is a login wall, a cookie notice or a page of links, not an article.
MIN_WORDS = 20


def fetch_page(url: str) -> SavedPage:
    """The article at `url`; FetchError (one line) when it cannot be fetched or read. A feed
    (whatever type it is served as) is not a page: the message says how to subscribe."""
    fetched = fetch(url, accept=PAGE_TYPES)
    if is_feed(fetched.content):
        raise FetchError(f"this is a feed, not a page: subscribe with `tuireader feed add {url}`")
    if (
        fetched.content_type not in HTML_TYPES
        and fetched.content_type
        and not is_html(fetched.content)
    ):
        raise FetchError(f"not a page this can read (content type {fetched.content_type[:80]})")
    return page_from_html(fetched.content, fetched.url, requested=url)


def page_from_html(data: bytes, url: str, *, requested: str | None = None) -> SavedPage:
    """The article of an HTML page fetched from `url` (its canonical URL wins when given)."""
    name = PurePosixPath(urlsplit(url).path).name or "page"
    try:
        article = parse_bytes(f"{name}.html", data)
    except SkipFile as exc:
        raise FetchError(f"no article found on the page ({exc.reason})") from exc
    if article.words < MIN_WORDS:
        raise FetchError(f"no article found on the page (only {article.words} words of text)")
    paragraphs = article.body.split("\n\n")
    body = article_html(paragraphs, find_image_refs(data, url, paragraphs))
    canonical = article.url if article.url and article.url.startswith("http") else url
    return SavedPage(
        title=article.title,
        body_html=body,
        source_id=requested or url,
        url=canonical,
        author=article.author,
        published=article.date,
        site=article.site,
        tags=article.tags,
        summary=article.summary or None,
    )
