"""Where a page's images sit among its article's paragraphs.

The body is plain text (images are not part of it), so an image is placed by the paragraph
it follows: the page's text blocks are matched in order against the body's paragraphs, and
each <img> inside the article (the smallest element holding the first and last matched
block) is anchored before the next paragraph. Saving a page (`ingest.page_images`) and
reading a saved one (`parse_html`) use the same walk, so an image lands where it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from tuireader.articles.model import ImageMark
from tuireader.text.inert import clean_line

MAX_IMAGES = 20  # per article: a gallery page keeps its first twenty
MAX_ALT = 300  # characters of alt text kept
_TEXT_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th"}
)
_OUTSIDE = frozenset({"nav", "aside", "footer", "form", "script", "style", "noscript", "template"})
_MAX_ELEMENTS = 100_000  # as the extractors: hostile pages are not walked for images
_MAX_CANDIDATES = 400


@dataclass(frozen=True)
class Placed:
    """An <img> of the article and the index of the body paragraph it stands before
    (the number of paragraphs before it; len(paragraphs) for after the last)."""

    element: etree._Element
    index: int


def place_images(
    root: etree._Element, paragraphs: Sequence[str], *, limit: int = MAX_IMAGES
) -> list[Placed]:
    """The article's images in document order with their paragraph anchors (at most
    `limit`); none when no text block of the page matches a paragraph."""
    if root.find(".//img") is None or not paragraphs:
        return []
    if sum(1 for _ in root.iter()) > _MAX_ELEMENTS:
        return []
    keys: dict[str, list[int]] = {}
    for i, text in enumerate(paragraphs):
        keys.setdefault(_key(text.removeprefix("• ")), []).append(i)
    pos = 0
    matched: list[etree._Element] = []
    candidates: list[Placed] = []
    skip = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if skip:
            skip += 1 if event == "start" else -1
            continue
        if event != "start" or not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in _OUTSIDE:
            skip = 1
        elif tag == "img":
            if len(candidates) < _MAX_CANDIDATES:
                candidates.append(Placed(el, pos))
        elif tag in _TEXT_BLOCKS:
            found = next((i for i in keys.get(_key("".join(el.itertext())), ()) if i >= pos), None)
            if found is not None:
                pos = found + 1
                matched.append(el)
    if not matched:
        return []
    container = _common_ancestor(matched[0], matched[-1])
    inside = [p for p in candidates if _within(p.element, container) and not _tiny(p.element)]
    return inside[:limit]


def image_marks(root: etree._Element, body: str) -> tuple[ImageMark, ...]:
    """The images of a page read from the library, at body offsets (`Article.images`).

    Only a relative `src` (the saved copy's `<name>.assets/001.png`) is kept as a file to
    draw; any other image is still a placeholder with its alt text."""
    paragraphs = body.split("\n\n") if body else []
    starts: list[int] = []
    offset = 0
    for text in paragraphs:
        starts.append(offset)
        offset += len(text) + 2
    marks = []
    for placed in place_images(root, paragraphs):
        at = starts[placed.index] if placed.index < len(starts) else len(body)
        src = local_src(placed.element.get("src") or "")
        marks.append(ImageMark(at, alt_text(placed.element), src))
    return tuple(marks)


def alt_text(element: etree._Element) -> str:
    """The image's alt (else title) text on one line, inert, at most MAX_ALT characters."""
    text = element.get("alt") or element.get("title") or ""
    return clean_line(" ".join(text.split()))[:MAX_ALT]


def local_src(src: str) -> str | None:
    """A relative path below the article's folder, or None (a web address, an absolute or
    parent path: nothing outside the library is ever read for an image)."""
    path = unquote(src.strip())
    if not path or ":" in path or path.startswith(("/", "\\")) or "\\" in path:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return path


def _key(text: str) -> str:
    return " ".join(text.split())


def _common_ancestor(a: etree._Element, b: etree._Element) -> etree._Element:
    mine = {id(a): a}
    mine.update((id(x), x) for x in a.iterancestors())
    if id(b) in mine:
        return b
    for x in b.iterancestors():
        if id(x) in mine:
            return x
    return a.getroottree().getroot()


def _within(element: etree._Element, container: etree._Element) -> bool:
    return any(x is container for x in element.iterancestors())


def _tiny(element: etree._Element) -> bool:
    """A tracking pixel or spacer (declared one or two pixels wide or high)."""
    for name in ("width", "height"):
        value = (element.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 2:
            return True
    return False
