"""Import formats as other tools write them: wallabag v1, Obsidian Web Clipper highlights,
Omnivore names with odd spaces; and the outline (headings with offsets) of Markdown, HTML and
EPUB articles, with EPUB headings inside a chapter kept as headings."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from make_epub import CONTAINER, package_opf

from tuireader.annotations import AnnotationStore
from tuireader.articles.markdown_blocks import markdown_blocks
from tuireader.articles.model import Heading
from tuireader.articles.registry import parse_bytes
from tuireader.cli import cli
from tuireader.config import AppPaths
from tuireader.ingest.exports import detect_kind

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args], catch_exceptions=False)


def store(library: Path) -> AnnotationStore:
    return AnnotationStore(AppPaths.from_environment().annotations_db, library)


def shown(library: Path, path: Path) -> dict:
    return json.loads(run(library, "show", str(path), "--json").output)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


# ------------------------------------------------------------------ wallabag v1


def test_a_wallabag_v1_export_is_detected() -> None:
    kind = detect_kind(EXPORTS / "wallabag-v1.json")
    assert kind is not None and kind.name == "wallabag"


def test_a_wallabag_v1_export_with_a_long_first_article_is_detected(tmp_path: Path) -> None:
    """v1 writes each row by column number first: the named keys come after the content."""
    entries = json.loads((EXPORTS / "wallabag-v1.json").read_text(encoding="utf-8"))
    long = "<p>" + "The tide turned and the boats came home. " * 2000 + "</p>"
    entries[0]["1"] = entries[0]["title"] = 'The "Long" Read'
    entries[0]["5"] = entries[0]["content"] = long
    export = tmp_path / "wallabag-export-1-2016-02-01.json"
    export.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    assert export.read_bytes().find(b'"is_read"') > 64 * 1024
    kind = detect_kind(export)
    assert kind is not None and kind.name == "wallabag"


@pytest.mark.parametrize("args", [(), ("--kind", "wallabag")], ids=["detected", "kind"])
def test_wallabag_v1_tags_as_a_string_are_kept(library: Path, args: tuple[str, ...]) -> None:
    result = run(library, "import-articles", *args, str(EXPORTS / "wallabag-v1.json"))
    assert result.exit_code == 0, result.output
    assert "2 saved" in result.output
    starter = next((library / "imported/wallabag/crumb.example").glob("*.html"))
    article = shown(library, starter)
    assert (article["title"], article["tags"]) == ("Keeping a Starter Alive", ["baking", "fermentation"])  # fmt: skip
    # v1's "Untitled" is no title: the URL stands in for it
    (butts,) = (library / "imported/wallabag/plots.example").glob("*.html")
    assert shown(library, butts)["title"] == "https://plots.example/water-butts"
    # is_read "1" is saved as read, "0" as unread
    with store(library) as s:
        read = s.reading_state(article["id"])
        unread = s.reading_state(shown(library, butts)["id"])
    assert read is not None and read.read and (unread is None or not unread.read)


# ------------------------------------------------------------------ Obsidian highlights

CLIPPING = """---
title: "Pruning Old Apple Trees"
source: "https://orchard.example/pruning"
author:
  - "[[Hal Brennan]]"
published: 2024-02-10
created: 2024-03-01
tags:
  - "clippings"
---
Winter pruning opens the crown of an old tree. ==Never take more than a quarter of the
canopy in one year==, or the tree answers with a thicket of water shoots.

Cut just outside the branch collar. ==Never take more than a quarter== is the rule most
growers repeat, and ==a clean cut heals== faster than a torn one.

`==not a mark==` stays as code.
"""


def test_obsidian_marks_become_highlights_and_leave_the_body(library: Path, tmp_path: Path) -> None:
    clip = tmp_path / "Pruning Old Apple Trees.md"
    clip.write_text(CLIPPING, encoding="utf-8")
    result = run(library, "import-articles", str(clip))
    assert result.exit_code == 0, result.output
    assert "3 highlights added" in result.output and "0 unanchored" in result.output
    saved = library / "clippings" / clip.name
    body = shown(library, saved)["body"]
    assert "==" not in body.replace("`==not a mark==`", "").replace("==not a mark==", "")
    assert "==not a mark==" in body  # code is code
    with store(library) as s:
        marks = sorted(s.highlights(), key=lambda h: h.start)
    quotes = [body[h.start : h.end] for h in marks]
    assert quotes == [
        "Never take more than a quarter of the canopy in one year",
        "Never take more than a quarter",
        "a clean cut heals",
    ]
    # the short quote also occurs inside the long one: its context placed it in paragraph two
    assert marks[1].start > body.index("Cut just outside")
    again = run(library, "import-articles", str(clip))
    assert "0 highlights added, 3 already there" in again.output


def test_marks_in_markdown_escapes_and_lone_delimiters() -> None:
    blocks = markdown_blocks("a \\=\\=b\\=\\= and == lone and x ==y **z**== w\n")
    assert blocks[0].text == "a ==b== and == lone and x y z w"
    assert [blocks[0].text[s:e] for s, e, style in blocks[0].spans if style == "mark"] == ["y z"]


# ------------------------------------------------------------------ Omnivore messages


def test_omnivore_failure_lines_have_no_escapes_or_odd_spaces(
    library: Path, tmp_path: Path
) -> None:
    items = [
        {"id": "o1", "slug": "tide\u00a0tables", "title": "Tide\u00a0Tables\u2009Explained",
         "url": "https://tides.example/tables", "state": "Archived"},
        {"id": "o2", "slug": "lost\u00a0page\u202fhere", "title": "", "url": "https://tides.example/lost",
         "state": "Succeeded"},
    ]  # fmt: skip
    export = tmp_path / "omnivore.zip"
    with zipfile.ZipFile(export, "w") as z:
        z.writestr("metadata_0_to_1.json", json.dumps(items))
        z.writestr(
            "content/tide\u00a0tables.html",
            "<p>Spring tides come twice a month, when the sun and the moon pull in line and "
            "the range between high and low water is at its widest.</p>",
        )
    result = CliRunner().invoke(cli, ["--library", str(library), "import-articles", str(export)])
    assert "1 saved" in result.output  # found under its name as written, no-break space and all
    failed = [line for line in result.output.splitlines() if line.startswith("failed:")]
    assert failed == [
        "failed: lost page here: no article text ('content/lost page here.html': not in the archive)"
    ]
    odd = [ch for ch in result.output if ch in "\u00a0\u2009\u202f\u200b\xad"]
    assert "\\x" not in result.output and not odd
    (saved,) = (library / "imported/omnivore/tides.example").glob("*.html")
    with store(library) as s:
        state = s.reading_state(shown(library, saved)["id"])
    assert state is not None and state.read  # archived in Omnivore: read here


# ------------------------------------------------------------------ outlines

MARKDOWN = """---
title: Field Notes
---
# Field Notes

Intro paragraph about the marsh.

## Birds

Curlews at dawn.

### Waders

Redshank and dunlin.

## Plants
"""


def test_markdown_outline_has_levels_titles_and_offsets() -> None:
    article = parse_bytes("notes/field.md", MARKDOWN.encode())
    assert [(h.level, h.title) for h in article.headings] == [
        (1, "Field Notes"), (2, "Birds"), (3, "Waders"), (2, "Plants")
    ]  # fmt: skip
    for heading in article.headings:
        assert article.body[heading.offset :].startswith(heading.title)
    level, title, offset = article.headings[1]  # a plain (level, title, offset) too
    assert isinstance(article.headings[1], Heading) and (level, title) == (2, "Birds")
    assert article.body[offset:].startswith("Birds")


PAGE = """<!DOCTYPE html><html><head><title>Restoring a Canal Lock</title></head><body>
<nav><h2>Site menu</h2><a href="/">Home</a></nav>
<article><h1>Restoring a Canal Lock</h1>
<p>The volunteers drained the lock chamber in March and found the lower gates rotten below
the waterline, so the first job was to build a dam of sandbags across the tail.</p>
<h2>The gates</h2>
<p>New gates were cut from green oak, which swells in the water and seals itself within a
few weeks of the lock being flooded again for the first boats of the season.</p>
<h3>Paddles and gear</h3>
<p>The paddle gear was cast iron and only needed cleaning, new pins and a coat of black
paint before the ratchets turned as smoothly as they had a century ago.</p>
<h2>Opening day</h2>
<p>On the first Saturday of June a narrowboat went down through the lock with a brass band
playing on the towpath, and the volunteers counted forty boats by the end of the month.</p>
</article></body></html>"""


def test_html_outline_is_the_article_headings_in_the_body() -> None:
    article = parse_bytes("pages/lock.html", PAGE.encode())
    titles = [(h.level, h.title) for h in article.headings]
    assert (2, "The gates") in titles and (3, "Paddles and gear") in titles
    assert titles.index((2, "The gates")) < titles.index((2, "Opening day"))
    assert "Site menu" not in [t for _, t in titles]
    for heading in article.headings:
        assert article.body[heading.offset :].startswith(heading.title)


def chapter(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>x</title></head><body>{body}</body></html>"
    )


def test_epub_headings_inside_a_chapter_and_the_table_of_contents(tmp_path: Path) -> None:
    chapters = [
        chapter(
            "<h1>The Ropewalk</h1><p>Rope was laid in a shed a quarter of a mile long.</p>"
            "<h2>Spinning the yarn</h2><p>Spinners walked backwards paying out hemp.</p>"
            "<h3>Tar</h3><p>The yarn went through hot tar ==to keep== the rot out.</p>"
            "<h2>Laying the rope</h2><p>Three strands were twisted against the yarn's twist.</p>"
        ),
        chapter("<h2>The Sail Loft</h2><p>Sails were cut on the loft floor.</p>"),
    ]
    path = tmp_path / "crafts.epub"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", package_opf("Dockyard Crafts", "E. Pell", "2023-01-01", (), 2, "en"))  # fmt: skip
        for i, text in enumerate(chapters, start=1):
            book.writestr(f"OEBPS/text/chapter{i}.xhtml", text)
    article = parse_bytes("books/crafts.epub", path.read_bytes())
    blocks = markdown_blocks(article.source or "")
    assert [(b.kind, b.level, b.text) for b in blocks if b.kind == "heading"] == [
        ("heading", 1, "The Ropewalk"),
        ("heading", 2, "Spinning the yarn"),
        ("heading", 3, "Tar"),
        ("heading", 2, "Laying the rope"),
        ("heading", 1, "The Sail Loft"),
    ]
    assert "hot tar ==to keep== the rot" in article.body  # a book's text is never a mark
    toc = [h for h in article.headings if h.level == 1]
    assert [h.title for h in toc] == ["The Ropewalk", "The Sail Loft"]
    assert toc[0].offset == 0 and article.body[toc[1].offset :].startswith("The Sail Loft")
    assert all(article.body[h.offset :].startswith(h.title) for h in article.headings)
    shown_headings = article.to_dict(with_body=True)["headings"]
    assert shown_headings[1] == {"level": 2, "title": "Spinning the yarn", "offset": shown_headings[1]["offset"]}  # fmt: skip


NAV = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<nav epub:type="landmarks"><ol><li><a href="text/chapter2.xhtml">Wrong list</a></li></ol></nav>
<nav epub:type="toc"><ol><li><a href="text/chapter1.xhtml">The Ropewalk</a></li>
<li><a href="text/chapter2.xhtml#start">The Sail Loft</a></li></ol></nav></body></html>"""
NCX = """<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="n1"><navLabel><text>The Ropewalk</text></navLabel><content src="text/chapter1.xhtml"/></navPoint>
<navPoint id="n2"><navLabel><text>The Sail Loft</text></navLabel><content src="text/chapter2.xhtml"/></navPoint>
</navMap></ncx>"""


@pytest.mark.parametrize("kind", ["nav", "ncx"])
def test_a_chapter_without_a_heading_is_titled_from_the_books_toc(
    tmp_path: Path, kind: str
) -> None:
    opf = package_opf("Dockyard Crafts", "E. Pell", "2023-01-01", (), 2, "en")
    if kind == "nav":
        item = (
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        )
    else:
        item = '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        opf = opf.replace("<spine>", '<spine toc="ncx">')
    opf = opf.replace("</manifest>", item + "</manifest>")
    path = tmp_path / "crafts.epub"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        book.writestr("META-INF/container.xml", CONTAINER)
        book.writestr("OEBPS/content.opf", opf)
        book.writestr(
            "OEBPS/nav.xhtml" if kind == "nav" else "OEBPS/toc.ncx", NAV if kind == "nav" else NCX
        )
        book.writestr(
            "OEBPS/text/chapter1.xhtml",
            chapter("<h1>The Ropewalk</h1><p>Rope was laid in a long shed.</p>"),
        )
        book.writestr(
            "OEBPS/text/chapter2.xhtml",
            chapter('<p class="title">The Sail Loft</p><p>Sails were cut on the loft floor.</p>'),
        )
    article = parse_bytes("books/crafts.epub", path.read_bytes())
    assert [(h.level, h.title) for h in article.headings] == [
        (1, "The Ropewalk"),
        (1, "The Sail Loft"),
    ]
    assert article.body.count("The Sail Loft") == 1  # the styled title became the heading
