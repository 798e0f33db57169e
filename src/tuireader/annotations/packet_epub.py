"""A reading packet as an EPUB 3 book: one chapter (XHTML) per article.

What e-readers and epubcheck expect: `mimetype` first and stored uncompressed,
`META-INF/container.xml` naming the package, an OPF with a unique identifier, title,
language and `dcterms:modified`, a manifest and spine, an EPUB 3 navigation document, and an
NCX table of contents too for older readers. The identifier is derived from the content, so
the same packet gives the same book (and the same bytes: fixed ZIP times).
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from datetime import UTC

from tuireader.annotations.packet import STYLE, Packet, article_markup, esc_line
from tuireader.annotations.packet_html import describe

_XHTML = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
    ' lang="en" xml:lang="en">\n<head>\n<meta charset="utf-8"/>\n<title>{title}</title>\n'
    '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n<body>\n{body}\n'
    "</body>\n</html>\n"
)
_CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def render_epub(packet: Packet) -> bytes:
    title = esc_line(packet.title) or "tuireader packet"
    chapters = [
        (
            f"a{n}.xhtml",
            esc_line(item.article.title) or "Untitled",
            article_markup(item, n, level=1),
        )
        for n, item in enumerate(packet.articles, 1)
    ]
    front = f"<h1>{title}</h1>\n<p>{esc_line(describe(packet))}</p>"
    files: list[tuple[str, str]] = [
        ("OEBPS/title.xhtml", _XHTML.format(title=title, body=front)),
        *((f"OEBPS/{name}", _XHTML.format(title=t, body=body)) for name, t, body in chapters),
        ("OEBPS/nav.xhtml", _nav(title, chapters)),
        ("OEBPS/style.css", STYLE),
    ]
    ident = _identifier(files)
    files.append(("OEBPS/toc.ncx", _ncx(title, ident, chapters)))
    files.append(("OEBPS/content.opf", _opf(packet, title, ident, chapters)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr(_info("mimetype", zipfile.ZIP_STORED), "application/epub+zip")
        book.writestr(_info("META-INF/container.xml"), _CONTAINER)
        for name, text in files:
            book.writestr(_info(name), text.encode("utf-8"))
    return out.getvalue()


def _info(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def _identifier(files: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for name, text in files:
        digest.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return f"urn:uuid:{uuid.UUID(bytes=digest.digest()[:16], version=5)}"


def _nav(title: str, chapters: list[tuple[str, str, str]]) -> str:
    items = "\n".join(f'<li><a href="{name}">{t}</a></li>' for name, t, _b in chapters)
    body = (
        f'<nav epub:type="toc" id="toc">\n<h1>{title}</h1>\n<ol>\n'
        f'<li><a href="title.xhtml">{title}</a></li>\n{items}\n</ol>\n</nav>'
    )
    return _XHTML.format(title=title, body=body)


def _ncx(title: str, ident: str, chapters: list[tuple[str, str, str]]) -> str:
    points = [("title.xhtml", title)] + [(name, t) for name, t, _b in chapters]
    nav = "\n".join(
        f'    <navPoint id="p{n}" playOrder="{n}"><navLabel><text>{t}</text></navLabel>'
        f'<content src="{name}"/></navPoint>'
        for n, (name, t) in enumerate(points, 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
        f'  <head><meta name="dtb:uid" content="{ident}"/></head>\n'
        f"  <docTitle><text>{title}</text></docTitle>\n  <navMap>\n{nav}\n  </navMap>\n</ncx>\n"
    )


def _opf(packet: Packet, title: str, ident: str, chapters: list[tuple[str, str, str]]) -> str:
    created = packet.created.astimezone(UTC) if packet.created.tzinfo else packet.created
    modified = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
        '<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>',
    ]
    spine = ['<itemref idref="title"/>']
    for name, _t, _b in chapters:
        item = name.removesuffix(".xhtml")
        manifest.append(f'<item id="{item}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="{item}"/>')
    lines = "\n    ".join(manifest)
    order = "\n    ".join(spine)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">{ident}</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:language>en</dc:language>
    <dc:creator>tuireader</dc:creator>
    <dc:date>{created.date().isoformat()}</dc:date>
    <meta property="dcterms:modified">{modified}</meta>
  </metadata>
  <manifest>
    {lines}
  </manifest>
  <spine toc="ncx">
    {order}
  </spine>
</package>
"""
