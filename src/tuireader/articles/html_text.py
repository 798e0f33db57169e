"""Reading text from an element tree: one paragraph per block, "• " per list item.

Works on both trafilatura's XML (<p>, <head>, <list>/<item>, <quote>, <lb/>, <row>/<cell>)
and plain HTML (readability's summary, or a whole page as a last resort). The walk is
iterative (lxml.etree.iterwalk), so a deep tree cannot exhaust the Python stack.
"""

from __future__ import annotations

import re

from lxml import etree

from tuireader.articles.model import Heading

_BLOCKS = frozenset(
    [
        "p",
        "head",
        "quote",
        "pre",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "tr",
        "row",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "ul",
        "ol",
        "list",
        "dl",
        "address",
        "hr",
        "header",
        "footer",
        "details",
        "summary",
    ]
)
_ITEMS = frozenset({"li", "item"})
_BREAKS = frozenset({"br", "lb"})
_CELLS = frozenset({"td", "th", "cell"})
_PREFORMATTED = frozenset({"pre", "code"})
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "title",
        "iframe",
        "object",
        "button",
        "select",
        "textarea",
        "graphic",
    ]
)
_CHROME = frozenset({"nav", "aside", "form", "menu"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_WS = re.compile(r"\s+")


def tree_paragraphs(root: etree._Element, *, drop_chrome: bool = False) -> list[str]:
    """Paragraph texts of `root` in document order (empty blocks dropped)."""
    return [text for text, _ in tree_blocks(root, drop_chrome=drop_chrome)]


def heading_level(el: etree._Element) -> int:
    """1-6 for <h1>-<h6> and trafilatura's <head rend="h2">, else 0."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _HEADINGS:
        return int(tag[1])
    if tag == "head":
        rend = (el.get("rend") or "h2").lower()
        return int(rend[1]) if rend in _HEADINGS else 2
    return 0


def tree_blocks(root: etree._Element, *, drop_chrome: bool = False) -> list[tuple[str, int]]:
    """(text, heading level or 0) of each block of `root` in document order."""
    skip_tags = _SKIP | _CHROME if drop_chrome else _SKIP
    paragraphs: list[tuple[str, int]] = []
    parts: list[str] = []
    levels: list[int] = []  # the open headings
    skipping = 0
    pre = 0

    def flush() -> None:
        text = "".join(parts).strip(" \n|")
        parts.clear()
        if text:
            paragraphs.append((text, levels[-1] if levels else 0))

    def add(text: str | None) -> None:
        if text and not skipping:
            parts.append(text if pre else _WS.sub(" ", text))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in skip_tags or not tag:
                skipping += 1
                continue
            if tag in _PREFORMATTED:
                pre += 1
            if tag in _BLOCKS or tag in _ITEMS:
                flush()
            if (level := heading_level(el)) and not skipping:
                levels.append(level)
            if tag in _ITEMS and not skipping:
                parts.append("• ")
            add(el.text)
            continue
        if tag in skip_tags or not tag:
            skipping -= 1
        else:
            if tag in _PREFORMATTED:
                pre -= 1
            if tag in _BREAKS and not skipping:
                parts.append("\n")
            elif tag in _CELLS and not skipping:
                parts.append(" | ")
            elif tag in _BLOCKS or tag in _ITEMS:
                flush()
            if heading_level(el) and levels and not skipping:
                levels.pop()
        if el is not root:
            add(el.tail)
    flush()
    return [(text, level) for text, level in paragraphs if text.strip("• ")]


def page_headings(root: etree._Element) -> dict[str, int]:
    """The page's heading texts (one line, as the body writes them) and their levels; the
    first level wins for a text used twice."""
    from tuireader.articles.textnorm import normalise_text

    found: dict[str, int] = {}
    for el in root.iter(*_HEADINGS):
        text = " ".join(normalise_text("".join(el.itertext())).split())
        if text and len(text) <= 300:
            found.setdefault(text, int(el.tag[1]))
    return found


def outline(body: str, headings: dict[str, int]) -> tuple[Heading, ...]:
    """The body's paragraphs that are the page's headings, with their offsets: the
    extractors give paragraphs only, so a heading is known by its text."""
    if not headings:
        return ()
    found: list[Heading] = []
    at = 0
    for paragraph in body.split("\n\n"):
        level = headings.get(" ".join(paragraph.split())) if len(paragraph) <= 300 else None
        if level:
            found.append(Heading(level, " ".join(paragraph.split()), at))
        at += len(paragraph) + 2
    return tuple(found)
