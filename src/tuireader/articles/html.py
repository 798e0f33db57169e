"""Saved web pages (.html, .htm): the article's text and metadata, not the page chrome.

Body: trafilatura's main-content extraction (comments left out), then readability-lxml's
summary when trafilatura finds nothing, then the page's own text minus nav/aside/forms.
Metadata: explicit publisher signals first (`html_signals`, `html_meta`), trafilatura's
guesses after. `bench/html_metadata.py` measures the choices on Readability.js's test pages.

Safety: the page is parsed once by lxml's HTML parser (no network, no DTD: entity
declarations in a DOCTYPE are neither expanded nor fetched, and the DOCTYPE with its
internal subset is cut off before parsing). libxml2 caps nesting depth, and every walk over
the tree here is iterative, so deeply nested pages cannot exhaust the stack.
"""

from __future__ import annotations

import re
import warnings

import lxml.html
import trafilatura
from lxml import etree

from tuireader.articles.html_meta import TrafilaturaMeta, choose_meta
from tuireader.articles.html_signals import collect_signals
from tuireader.articles.html_text import tree_paragraphs
from tuireader.articles.model import ParsedFields
from tuireader.articles.textnorm import join_paragraphs, normalise_text, split_paragraphs
from tuireader.textsafe import clean_text

# XML declaration, processing instructions and a DOCTYPE (with any [internal subset]) at the
# start of the file: libxml2's HTML parser would otherwise show the subset as text.
_PROLOGUE = re.compile(
    r"\A\s*(?:<\?[^>]{0,500}\?>\s*|<!--.{0,2000}?-->\s*)*"
    r"(?:<!DOCTYPE[^\[>]{0,2000}(?:\[[^\]]*\])?\s*>)?",
    re.I | re.S,
)
# htmldate's markup-only search: its "extensive" text scan mostly finds copyright years,
# comment dates and today's date on the pages of bench/html_metadata.py.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# Measured with bench/html_metadata.py (body F1 against Readability.js's articles).
# favor_recall: P 0.956 R 0.927 (default P 0.950 R 0.929, favor_precision P 0.967 R 0.910).
_BODY_OPTIONS = {"include_comments": False, "include_tables": True, "favor_recall": True}
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, no_network=True
)


def parse_html(text: str, *, fallback_title: str = "Untitled") -> ParsedFields:
    """Main text and metadata of a saved web page (a pure function of the decoded text)."""
    root = load_tree(text)
    if root is None:
        return ParsedFields(title=fallback_title, body="")
    signals = collect_signals(root)
    doc = _trafilatura(root)
    guess = _guess(doc)
    paragraphs = tree_paragraphs(doc.body) if doc is not None and doc.body is not None else []
    if not paragraphs:
        paragraphs = _readability_paragraphs(text)
    if not paragraphs:
        body_el = load_tree(text)
        body_el = body_el.find("body") if body_el is not None else None
        paragraphs = tree_paragraphs(body_el, drop_chrome=True) if body_el is not None else []
    meta = choose_meta(signals, guess)
    body = join_paragraphs(split_paragraphs(normalise_text(join_paragraphs(paragraphs))))
    return ParsedFields(
        title=meta.title or fallback_title,
        body=body,
        author=meta.author,
        date=meta.date,
        tags=meta.tags,
        url=meta.url,
        summary=meta.summary,
        site=meta.site,
    )


def load_tree(text: str) -> lxml.html.HtmlElement | None:
    """The page's element tree, or None when there is no markup to speak of."""
    text = clean_text(text)
    text = _PROLOGUE.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return root if root is not None and len(root) else None


def _trafilatura(root: lxml.html.HtmlElement) -> trafilatura.settings.Document | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = trafilatura.bare_extraction(
            root,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            **_BODY_OPTIONS,
        )
    return result if isinstance(result, trafilatura.settings.Document) else None


def _guess(doc: trafilatura.settings.Document | None) -> TrafilaturaMeta:
    if doc is None:
        return TrafilaturaMeta()
    return TrafilaturaMeta(
        title=doc.title,
        author=doc.author,
        date=doc.date,
        url=doc.url,
        sitename=doc.sitename,
        description=doc.description,
        tags=tuple(t for t in (doc.tags or []) if isinstance(t, str)),
    )


def _readability_paragraphs(text: str) -> list[str]:
    """readability-lxml's article, for pages where trafilatura finds no main content."""
    from readability import Document
    from readability.readability import Unparseable

    try:
        summary = Document(_PROLOGUE.sub("", clean_text(text), count=1)).summary(html_partial=True)
        return tree_paragraphs(lxml.html.fromstring(summary)) if summary.strip() else []
    except (Unparseable, etree.ParserError, ValueError):
        return []
