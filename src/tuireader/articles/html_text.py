"""Reading text from an element tree: one paragraph per block, "• " per list item.

Works on both trafilatura's XML (<p>, <head>, <list>/<item>, <quote>, <lb/>, <row>/<cell>)
and plain HTML (readability's summary, or a whole page as a last resort). The walk is
iterative (lxml.etree.iterwalk), so a deep tree cannot exhaust the Python stack.
"""

from __future__ import annotations

import re

from lxml import etree

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
_WS = re.compile(r"\s+")


def tree_paragraphs(root: etree._Element, *, drop_chrome: bool = False) -> list[str]:
    """Paragraph texts of `root` in document order (empty blocks dropped)."""
    skip_tags = _SKIP | _CHROME if drop_chrome else _SKIP
    paragraphs: list[str] = []
    parts: list[str] = []
    skipping = 0
    pre = 0

    def flush() -> None:
        text = "".join(parts).strip(" \n|")
        parts.clear()
        if text:
            paragraphs.append(text)

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
        if el is not root:
            add(el.tail)
    flush()
    return [p for p in paragraphs if p.strip("• ")]
