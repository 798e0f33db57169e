"""EPUB books (.epub): one article per book, its chapters as sections.

An EPUB is a ZIP: `META-INF/container.xml` names the OPF package, whose metadata gives the
title, creators, date, language and subjects, and whose spine gives the reading order of
the chapters' XHTML files. Each chapter goes through the HTML text pipeline (the same
block walk as saved pages) and becomes a `#` heading (its first <h1>-<h3>) plus its blocks
in a Markdown `source`: the headings inside a chapter stay headings (`##` and deeper, in
their order of rank), so the reader shows them and the body is, as for every Markdown
article, the blocks joined by blank lines (offsets line up). The headings with their body
offsets are the book's table of contents (`ParsedFields.headings`; chapters are level 1).

Defensive: members are read through `safezip` (size, total and ratio caps, no path
traversal); a book whose `META-INF/encryption.xml` encrypts anything but fonts (DRM) is
skipped with that reason (obfuscated fonts alone are harmless: the text is plain); a broken chapter is left out, a book with no readable chapter is
skipped; at most `MAX_CHAPTERS` chapters and `MAX_BODY` characters are read. A chapter with
no heading is titled from the book's own table of contents (`epub_toc`). The chapters'
<img>s are kept as `ParsedFields.images` (alt text and the body offset of the block they
stand before; no file to draw: the bytes stay in the book), at most `MAX_IMAGES`.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath
from urllib.parse import unquote

from lxml import etree

from tuireader.articles.dates import parse_date
from tuireader.articles.decode import decode_bytes
from tuireader.articles.epub_toc import toc_titles
from tuireader.articles.errors import SkipFile
from tuireader.articles.html import load_tree
from tuireader.articles.html_images import alt_text, place_images
from tuireader.articles.html_text import tree_blocks
from tuireader.articles.markdown_blocks import (
    Block,
    block_headings,
    block_offsets,
    blocks_to_body,
    markdown_blocks,
)
from tuireader.articles.model import ImageMark, ParsedFields, make_summary
from tuireader.storage.safezip import SafeZip, ZipRefused
from tuireader.text.inert import clean_line, clean_text

MAX_CHAPTERS = 2000
MAX_IMAGES = 200  # per book
MAX_BODY = 8_000_000  # characters of reading text: beyond this the book is cut, and says so
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&=])")
_FONTS = (".otf", ".ttf", ".woff", ".woff2")


def parse_epub(data: bytes, *, fallback_title: str = "Untitled") -> ParsedFields:
    """Title, author, date, subjects and the chapters' text of an EPUB's bytes."""
    try:
        book = SafeZip(io.BytesIO(data))
    except ZipRefused as exc:
        raise SkipFile(f"not a readable EPUB: {exc}") from exc
    with book:
        return _parse(book, fallback_title)


def _parse(book: SafeZip, fallback_title: str) -> ParsedFields:
    locked = _encrypted_text(book)
    if locked:
        raise SkipFile(f"encrypted EPUB (DRM): META-INF/encryption.xml locks {locked}")
    opf_path = _opf_path(book)
    opf = _xml(book, opf_path)
    if opf is None:
        raise SkipFile(f"EPUB package {opf_path} is missing or not XML")
    base = PurePosixPath(opf_path).parent
    meta = opf.find("opf:metadata", _NS)

    def dc(name: str) -> list[str]:
        if meta is None:
            return []
        found = meta.findall(f"dc:{name}", _NS)
        return [clean_line(" ".join("".join(el.itertext()).split())) for el in found]

    manifest = {
        item.get("id"): item
        for item in opf.iterfind("opf:manifest/opf:item", _NS)
        if item.get("id") and item.get("href")
    }
    toc = toc_titles(book, opf, base, _join)
    source_parts: list[str] = []
    pictures: list[tuple[int, str]] = []  # (index of the block it stands before, alt)
    count = 0  # blocks so far
    size = 0
    for ref in list(opf.iterfind("opf:spine/opf:itemref", _NS))[:MAX_CHAPTERS]:
        item = manifest.get(ref.get("idref"))
        if item is None or "html" not in (item.get("media-type") or ""):
            continue
        member = _join(base, item.get("href") or "")
        lines, images = _chapter(book, member, toc.get(member, ""))
        if not lines:
            continue
        section = "\n\n".join(lines)
        size += len(section)
        if size > MAX_BODY:
            source_parts.append("*(the rest of this book is not shown: it is too long)*")
            break
        source_parts.append(section)
        pictures.extend((count + at, alt) for at, alt in images)
        count += len(lines)
    if not source_parts:
        raise SkipFile("no readable chapter in the EPUB")
    source = "\n\n".join(source_parts) + "\n"
    blocks = markdown_blocks(source)
    body = blocks_to_body(blocks)
    titles, creators = dc("title"), [c for c in dc("creator") if c]
    date = next((d for d in (parse_date(v) for v in dc("date")) if d), None)
    description = next((clean_line(clean_text(v)) for v in dc("description") if v), "")
    first = next((b for b in blocks if b.kind == "paragraph"), None)
    return ParsedFields(
        title=next((t for t in titles if t), "") or fallback_title,
        body=body,
        author=", ".join(creators) or None,
        date=date,
        tags=tuple(s for s in dc("subject") if s),
        summary=make_summary(description or (first.text if first else "")),
        site=next((p for p in dc("publisher") if p), None),
        source=source,
        headings=block_headings(blocks),
        images=_marks(blocks, count, pictures[:MAX_IMAGES], len(body)),
    )


def _marks(
    blocks: list[Block], lines: int, pictures: list[tuple[int, str]], end: int
) -> tuple[ImageMark, ...]:
    """The images at body offsets; none when the Markdown did not give one block per
    chapter line (then the places would be wrong, and no place is better)."""
    if not pictures or len(blocks) < lines or len(blocks) > lines + 1:
        return ()
    starts = block_offsets(blocks)
    return tuple(ImageMark(starts[at] if at < lines else end, alt, None) for at, alt in pictures)


def _encrypted_text(book: SafeZip) -> str:
    """The first encrypted member that is not a font ('' when the text is readable).

    Publishers obfuscate embedded fonts (IDPF/Adobe font mangling) in books without DRM;
    only encrypted chapters or package files make a book unreadable."""
    if not book.has("META-INF/encryption.xml"):
        return ""
    root = _xml(book, "META-INF/encryption.xml")
    if root is None:
        return "its content (the file is not readable XML)"
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.endswith("CipherReference"):
            uri = el.get("URI") or ""
            if not uri.lower().endswith(_FONTS):
                return uri or "its content"
    return ""


def _opf_path(book: SafeZip) -> str:
    container = _xml(book, "META-INF/container.xml")
    if container is not None:
        root = container.find("c:rootfiles/c:rootfile", _NS)
        if root is not None and root.get("full-path"):
            return root.get("full-path") or ""
    opfs = [n for n in book.names() if n.lower().endswith(".opf")]
    if not opfs:
        raise SkipFile("no OPF package in the EPUB (META-INF/container.xml names none)")
    return opfs[0]


def _xml(book: SafeZip, name: str) -> etree._Element | None:
    try:
        data = book.read(name)
    except ZipRefused:
        return None
    try:
        return etree.parse(io.BytesIO(data), _XML).getroot()
    except etree.XMLSyntaxError:
        return None


def _join(base: PurePosixPath, href: str) -> str:
    parts: list[str] = []
    for part in (base / unquote(href.split("#", 1)[0])).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _chapter(
    book: SafeZip, member: str, toc_title: str = ""
) -> tuple[list[str], list[tuple[int, str]]]:
    """One chapter as Markdown blocks: its title as `# heading` (its first <h1>-<h3>, else
    the title the book's table of contents gives it), the headings below it as `##`...
    `######` by rank, and escaped paragraphs; and its images (the index of the block each
    stands before, its alt text)."""
    try:
        data = book.read(member)
    except ZipRefused:
        return [], []
    root = load_tree(decode_bytes(data))  # lenient HTML parsing: broken XHTML still reads
    body = root.find("body") if root is not None else None
    if body is None:
        return [], []
    blocks = [
        (" ".join(clean_text(text).split()), level)
        for text, level in tree_blocks(body, drop_chrome=True)
    ]
    title_at = next((i for i, (_, level) in enumerate(blocks) if 1 <= level <= 3), None)
    if title_at is None and toc_title:
        # the title is only in the table of contents, or in a styled paragraph that says it
        if blocks and " ".join(blocks[0][0].split()) == toc_title:
            blocks[0] = (blocks[0][0], 1)
        else:
            blocks.insert(0, (toc_title, 1))
        title_at = 0
    ranks = sorted({level for i, (_, level) in enumerate(blocks) if level and i != title_at})
    depth = {level: min(6, 2 + i) for i, level in enumerate(ranks)}  # below the title's `#`
    lines, texts = [], []
    for i, (text, level) in enumerate(blocks):
        if not text:
            continue
        texts.append(text)
        if i == title_at:
            lines.append(f"# {_escape(text)}")
        elif level:
            lines.append(f"{'#' * depth[level]} {_escape(text)}")
        else:
            lines.append(_escape(text))
    images = [(p.index, alt_text(p.element)) for p in place_images(body, texts)]
    return lines, images


def _escape(text: str) -> str:
    """Paragraph text as literal Markdown (a '1.' or '#' opening a line stays text)."""
    return _MD_SPECIAL.sub(r"\\\1", text)
