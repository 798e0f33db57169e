"""What a web page says about itself explicitly: JSON-LD, <meta>, <link>, <time>, bylines.

These signals are written by the publisher for machines (search engines, social cards), so
they beat any guess made from the visible text. This module only collects them; choosing
and cleaning happens in `html_meta`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

_MAX_JSONLD = 1_000_000  # characters of one <script type="application/ld+json">
_MAX_JSON_DEPTH = 12
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "report",
    "socialmediaposting",
    "liveblogposting",
    "medicalwebpage",
    "webpage",
}
_BYLINE_HINT = re.compile(r"byline|(?<![a-z])author(?!ity)|writtenby", re.I)
_JSON_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_DATEISH = re.compile(r"\b(?:1[6-9]|20)\d\d\b|\d:\d\d")


@dataclass
class JsonLdArticle:
    """The fields tuireader wants from the best Article-like JSON-LD object."""

    headline: str = ""
    name: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    url: str = ""
    publisher: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)


@dataclass
class PageSignals:
    meta: dict[str, str]  # lower-cased name/property -> first non-empty content
    meta_all: dict[str, list[str]]  # every content, for repeated keys (article:tag)
    jsonld: JsonLdArticle
    canonical: str
    title_tag: str
    headings: list[str]  # texts of <h1> (then <h2>) elements, in order
    bylines: list[str]  # texts of rel=author / itemprop=author / .byline elements
    time_datetimes: list[str]  # datetime= of <time> marked as the publication time
    has_article: bool = False  # an <article> element or an itemtype=...Article


def collect_signals(root: HtmlElement) -> PageSignals:
    meta_all: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        content = (el.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            for key in (el.get(attr) or "").lower().split():
                meta_all.setdefault(key, []).append(content)
    meta = {key: values[0] for key, values in meta_all.items()}
    return PageSignals(
        meta=meta,
        meta_all=meta_all,
        jsonld=_jsonld_article(root),
        canonical=_canonical(root),
        title_tag=_text(next(root.iter("title"), None)),
        headings=[t for t in (_text(h) for h in root.iter("h1")) if t],
        bylines=list(_bylines(root)),
        time_datetimes=list(_pub_times(root)),
        has_article=next(root.iter("article"), None) is not None
        or any(
            "article" in (el.get("itemtype") or "").lower()
            for el in root.iterfind(".//*[@itemtype]")
        ),
    )


def _text(el: HtmlElement | None) -> str:
    if el is None:
        return ""
    return " ".join(el.text_content().split())


def _canonical(root: HtmlElement) -> str:
    for el in root.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return el.get("href", "").strip()
    return ""


# Reader comments: WordPress `comment`, `comment-list`, `comments-area`, `#respond`,
# `sf_comment_author`, Disqus. A class or id token, not a substring: "has-comments" on an
# <article> is the article.
_COMMENT_TOKEN = re.compile(
    r"^(?:[a-z]{1,4}_)?(?:comments?|commentlist|respond|disqus(?:_thread)?)"
    r"(?:[-_](?:list|area|section|wrapper|container|thread|block|body|author|meta|content"
    r"|respond|form|\d+))*$"
)


def is_comment_zone(el: HtmlElement) -> bool:
    """Whether the element is (part of) a reader-comment section: never the article."""
    if el.tag in ("html", "body", "article", "main"):
        return False
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    return any(_COMMENT_TOKEN.match(token) for token in tokens)


def _bylines(root: HtmlElement) -> Iterator[str]:
    """Visible author names: rel=author links, itemprop=author, class/id "byline"/"author"
    (comment sections are gone by now: `html.drop_comments`)."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in {"meta", "link", "script", "style", "body"}:
            continue
        rel = (el.get("rel") or "").lower().split()
        itemprop = (el.get("itemprop") or "").lower()
        if ("author" in rel or "author" in itemprop or _BYLINE_HINT.search(_hint(el))) and is_small(
            el, max_chars=400, max_elements=40
        ):
            name = el.find('.//*[@itemprop="name"]')
            text = _text(name if name is not None else el)
            if 0 < len(text) < 100 and not _DATEISH.search(text):
                yield text


def is_small(el: HtmlElement, *, max_chars: int, max_elements: int) -> bool:
    """At most `max_chars` of text in at most `max_elements` elements. Stops as soon as either
    is exceeded, so asking it of every element of a deep page stays linear, not quadratic."""
    chars = 0
    for count, node in enumerate(el.iter(), start=1):
        if count > max_elements:
            return False
        chars += len(node.text or "") + (len(node.tail or "") if node is not el else 0)
        if chars > max_chars:
            return False
    return True


def _pub_times(root: HtmlElement) -> Iterator[str]:
    for el in root.iter("time"):
        value = (el.get("datetime") or "").strip()
        itemprop = (el.get("itemprop") or "").lower()
        if value and (
            "datepublished" in itemprop or el.get("pubdate") is not None or "published" in _hint(el)
        ):
            yield value
    for el in root.iter("time"):
        if (el.get("datetime") or "").strip():
            yield el.get("datetime", "").strip()


def _hint(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


# --- JSON-LD ------------------------------------------------------------------------------


def _jsonld_article(root: HtmlElement) -> JsonLdArticle:
    best: dict[str, Any] | None = None
    best_rank = 99
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = _JSON_WRAPPER.sub("", (script.text or "").strip())
        if not raw or len(raw) > _MAX_JSONLD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        for obj in _objects(data, 0):
            rank = _article_rank(obj)
            if rank < best_rank:
                best, best_rank = obj, rank
    return _to_article(best) if best is not None else JsonLdArticle()


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Every dict at the top level, in lists and in @graph (not deep inside properties)."""
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"], depth + 1)
        if isinstance(data.get("mainEntity"), dict):
            yield from _objects(data["mainEntity"], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _article_rank(obj: dict[str, Any]) -> int:
    types = _types(obj)
    if not types & _ARTICLE_TYPES:
        return 99
    if types <= {"webpage"}:
        return 2 if obj.get("headline") or obj.get("author") else 98
    return 1 if obj.get("headline") or obj.get("name") else 3


def _to_article(obj: dict[str, Any]) -> JsonLdArticle:
    return JsonLdArticle(
        headline=_string(obj.get("headline")),
        name=_string(obj.get("name")),
        authors=_names(obj.get("author") or obj.get("creator")),
        published=_string(obj.get("datePublished")) or _string(obj.get("dateCreated")),
        url=_string(obj.get("url")) or _string(obj.get("mainEntityOfPage")),
        publisher=_names(obj.get("publisher"))[0] if _names(obj.get("publisher")) else "",
        description=_string(obj.get("description")),
        keywords=_keywords(obj.get("keywords")),
    )


def _string(value: Any) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    return value.strip() if isinstance(value, str) else ""


def _names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values[:20]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(" ".join(name.split()))
    return names


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    if isinstance(value, list):
        return [k.strip() for k in value if isinstance(k, str) and k.strip()]
    return []
