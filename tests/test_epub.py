"""EPUB books: metadata from the OPF, chapters in spine order as headings, bad books skipped."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_epub import BOOK_CHAPTERS, write_epub

from tuireader.articles.errors import SkipFile
from tuireader.articles.markdown_blocks import markdown_blocks
from tuireader.articles.registry import parse_bytes
from tuireader.tui.widgets.reader_document import ReaderDocument

CHAPTERS = [
    ("First Light", ["Morning # one: the *stars* fade.", "1. Not a list, just a number."]),
    ("Second Tide", ["The water rose by noon."]),
]


def book(tmp_path: Path, **kwargs: object) -> bytes:
    return write_epub(tmp_path / "b.epub", kwargs.pop("chapters", CHAPTERS), **kwargs).read_bytes()  # type: ignore[arg-type]


def test_metadata_chapters_and_offsets(tmp_path: Path) -> None:
    article = parse_bytes("books/b.epub", book(tmp_path, title="Tides", author="R. Lane", subjects=("sea",)))  # fmt: skip
    assert (article.format, article.title, article.author) == ("epub", "Tides", "R. Lane")
    assert article.date is not None and article.date.year == 2024 and article.tags == ("sea",)
    assert article.body.split("\n\n") == [
        "First Light",
        "Morning # one: the *stars* fade.",
        "1. Not a list, just a number.",
        "Second Tide",
        "The water rose by noon.",
    ]
    blocks = markdown_blocks(article.source or "")
    assert [b.kind for b in blocks] == ["heading", "paragraph", "paragraph", "heading", "paragraph"]
    doc = ReaderDocument.from_article(article)  # the reader keeps the headings
    assert [b.kind for b in doc.blocks] == [b.kind for b in blocks]


def test_spine_order_not_file_order(tmp_path: Path) -> None:
    article = parse_bytes("b.epub", book(tmp_path, reverse_spine=True))
    assert article.body.startswith("Second Tide")


def test_the_library_book_reads() -> None:
    data = (Path(__file__).parent.parent / "library/books/the-lighthouse-keepers-almanac.epub").read_bytes()  # fmt: skip
    article = parse_bytes("books/the-lighthouse-keepers-almanac.epub", data)
    assert article.title == "The Lighthouse Keeper's Almanac" and article.author == "Ines Marlow"
    assert [b.text for b in markdown_blocks(article.source or "") if b.kind == "heading"] == [c[0] for c in BOOK_CHAPTERS]  # fmt: skip


def _encryption(uri: str) -> bytes:
    return (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        f'<enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData>'
        "</enc:EncryptedData></encryption>"
    ).encode()


def test_encrypted_book_is_skipped_with_the_reason(tmp_path: Path) -> None:
    data = book(tmp_path, extra={"META-INF/encryption.xml": _encryption("OEBPS/text/chapter1.xhtml")})  # fmt: skip
    with pytest.raises(SkipFile, match=r"encrypted EPUB \(DRM\).*chapter1.xhtml"):
        parse_bytes("b.epub", data)


def test_obfuscated_fonts_alone_are_not_drm(tmp_path: Path) -> None:
    data = book(tmp_path, extra={"META-INF/encryption.xml": _encryption("OEBPS/fonts/serif.otf")})  # fmt: skip
    assert parse_bytes("b.epub", data).body.startswith("First Light")


def test_missing_opf_and_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "no-opf.epub"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("text/ch1.xhtml", "<html><body><p>x</p></body></html>")
    with pytest.raises(SkipFile, match="no OPF"):
        parse_bytes("no-opf.epub", path.read_bytes())
    with pytest.raises(SkipFile, match="not a readable EPUB"):
        parse_bytes("x.epub", b"PK\x03\x04 this is not a zip at all")


def test_broken_chapter_xhtml_still_reads_and_a_bomb_chapter_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "b.epub"
    write_epub(path, CHAPTERS)
    # rewrite chapter 1 as unclosed XHTML and chapter 2 as 40 MB of zeros
    out = tmp_path / "c.epub"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("chapter1.xhtml"):
                body = b"<html><body><h1>First Light<p>Unclosed <b>tags everywhere"
            elif info.filename.endswith("chapter2.xhtml"):
                body = b"\0" * (40 * 1024 * 1024)
            dst.writestr(info.filename, body)
    article = parse_bytes("c.epub", out.read_bytes())
    assert "Unclosed tags everywhere" in article.body
    assert "Second Tide" not in article.body


def test_scanned_with_the_library(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tuireader.cli import cli

    root = tmp_path / "lib"
    write_epub(root / "books" / "tides.epub", CHAPTERS, title="Tides")
    result = CliRunner().invoke(cli, ["--library", str(root), "search", "water", "--json"])
    assert '"Tides"' in result.output


def test_import_articles_copies_a_book_once(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tuireader.cli import cli

    root = tmp_path / "lib"
    root.mkdir()
    source = write_epub(tmp_path / "in" / "tides.epub", CHAPTERS, title="Tides")
    locked = write_epub(tmp_path / "in" / "locked.epub", CHAPTERS, extra={"META-INF/encryption.xml": _encryption("OEBPS/content.opf")})  # fmt: skip

    def run(*args: str):
        return CliRunner().invoke(cli, ["--library", str(root), "import-articles", *args])

    first = run(str(source))
    assert first.exit_code == 0 and "1 saved" in first.output
    assert (root / "books" / "tides.epub").read_bytes() == source.read_bytes()
    again = run(str(source))
    assert again.exit_code == 0 and "1 already there" in again.output
    refused = run(str(locked))
    assert refused.exit_code == 1 and "encrypted EPUB (DRM)" in refused.output
    assert sorted(p.name for p in (root / "books").iterdir()) == ["tides.epub"]
    found = CliRunner().invoke(cli, ["--library", str(root), "search", "water", "--json"])
    assert '"Tides"' in found.output


def test_images_are_kept_with_their_alt_text_and_place(tmp_path: Path) -> None:
    path = tmp_path / "b.epub"
    write_epub(path, CHAPTERS)
    out = tmp_path / "c.epub"
    chapter = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>First Light</h1>'
        "<p>Morning # one: the *stars* fade.</p>"
        '<figure><img src="../images/lamp.png" alt="The [b]lamp[/b]&#x1b;[31m lit"/></figure>'
        '<p>1. Not a list, just a number.</p><img src="../images/end.png" alt="Dusk"/>'
        '<img src="pixel.gif" width="1" height="1" alt="tracker"/></body></html>'
    )
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("chapter1.xhtml"):
                body = chapter.encode()
            dst.writestr(info.filename, body)
    article = parse_bytes("c.epub", out.read_bytes())
    assert article.body.split("\n\n")[2] == "1. Not a list, just a number."
    lamp, dusk = article.images
    assert article.body[lamp.offset :].startswith("1. Not a list")
    assert lamp.alt == "The [b]lamp[/b] lit" and lamp.src is None  # the escape sequence gone
    assert (dusk.alt, article.body[dusk.offset :].split("\n")[0]) == ("Dusk", "Second Tide")
    assert parse_bytes("b.epub", path.read_bytes()).images == ()
