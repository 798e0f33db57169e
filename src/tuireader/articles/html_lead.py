"""Page furniture at the top of an extracted article: section kickers, the repeated title.

Extractors keep everything inside the article container, and most pages put a section kicker
("Earth & Life"), the headline (already the article's title) and a dateline ("posted on
April 21, 2015") there before the first real paragraph. The reader shows the title in its
header, so the reading text should start with the article. Only a short run of leading lines
is looked at, and kickers only go together with a repeated title: a short first paragraph on
a page whose headline is not repeated is left alone (it may be the article's own first line).
"""

from __future__ import annotations

import re
import unicodedata

# How far down the headline may sit (kickers, breadcrumbs and labels come before it).
_MAX_LEAD = 4
_MAX_KICKER_CHARS = 60
_MAX_KICKER_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”)]*$")
_DATELINE = re.compile(
    r"^(?:posted|published|updated|last updated|first published)(?:\s+on)?\b.{0,60}\d{4}.{0,30}$",
    re.I,
)
_NOT_WORD = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Casefolded letters and digits: curly vs straight quotes, dashes and spacing differ
    between a page's <title>/JSON-LD headline and its visible <h1>."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _is_kicker(paragraph: str) -> bool:
    text = paragraph.strip()
    return (
        0 < len(text) <= _MAX_KICKER_CHARS
        and len(text.split()) <= _MAX_KICKER_WORDS
        and not _SENTENCE_END.search(text)
    )


def _is_dateline(paragraph: str) -> bool:
    return len(paragraph) <= 100 and _DATELINE.match(paragraph.strip()) is not None


def strip_lead_furniture(paragraphs: list[str], title: str | None) -> list[str]:
    """`paragraphs` without the kickers and headline that open them (see the module doc),
    and without a dateline just after the headline and its standfirst."""
    key = _key(title or "")
    if not key:
        return paragraphs
    for index, paragraph in enumerate(paragraphs[:_MAX_LEAD]):
        if _key(paragraph) == key:
            if all(_is_kicker(p) for p in paragraphs[:index]):
                rest = _drop_dateline(paragraphs[index + 1 :])
                return rest or paragraphs  # a page that is only its headline keeps it
            return paragraphs
        if not _is_kicker(paragraph):
            return paragraphs
    return paragraphs


def _drop_dateline(paragraphs: list[str]) -> list[str]:
    """A dateline within the first two paragraphs after the headline (a standfirst may sit
    between them); the date itself is already the article's metadata."""
    for index, paragraph in enumerate(paragraphs[:2]):
        if _is_dateline(paragraph):
            return paragraphs[:index] + paragraphs[index + 1 :]
    return paragraphs
