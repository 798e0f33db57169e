"""Update one feed: conditional GET, parse, save each new entry as a library article."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from tuireader.ingest.clean import web_link
from tuireader.ingest.feeds.parse import FeedEntry, FeedError, ParsedFeed, parse_feed
from tuireader.ingest.feeds.subscriptions import Subscription
from tuireader.ingest.guard import one_item, reason
from tuireader.ingest.http import FEED_TYPES, MAX_BYTES, FetchError, fetch
from tuireader.ingest.report import ALREADY, ImportReport
from tuireader.ingest.saved_page import SavedPage, SaveOutcome, clean_article_html, save_page
from tuireader.ingest.sniff import advertised_feeds, is_feed, is_html

# The entry's own text is "only a summary" below this many characters of text.
SUMMARY_CHARS = 600
FetchPage = Callable[[str], SavedPage]
# write_atomically's temporary files: `.<name>.<8 random characters>.tmp`
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def read_feed(feed: Subscription) -> ParsedFeed | None:
    """The feed's entries, or None when the server says nothing changed (304)."""
    if not feed.source.lower().startswith(("http://", "https://")):
        try:
            with open(feed.source, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise FeedError(f"cannot read {feed.source}: {exc.strerror or exc}") from exc
        if len(data) > MAX_BYTES:
            raise FeedError(f"too large (over {MAX_BYTES // 2**20} MB)")
        return _parse(data)
    fetched = fetch(
        feed.source, accept=FEED_TYPES, etag=feed.etag, last_modified=feed.last_modified
    )
    if fetched.not_modified:
        return None
    _refuse_a_page(fetched.content, fetched.url)
    parsed = _parse(fetched.content)
    feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
    return parsed


def _refuse_a_page(data: bytes, url: str) -> None:
    """A web page is not a feed, whatever type it was served as: say which feed it
    advertises, or that `tuireader add` saves the page itself."""
    if is_feed(data) or not is_html(data):
        return  # a feed, or not plainly a page: the feed parser decides
    feeds = advertised_feeds(data, url)
    if feeds:
        raise FeedError(f"this is a web page, not a feed; its feed: tuireader feed add {feeds[0]}")
    raise FeedError(f"this is a web page, not a feed (save it with: tuireader add {url})")


def _parse(data: bytes) -> ParsedFeed:
    """The feed's boundary: whatever a hostile feed makes the parsers raise is one line."""
    try:
        return parse_feed(data)
    except FeedError:
        raise
    except Exception as exc:  # the feed boundary (RecursionError, MemoryError included)
        raise FeedError(f"not a readable feed ({reason(exc)})") from exc


def update_feed(
    root: Path, feed: Subscription, fetch_page: FetchPage | None = None, *, images: bool = True
) -> ImportReport:
    """Save the entries not seen before (with their images unless `images` is off); a bad
    entry is one line, the feed goes on, an image not kept is one note."""
    report = ImportReport()
    feed.last_update = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        parsed = read_feed(feed)
    except (FetchError, FeedError) as exc:
        feed.last_error = str(exc)
        report.failed.append((feed.name, str(exc)))
        return report
    feed.last_error = None
    if parsed is None:
        return report
    report.notes += [(feed.name, note) for note in parsed.notes]
    feed.title = feed.title or parsed.title
    seen = set(feed.seen)
    for entry in parsed.entries:
        entry = replace(entry, link=web_link(entry.link, feed.source))
        if entry.id in seen:
            report.skipped.append((entry.id, ALREADY))
            continue
        with one_item(report, entry.link or entry.title):
            if _save_entry(root, feed, entry, fetch_page, report, images=images):
                feed.seen.append(entry.id)
                seen.add(entry.id)
    return report


def _save_entry(
    root: Path,
    feed: Subscription,
    entry: FeedEntry,
    fetch_page: FetchPage | None,
    report: ImportReport,
    *,
    images: bool = True,
) -> bool:
    """Save one entry; False (not marked seen: tried again next time) when it failed."""
    try:
        page = _page(feed, entry, fetch_page)
        if images:
            from tuireader.ingest.image_files import fetch_images

            kept = fetch_images(page)
            page = kept.page
            report.notes.extend(kept.notes)
        result = save_page(root, feed.folder, page)
    except (FetchError, OSError) as exc:
        report.failed.append((entry.link or entry.title, str(exc)))
        return False
    if result.outcome is SaveOutcome.WRITTEN:
        report.saved.append(str(result.path))
    return True


def remove_stale_temps(root: Path, feed: Subscription) -> int:
    """Remove the temporary files a killed update left in the feed's folder (its files are
    written only under the feed's lock, so any there now is from a run that died)."""
    removed = 0
    with contextlib.suppress(OSError):
        for entry in (root / feed.folder).iterdir():
            if _TEMP.fullmatch(entry.name) and entry.is_file():
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed += 1
    return removed


def _page(feed: Subscription, entry: FeedEntry, fetch_page: FetchPage | None) -> SavedPage:
    own = SavedPage(
        title=entry.title,
        body_html=entry.html,
        source_id=entry.id,
        url=entry.link,
        author=_byline(entry.author, feed.title),
        published=entry.published,
        site=feed.title or None,
        tags=entry.tags,
    )
    if feed.full_page and entry.link and _is_summary(entry):
        if fetch_page is None:
            from tuireader.ingest.fetch_page import fetch_page as real_fetch

            fetch_page = real_fetch
        full = fetch_page(entry.link)
        return SavedPage(
            title=full.title or own.title,
            body_html=full.body_html,
            source_id=entry.id,
            url=full.url or entry.link,
            author=full.author or own.author,
            published=own.published or full.published,
            site=own.site or full.site,
            tags=tuple(dict.fromkeys((*own.tags, *full.tags))),
            summary=full.summary,
        )
    if not _text(entry.html):
        raise FetchError("the entry has no text (try --full-page)")
    return own


def _byline(author: str | None, feed_title: str) -> str | None:
    """The entry's author, unless it is only the feed's own name (Atom feeds name the
    blog as every entry's author): that is the site, shown as such."""
    if author and feed_title and author.casefold() == feed_title.casefold():
        return None
    return author


# A feed entry reads as a teaser: this short, or one paragraph ending in "…", "[…]" or
# "Read more" (WordPress excerpts run to about 55 words).
TEASER_CHARS = 200
_TEASER_END = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|more\W*)$", re.IGNORECASE
)


def summaries_only(entries: list[FeedEntry]) -> bool:
    """Whether a feed gives only teasers of its articles: most of its linked entries are
    short, or one paragraph that trails off. `feed add` then fetches each entry's page
    (unless --summaries)."""
    linked = [e for e in entries if e.link]
    if not linked:
        return False
    return sum(1 for e in linked if _teaser(e)) * 2 > len(linked)


def _teaser(entry: FeedEntry) -> bool:
    """Content the feed calls full (content:encoded, Atom content, JSON content_html) is
    believed unless it trails off; a summary or description is a teaser when short too."""
    text = _text(entry.html)
    if len(text) < TEASER_CHARS and not entry.full:
        return True
    one_paragraph = len(re.findall(r"<p[\s>]", entry.html, re.IGNORECASE)) <= 1
    return one_paragraph and bool(_TEASER_END.search(text.rstrip(" )»")))


def _is_summary(entry: FeedEntry) -> bool:
    return not entry.full or len(_text(entry.html)) < SUMMARY_CHARS


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", clean_article_html(html)).split())
