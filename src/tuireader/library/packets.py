"""Gathering a reading packet: the articles of a search, with their annotations.

The one path the CLI (`tuireader export --format epub|html OUT [QUERY]`) and the reader
use: the search gives the articles (in its order), each is read from its file (so Markdown
and EPUB outlines give headings) or, when the file cannot be read now, from the catalog's
copy, and the store gives its highlights and bookmarks. The caller reconciles the store
first (`annotation_sync`), so the offsets are the current text's. Blocking (files, SQLite):
the reader calls it on its core thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tuireader.annotations.models import utc_now
from tuireader.annotations.packet import Packet, PacketArticle
from tuireader.articles.errors import ArticleNotFound

if TYPE_CHECKING:
    from tuireader.annotations import AnnotationStore
    from tuireader.search import Filters, SearchService
    from tuireader.search.annotation_terms import AnnotationSource

DEFAULT_LIMIT = 200


class PacketError(ValueError):
    """A packet that cannot be made (an unusable query, no index); the message says why."""


@dataclass
class Gathered:
    packet: Packet
    unreadable: list[str] = field(default_factory=list)  # ids of articles left out


def packet_ids(
    svc: SearchService,
    query: str,
    *,
    store: AnnotationStore | None,
    annotations: AnnotationSource | None = None,
    filters: Filters | None = None,
    sort: str = "relevance",
    limit: int = DEFAULT_LIMIT,
) -> list[str]:
    """The ids a packet holds: the search's results (a group of copies once), or with no
    query and no filters every article with a highlight or bookmark, in path order."""
    if not query.strip() and (filters is None or not filters.active):
        if store is None:
            return []
        known = {e.id for e in svc.entries()}
        ids = [
            g.article.article_id
            for g in store.grouped()
            if (g.highlights or g.bookmarks) and g.article.article_id in known
        ]
        return ids[:limit]
    results = svc.search(
        query,
        limit=limit,
        sort=sort,
        filters=filters,
        annotations=annotations,
        suggest=False,
        fold_copies=True,
    )
    if results.error:
        raise PacketError(results.error)
    return [h.id for h in results.hits]


def gather(
    svc: SearchService,
    store: AnnotationStore | None,
    ids: Sequence[str],
    *,
    title: str,
    query: str,
    created: datetime | None = None,
) -> Gathered:
    """The packet of these articles (in this order) with their annotations."""
    items: list[PacketArticle] = []
    unreadable: list[str] = []
    for article_id in ids:
        try:
            article = svc.article(article_id)
        except ArticleNotFound:
            entry = svc.entry(article_id)
            if entry is None:
                unreadable.append(article_id)
                continue
            article = svc.cached_article(entry)
        highlights = tuple(store.highlights(article.id)) if store is not None else ()
        bookmarks = tuple(store.bookmarks(article.id)) if store is not None else ()
        items.append(PacketArticle(article, highlights, bookmarks))
    packet = Packet(title, query, created or utc_now(), tuple(items))
    return Gathered(packet, unreadable)
