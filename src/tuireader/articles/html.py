"""Saved web pages (.html, .htm): the article's text and metadata, not the page chrome.

Body: trafilatura's main-content extraction (comments left out), then readability-lxml's
summary when trafilatura finds nothing, then the page's own text minus nav/aside/forms.
Byline and dateline elements are removed before extraction (they are metadata).
Metadata: explicit publisher signals first (`html_signals`, `html_meta`), trafilatura's
guesses after. `bench/html_metadata.py` measures the choices on Readability.js's test pages.

Safety: the page is parsed once by lxml's HTML parser (no network, no DTD: entity
declarations in a DOCTYPE are neither expanded nor fetched, and the DOCTYPE with its
internal subset is cut off before parsing). libxml2 caps nesting depth at 2048, subtrees
deeper than `_FLAT_DEPTH` are flattened to text, pages with over 100,000 elements skip the
multi-pass extractors, and every walk here is iterative: hostile pages (bench/nasty_corpus.py)
parse in linear time and cannot exhaust the stack.
"""

from __future__ import annotations

import re
import warnings
from copy import deepcopy

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata

from tuireader.articles.html_furniture import caption_texts, drop_furniture
from tuireader.articles.html_images import image_marks
from tuireader.articles.html_lead import strip_lead_furniture
from tuireader.articles.html_meta import TrafilaturaMeta, choose_meta
from tuireader.articles.html_signals import collect_signals, is_comment_zone, is_small
from tuireader.articles.html_text import outline, page_headings, tree_paragraphs
from tuireader.articles.model import ParsedFields
from tuireader.articles.textnorm import join_paragraphs, normalise_text, split_paragraphs
from tuireader.text.inert import clean_text

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

# huge_tree: without it libxml2 silently drops any text node over 10 MB (a long one-line
# page under the 20 MB cap would come out empty); it also lets trees grow 2048 deep.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, no_network=True, huge_tree=True
)
# Deeper subtrees are flattened to their text (libxml2 itself stops at 2048 levels).
_FLAT_DEPTH = 120
# Bylines and datelines ("Dev Castellano, Business editor", "Published 3 December 2021")
# sit inside the article container, so extractors keep them as paragraphs. They are
# metadata (already collected from the page's signals), not reading text.
_META_HINT = re.compile(
    r"byline|dateline|(?<![a-z])author(?!ity)|published|pubdate|timestamp|posted-?on"
    r"|(?:entry|post|article|story)[-_]+meta",
    re.I,
)
_META_ITEMPROPS = frozenset({"author", "datepublished", "datemodified", "datecreated"})
_MAX_META_CHARS = 200
_MAX_META_ELEMENTS = 40
# Beyond this many elements (real pages have a few thousand) only the one-pass text walk runs.
_MAX_EXTRACT_ELEMENTS = 100_000


def parse_html(text: str, *, fallback_title: str = "Untitled") -> ParsedFields:
    """Main text and metadata of a saved web page (a pure function of the decoded text)."""
    root = load_tree(text)
    if root is None:
        return ParsedFields(title=fallback_title, body="")
    drop_comments(root)
    signals = collect_signals(root)
    captions = caption_texts(root)
    headings = page_headings(root)
    huge = sum(1 for _ in root.iter()) > _MAX_EXTRACT_ELEMENTS
    if huge:
        # the extractors make several passes at ~10 µs per element: minutes for such a page
        guess, paragraphs = TrafilaturaMeta(), []
    else:
        guess = _guess(_trafilatura_meta(root))  # before the bylines go: they are its clues
        drop_page_metadata(root)
        doc = _trafilatura(root)
        paragraphs = tree_paragraphs(doc.body) if doc is not None and doc.body is not None else []
        if not paragraphs:
            paragraphs = _readability_paragraphs(text)
    if not paragraphs:
        body_el = root if huge else load_tree(text)  # the extractors changed their tree
        body_el = body_el.find("body") if body_el is not None else None
        paragraphs = tree_paragraphs(body_el, drop_chrome=True) if body_el is not None else []
    meta = choose_meta(signals, guess)
    paragraphs = split_paragraphs(normalise_text(join_paragraphs(paragraphs)))
    body = join_paragraphs(drop_furniture(strip_lead_furniture(paragraphs, meta.title), captions))
    return ParsedFields(
        title=meta.title or fallback_title,
        body=body,
        author=meta.author,
        date=meta.date,
        tags=meta.tags,
        url=meta.url,
        summary=meta.summary,
        site=meta.site,
        headings=outline(body, headings),
        images=image_marks(root, body),  # bylines (and their portraits) are gone by now
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
    if root is None or not len(root):
        return None
    flatten_deep(root)
    return root


def drop_page_metadata(root: lxml.html.HtmlElement) -> None:
    """Remove byline and dateline elements (short, marked by class/id, itemprop or <address>)
    so the body starts with the article's text. One iterative pass; subtrees of removed
    elements are not visited, and each size check stops early, so hostile pages stay linear."""
    doomed: list[lxml.html.HtmlElement] = []
    inside = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if inside:
            inside += 1 if event == "start" else -1
            continue
        if event != "start" or not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        hint = f"{el.get('class') or ''} {el.get('id') or ''}"
        itemprop = (el.get("itemprop") or "").lower()
        if (
            (el.tag == "address" or itemprop in _META_ITEMPROPS or _META_HINT.search(hint))
            and el.getparent() is not None
            and is_small(el, max_chars=_MAX_META_CHARS, max_elements=_MAX_META_ELEMENTS)
        ):
            doomed.append(el)
            inside = 1
    for el in doomed:
        el.drop_tree()  # keeps the tail text, which belongs to the parent


def drop_comments(root: lxml.html.HtmlElement) -> None:
    """Remove reader-comment sections (`html_signals.is_comment_zone`) before anything reads
    the page: a commenter's name is not the byline, comments are not the article (whatever
    trafilatura's recall mode keeps). A section holding the <h1> is left: it is the page."""
    doomed: list[lxml.html.HtmlElement] = []
    inside = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if inside:
            inside += 1 if event == "start" else -1
            continue
        if (
            event == "start"
            and isinstance(el.tag, str)
            and is_comment_zone(el)
            and el.getparent() is not None
            and el.find(".//h1") is None
        ):
            doomed.append(el)
            inside = 1
    for el in doomed:
        el.drop_tree()


def flatten_deep(root: lxml.html.HtmlElement, max_depth: int = _FLAT_DEPTH) -> None:
    """Replace every subtree deeper than `max_depth` by its text. Real pages are a few dozen
    levels deep; hostile ones (100,000 nested <div>s) would make the extractors' per-element
    work quadratic. Linear: each deep subtree is read once, its own descendants skipped."""
    deep: list[lxml.html.HtmlElement] = []
    depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if event == "start" and depth == max_depth and len(el):
            deep.append(el)
    for el in deep:
        text = " ".join(t for t in el.itertext() if t.strip())
        for child in list(el):
            el.remove(child)
        el.text = text


def _trafilatura(root: lxml.html.HtmlElement) -> trafilatura.settings.Document | None:
    """The main content (trafilatura works on its own copy of the tree)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = trafilatura.bare_extraction(
            root,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
        )
    return result if isinstance(result, trafilatura.settings.Document) else None


def _trafilatura_meta(root: lxml.html.HtmlElement) -> trafilatura.settings.Document | None:
    """trafilatura's metadata guesses, as bare_extraction makes them (on a copy)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return extract_metadata(deepcopy(root), None, _DATE_PARAMS, False)
        except ValueError:
            return None


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
