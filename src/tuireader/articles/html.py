"""Saved web pages (.html, .htm): the article's text and metadata, not the page chrome.

(Placeholder extraction with trafilatura; see issue 2 for the combined extractor.)
"""

from __future__ import annotations

import trafilatura

from tuireader.articles.dates import parse_date
from tuireader.articles.model import ParsedFields
from tuireader.articles.textnorm import join_paragraphs, normalise_text, split_paragraphs
from tuireader.textsafe import clean_line


def parse_html(text: str, *, fallback_title: str = "Untitled") -> ParsedFields:
    doc = trafilatura.bare_extraction(text, with_metadata=True, favor_recall=True)
    if doc is None:
        return ParsedFields(title=fallback_title, body="")
    body = join_paragraphs(split_paragraphs(normalise_text(doc.text or "")))
    return ParsedFields(
        title=clean_line(doc.title) or fallback_title,
        body=body,
        author=clean_line(doc.author) or None,
        date=parse_date(doc.date) if doc.date else None,
        tags=tuple(clean_line(t) for t in (doc.tags or []) if clean_line(t)),
        url=clean_line(doc.url) or None,
        summary=clean_line(doc.description),
        site=clean_line(doc.sitename) or None,
    )
