"""An EPUB's own table of contents: the title it gives each chapter file.

EPUB 3 books have a navigation document (the manifest item with `properties="nav"`, its
`<nav epub:type="toc">` links); EPUB 2 books an NCX (`application/x-dtbncx+xml`, named by
the spine's `toc` attribute), whose `navPoint`s pair a label with a `content src`. Many
books title a chapter only there (the chapter file opens with an image or a styled
paragraph), so this names the chapters that carry no heading of their own.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import PurePosixPath

from lxml import etree

from tuireader.storage.safezip import SafeZip, ZipRefused
from tuireader.text.inert import clean_line

_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_OPS = "http://www.idpf.org/2007/ops"
MAX_ENTRIES = 5000

Join = Callable[[PurePosixPath, str], str]


def toc_titles(
    book: SafeZip, opf: etree._Element, base: PurePosixPath, join: Join
) -> dict[str, str]:
    """member path -> the first title the book's table of contents gives it."""
    opf_ns = {"opf": "http://www.idpf.org/2007/opf"}
    items = list(opf.iterfind("opf:manifest/opf:item", opf_ns))
    nav = next((i for i in items if "nav" in (i.get("properties") or "").split()), None)
    spine = opf.find("opf:spine", opf_ns)
    ncx_id = spine.get("toc") if spine is not None else None
    ncx = next(
        (
            i
            for i in items
            if i.get("id") == ncx_id or i.get("media-type") == "application/x-dtbncx+xml"
        ),
        None,
    )
    found: dict[str, str] = {}
    for item, read in ((nav, _nav_links), (ncx, _ncx_points)):
        if item is None or not item.get("href"):
            continue
        path = join(base, item.get("href") or "")
        root = _parse(book, path)
        if root is None:
            continue
        here = PurePosixPath(path).parent
        for href, label in read(root):
            title = clean_line(" ".join(label.split()))
            member = join(here, href)
            if title and member and member not in found:
                found[member] = title
        if found:
            break  # the nav document when there is one, else the NCX
    return found


def _parse(book: SafeZip, name: str) -> etree._Element | None:
    try:
        return etree.parse(io.BytesIO(book.read(name)), _XML).getroot()
    except (ZipRefused, etree.XMLSyntaxError):
        return None


def _nav_links(root: etree._Element) -> list[tuple[str, str]]:
    navs = [el for el in root.iter() if _local(el.tag) == "nav"]
    toc = next((n for n in navs if n.get(f"{{{_OPS}}}type") == "toc"), navs[0] if navs else None)
    if toc is None:
        return []
    links = [el for el in toc.iter() if _local(el.tag) == "a" and el.get("href")]
    return [(a.get("href") or "", "".join(a.itertext())) for a in links[:MAX_ENTRIES]]


def _ncx_points(root: etree._Element) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for point in root.iter():
        if _local(point.tag) != "navPoint":
            continue
        label = next((el for el in point if _local(el.tag) == "navLabel"), None)
        content = next((el for el in point if _local(el.tag) == "content"), None)
        if label is not None and content is not None and content.get("src"):
            found.append((content.get("src") or "", "".join(label.itertext())))
        if len(found) >= MAX_ENTRIES:
            break
    return found


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
