"""The images of a fetched page's article, as <figure>s placed among its paragraphs.

`fetch_page` rebuilds the article as escaped paragraphs; this finds the page's <img>s that
sit inside the article (`articles.html_images.place_images`) and gives each one's absolute
address and alt text, so the saved copy keeps them where they were (`image_files` then
fetches them for the offline copy).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from tuireader.articles.decode import decode_bytes
from tuireader.articles.html import load_tree
from tuireader.articles.html_images import alt_text, place_images
from tuireader.text.inert import clean_line


@dataclass(frozen=True)
class ImageRef:
    url: str  # absolute http(s) address
    alt: str
    index: int  # the body paragraph it stands before


def find_image_refs(data: bytes, page_url: str, paragraphs: Sequence[str]) -> list[ImageRef]:
    """The article's images with web addresses (data: URIs and other schemes are left
    out), each address once, in page order."""
    try:
        root = load_tree(decode_bytes(data))
    except Exception:  # an image is never a reason to lose the page
        return []
    if root is None:
        return []
    refs: list[ImageRef] = []
    seen: set[str] = set()
    for placed in place_images(root, paragraphs):
        url = _address(placed.element.get("src"), page_url) or _address(
            placed.element.get("data-src"), page_url
        )
        if url and url not in seen:
            seen.add(url)
            refs.append(ImageRef(url, alt_text(placed.element), placed.index))
    return refs


def article_html(paragraphs: Sequence[str], refs: Sequence[ImageRef]) -> str:
    """The article as <p>s with each image's <figure> before the paragraph it preceded."""
    before: dict[int, list[ImageRef]] = {}
    for ref in refs:
        before.setdefault(ref.index, []).append(ref)
    parts: list[str] = []
    for i in range(len(paragraphs) + 1):
        parts.extend(_figure(ref) for ref in before.get(i, ()))
        if i < len(paragraphs) and paragraphs[i]:
            parts.append(f"<p>{html.escape(paragraphs[i])}</p>")
    return "\n".join(parts)


def _figure(ref: ImageRef) -> str:
    src, alt = html.escape(ref.url, quote=True), html.escape(ref.alt, quote=True)
    return f'<figure><img src="{src}" alt="{alt}"></figure>'


def _address(src: str | None, page_url: str) -> str | None:
    src = clean_line(src or "").strip()
    if not src or src.lower().startswith("data:"):
        return None
    try:
        url = urljoin(page_url, src)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") and len(url) <= 2000 else None
