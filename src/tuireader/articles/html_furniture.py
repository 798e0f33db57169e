"""Page furniture inside an extracted article: repeated paragraphs, widget labels, CSS names.

trafilatura's recall mode (kept: it finds more of the real text) also keeps a figure's
caption twice, a quiz widget's "Take Quiz" per question, "STORY HIGHLIGHTS" labels, the
times of a related-stories rail ("Updated 1647 GMT (0047 HKT) February 1, 2016") and CSS
breakpoint names that some pages print as list items ("• narrow-browser-and-phone").
Only these narrow shapes go: a repeat of one of the page's captions or of a short line
(4-25 words; the first stays), a short all-letters label seen three times or more, and the
furniture below. Repeated code, headings and long paragraphs stay.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml.html import HtmlElement

_LABELS = frozenset(
    {
        "story highlights",
        "highlights",
        "related stories",
        "related articles",
        "related content",
        "more stories",
        "more from this section",
        "most popular",
        "most read",
        "advertisement",
        "take quiz",
        "take the quiz",
        "share this article",
        "share this story",
    }
)
_BULLET = re.compile(r"^[•·*\-–]\s*")
# A lone lower-case token of three or more hyphenated words: a CSS class, not prose.
_CSS_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){2,}$")
_RAIL_TIME = re.compile(r"^updated\s+\d{1,2}:?\d{2}\s+(?:gmt|utc)\b.{0,60}$", re.I)
_MAX_WIDGET_WORDS = 4
_MIN_WIDGET_REPEATS = 3
_MIN_CAPTION_WORDS = 4
_MAX_REPEAT_WORDS = 25  # test pages repeat whole 33-word paragraphs on purpose
_CAPTION_CLASS = re.compile(r"(?<![a-z])(?:wp-)?caption(?:-text)?(?![a-z])", re.I)


def _key(paragraph: str) -> str:
    return " ".join(paragraph.split())


def caption_texts(root: HtmlElement) -> frozenset[str]:
    """The page's figure captions (<figcaption>, WordPress `wp-caption-text`, `caption`)."""
    found = set()
    for el in root.iter("figcaption", "p", "div", "span"):
        if el.tag != "figcaption" and not _CAPTION_CLASS.search(el.get("class") or ""):
            continue
        text = " ".join(el.text_content().split())
        if text:
            found.add(text)
    return frozenset(found)


def drop_furniture(paragraphs: list[str], captions: frozenset[str] = frozenset()) -> list[str]:
    """`paragraphs` without repeated captions, widget labels, rail times and CSS names."""
    counts = Counter(_key(p) for p in paragraphs)
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        key = _key(paragraph)
        if _is_furniture(_BULLET.sub("", key)) or _is_widget_label(key, counts[key]):
            continue
        if key in seen and _caption_like(paragraph, captions):
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept or paragraphs


def _caption_like(paragraph: str, captions: frozenset[str]) -> bool:
    """A repeat that may go: one of the page's captions, or a short caption-sized line.
    Code (several lines), headings and paragraphs repeated on purpose stay."""
    key = _key(paragraph)
    if key in captions:
        return True
    words = len(key.split())
    return "\n" not in paragraph and _MIN_CAPTION_WORDS <= words <= _MAX_REPEAT_WORDS


def _is_widget_label(key: str, count: int) -> bool:
    words = key.split()
    return (
        count >= _MIN_WIDGET_REPEATS
        and len(words) <= _MAX_WIDGET_WORDS
        and all(word.isalpha() for word in words)
    )


def _is_furniture(text: str) -> bool:
    return (
        text.casefold().rstrip(":") in _LABELS
        or _CSS_NAME.match(text) is not None
        or (len(text) <= 90 and _RAIL_TIME.match(text) is not None)
    )
