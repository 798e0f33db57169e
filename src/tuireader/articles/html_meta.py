"""Choose a page's metadata: explicit publisher signals first, extractor guesses second.

Order per field: JSON-LD, then <meta> (Dublin Core, OpenGraph, Twitter, Parse.ly, plain),
then visible markup (<time datetime>, bylines, <title>/<h1>), then trafilatura's guesses.
Every value is cleaned to one inert line; implausible values (URL "authors", 300-character
bylines, relative canonical links) are dropped rather than shown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from tuireader.articles.dates import date_from_path, parse_date
from tuireader.articles.html_signals import PageSignals
from tuireader.text.inert import clean_line as _inert_line

_TITLE_KEYS = ("dc.title", "dc:title", "dcterm:title", "og:title", "title", "twitter:title")
_TITLE_KEYS_LATE = ("parsely-title", "sailthru.title")
_AUTHOR_KEYS = (
    "dc.creator",
    "dc:creator",
    "dcterm:creator",
    "author",
    "parsely-author",
    "sailthru.author",
    "article:author",
    "byl",
)
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "parsely-pub-date",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "dc:date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "sailthru.date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
_SITE_KEYS = ("og:site_name", "application-name", "al:ios:app_name", "twitter:site")
_SUMMARY_KEYS = ("description", "og:description", "twitter:description", "dc.description")
_TAG_KEYS = ("article:tag", "keywords", "news_keywords", "parsely-tags")
_HIER_SEP = re.compile(r"\s[|\-–—\\/>»]\s")  # " | ", " - ", " — ", " » " ...
_BY_PREFIX = re.compile(r"^(?:written\s+|posted\s+)?by[:\s]\s*", re.I)
_URLISH = re.compile(r"^(?:https?:|www\.|//)|\.(?:com|org|net)/", re.I)
_TOKENS = re.compile(r"\w+")
_URL_IN_TEXT = re.compile(r"\(?\s*(?:https?://|www\.)\S*\s*\)?", re.I)
_DIGITS = re.compile(r"\d{4}|\d{1,2}/\d{1,2}/\d{2}")
_MAX_AUTHOR = 100
_MAX_AUTHOR_LIST = 1000
_MAX_TAGS = 50


_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});?", re.I)


def clean_line(value: str | None) -> str:
    """One inert line with HTML entities decoded, repeatedly for double-escaped values
    (`&amp;#39;` -> `'`): publishers escape <meta> content, JSON-LD and og:title once too often."""
    text = value or ""
    for _ in range(3):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return _inert_line(text)


@dataclass(frozen=True)
class TrafilaturaMeta:
    """The subset of trafilatura's guesses tuireader uses (None when it found nothing)."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageMeta:
    title: str
    author: str | None
    date: datetime | None
    url: str | None
    site: str | None
    summary: str
    tags: tuple[str, ...]


def choose_meta(sig: PageSignals, guess: TrafilaturaMeta) -> PageMeta:
    site = _first(sig.meta.get(k) for k in _SITE_KEYS) or clean_line(sig.jsonld.publisher)
    site = site or clean_line(guess.sitename)
    return PageMeta(
        title=choose_title(sig, guess, site),
        author=choose_author(sig, guess),
        date=choose_date(sig, guess),
        url=_choose_url(sig, guess),
        site=site.lstrip("@") or None,
        summary=_first([sig.jsonld.description, *(sig.meta.get(k) for k in _SUMMARY_KEYS)])
        or clean_line(guess.description),
        tags=_choose_tags(sig, guess),
    )


def _first(values: object) -> str:
    for value in values:  # type: ignore[attr-defined]
        text = clean_line(value) if isinstance(value, str) else ""
        if text:
            return text
    return ""


# --- title --------------------------------------------------------------------------------


def choose_title(sig: PageSignals, guess: TrafilaturaMeta, site: str) -> str:
    """The headline the publisher declared, preferring one the <title> agrees with."""
    declared = [sig.jsonld.headline, sig.jsonld.name, *(sig.meta.get(k) for k in _TITLE_KEYS)]
    explicit = [c for c in (clean_line(v) for v in declared if isinstance(v, str)) if c]
    if explicit:
        tag = clean_line(sig.title_tag)
        agreed = next((c for c in explicit if tag and similarity(c, tag) > 0.75), explicit[0])
        return strip_site(agreed, site)
    from_tag = clean_title_tag(clean_line(sig.title_tag), sig.headings)
    if from_tag:
        return strip_site(from_tag, site)
    return _first([*(sig.meta.get(k) for k in _TITLE_KEYS_LATE), guess.title])


def similarity(candidate: str, reference: str) -> float:
    """Share of the candidate's text made of words the reference also has (0..1)."""
    ref = set(_TOKENS.findall(reference.casefold()))
    words = _TOKENS.findall(candidate.casefold())
    if not words:
        return 0.0
    foreign = " ".join(w for w in words if w not in ref)
    return 1 - len(foreign) / len(" ".join(words))


def strip_site(title: str, site: str) -> str:
    """ "Headline | Site Name" -> "Headline" when the suffix (or prefix) is the site's name."""
    if not site:
        return title
    parts = _HIER_SEP.split(title)
    if len(parts) < 2:
        return title
    folded = site.casefold()
    if parts[-1].strip().casefold() == folded:
        return title[: title.casefold().rfind(folded)].rstrip(" |-–—\\/>»:").strip() or title
    if parts[0].strip().casefold() == folded:
        return title[len(parts[0]) :].lstrip(" |-–—\\/>»:").strip() or title
    return title


def clean_title_tag(title: str, headings: list[str]) -> str:
    """A <title> without its site part (after Readability.js's _getArticleTitle heuristics)."""
    if not title:
        return headings[0] if len(headings) == 1 else ""
    words = _word_count(title)
    hierarchical = False
    current = title
    if _HIER_SEP.search(title):
        hierarchical = True
        current = " ".join(title[: _last_sep(title)].split())
        if _word_count(current) < 3:
            current = title[_HIER_SEP.search(title).end() :].strip()  # type: ignore[union-attr]
    elif ": " in title:
        if not any(h.strip() == title.strip() for h in headings):
            current = title[title.rfind(":") + 1 :].strip()
            if _word_count(current) < 3:
                current = title[title.find(":") + 1 :].strip()
            elif _word_count(title[: title.find(":")]) > 5:
                current = title
    elif (len(title) > 150 or len(title) < 15) and len(headings) == 1:
        current = headings[0]
    n = _word_count(current)
    if n <= 4 and (not hierarchical or n != _word_count(_HIER_SEP.sub(" ", title)) - 1):
        current = title
    return current if words else ""


def _last_sep(title: str) -> int:
    return [m.start() for m in _HIER_SEP.finditer(title)][-1]


def _word_count(text: str) -> int:
    return len(text.split())


# --- author, date, url, tags --------------------------------------------------------------


def choose_author(sig: PageSignals, guess: TrafilaturaMeta) -> str | None:
    candidates = [
        ", ".join(dict.fromkeys(sig.jsonld.authors)),
        *(sig.meta.get(k) for k in _AUTHOR_KEYS),
        *sig.bylines,
        guess.author,
    ]
    for value in candidates:
        name = clean_author(value or "")
        if name:
            return name
    return None


def clean_author(value: str) -> str:
    """A plausible byline, or "" (URLs, e-mail-only, sentences and site chrome rejected)."""
    text = _URL_IN_TEXT.sub(" ", clean_line(value)) if not _URLISH.match(value) else ""
    text = _BY_PREFIX.sub("", " ".join(text.split())).strip(" ,;|-–—")
    if not text:
        return ""
    if (len(text) > _MAX_AUTHOR or _word_count(text) > 12) and not _name_list(text):
        return ""
    if _URLISH.search(text) or text.startswith("@") or not any(ch.isalpha() for ch in text):
        return ""
    return text


def _name_list(text: str) -> bool:
    """A long list of names ("Wang, T., Yang, Y., Okafor, D., ..." on a paper's page): every
    part is one to four words, none a sentence."""
    if len(text) > _MAX_AUTHOR_LIST:
        return False
    parts = [p for p in re.split(r"\s*[,;]\s*|\s+(?:and|&)\s+", text) if p]
    return len(parts) >= 3 and all(
        _word_count(p) <= 4 and not p.endswith(("!", "?", ":")) and any(c.isalpha() for c in p)
        for p in parts
    )


def choose_date(sig: PageSignals, guess: TrafilaturaMeta) -> datetime | None:
    """The publisher's date; trafilatura's guess only when the page declares none. A declared
    date that is impossible ("31/02/2023", year 99999) is dropped, not repaired: the guess
    is then htmldate's repair of that same value (31/02/2023 -> 2023-02-01)."""
    declared = [
        sig.jsonld.published,
        *(sig.meta.get(k) for k in _DATE_KEYS),
        *sig.time_datetimes[:1],
    ]
    for value in declared:
        parsed = parse_date(clean_line(value)) if value else None
        if parsed is not None:
            return parsed
    if any(_DIGITS.search(value) for value in declared if value):
        return None
    for url in (sig.canonical, sig.meta.get("og:url"), sig.jsonld.url):
        if path_date := date_from_path(url):
            return path_date
    if not _dated_kind(sig):
        return None  # an encyclopaedia or reference page: a date in its text is not its own
    return parse_date(clean_line(guess.date)) if guess.date else None


def _dated_kind(sig: PageSignals) -> bool:
    """Whether the page is of a kind that has a publication date (a post, a story), so a
    date found in its text may be it; reference pages (a wiki) declare no such kind."""
    if sig.meta.get("generator", "").lower().startswith("mediawiki"):
        return False
    kind = sig.meta.get("og:type", "").lower()
    return bool(
        kind in ("article", "blog", "news")
        or sig.jsonld.headline
        or sig.bylines
        or sig.time_datetimes
        or sig.has_article
    )


def _choose_url(sig: PageSignals, guess: TrafilaturaMeta) -> str | None:
    for value in (sig.canonical, sig.meta.get("og:url"), sig.jsonld.url, guess.url):
        url = clean_line(value)
        if url.startswith(("http://", "https://")) and " " not in url and len(url) < 2048:
            return url
    return None


def _choose_tags(sig: PageSignals, guess: TrafilaturaMeta) -> tuple[str, ...]:
    raw: list[str] = []
    for key in _TAG_KEYS:
        for value in sig.meta_all.get(key, []):
            raw.extend(value.split(",") if key != "article:tag" else [value])
    raw.extend(sig.jsonld.keywords)
    # trafilatura reports a keywords <meta> unsplit ("a, b, c"): split it like ours
    raw.extend(part for value in guess.tags for part in value.split(","))
    tags: dict[str, str] = {}
    for value in raw:
        tag = clean_line(value).strip(" \"'")
        if (
            tag
            and len(tag) <= 60
            and any(ch.isalnum() for ch in tag)
            and tag.casefold() not in tags
        ):
            tags[tag.casefold()] = tag
    return tuple(tags.values())[:_MAX_TAGS]
