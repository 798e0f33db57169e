"""What every exporter shares: the annotations grouped by article, with current metadata."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Union

from tuireader.annotations.models import ArticleAnnotations, ArticleRef
from tuireader.articles.model import ArticleView

if TYPE_CHECKING:
    from tuireader.annotations.store import AnnotationStore

ArticleLookup = Union[Mapping[str, ArticleView], Callable[[str], ArticleView | None], None]  # noqa: UP007


def collect(
    store: AnnotationStore, articles: ArticleLookup, article_id: str | None = None
) -> list[ArticleAnnotations]:
    """The store's groups (ordered by path), each snapshot refreshed from the current article
    when `articles` knows it; an article whose file is gone keeps its snapshot."""
    find = _finder(articles)
    result = []
    for group in store.grouped(article_id):
        current = find(group.article.article_id)
        if current is not None:
            group = replace(group, article=refresh(group.article, current))
        result.append(group)
    return result


def refresh(ref: ArticleRef, article: ArticleView) -> ArticleRef:
    return replace(
        ref,
        path=article.path,
        title=article.title,
        author=article.author,
        date=article.date.isoformat() if article.date else None,
        url=article.url,
        tags=tuple(article.tags),
        fingerprint=article.fingerprint,
        length=len(article.body),
        missing=False,
    )


def _finder(articles: ArticleLookup) -> Callable[[str], ArticleView | None]:
    if articles is None:
        return lambda _id: None
    if isinstance(articles, Mapping):
        return articles.get
    if callable(articles):
        return articles
    raise TypeError("articles must be a mapping of id -> article or a callable")


_WEB_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link; other schemes (javascript:, data:) are dropped."""
    url = (url or "").strip()
    return url if _WEB_URL.match(url) else None


def percent(offset: int | None, length: int) -> int:
    """Location as a whole percentage of the text (0 for a whole-article bookmark)."""
    if offset is None or length <= 0:
        return 0
    return max(0, min(100, round(100 * offset / length)))


def dump_tags(tags: tuple[str, ...]) -> str:
    return json.dumps(list(tags), ensure_ascii=False)
