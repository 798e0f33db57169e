"""Reading packets: the HTML file against a golden copy, the EPUB re-read by our own EPUB
reader and checked for what e-readers need, hostile text, and the CLI."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from cli_helpers import run_cli
from tuireader.annotations import AnnotationStore
from tuireader.annotations.packet_epub import render_epub
from tuireader.annotations.packet_html import render_html
from tuireader.articles.registry import parse_bytes
from tuireader.library.packets import gather, packet_ids
from tuireader.search import SearchService

GOLDEN = Path(__file__).parent / "golden" / "packet.html"
MADE = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

FERRY = """Harbour Town Keeps Its Night Ferry

By Ilse Marnersdottir

The council voted to keep the night ferry running through the winter.

Hospital staff said the last boat was their only way home.

A bridge would cost more, the engineers said.
"""
NOTE = """---
title: Sourdough log
author: Mira Sol
date: 2023-05-02
---
# Sourdough log

Fed the starter twice and it doubled by noon.

## Day two

The crust was dark and the crumb open; the ferry cafe bought six loaves.
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def scene(tmp_path: Path):
    root = tmp_path / "lib"
    write(root, "news/ferry.txt", FERRY)
    write(root, "notes/sourdough.md", NOTE)
    write(root, "news/other.txt", "Tram news\n\nThe tram is back in the valley.\n")
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    store = AnnotationStore(tmp_path / "data" / "annotations.sqlite3", root)
    ferry = svc.article("news/ferry.txt")
    body = ferry.body
    start = body.index("night ferry")
    store.add_highlight(ferry, start, start + len("night ferry"), color="green",
                        note="Keep <this> & that", tags=["ferry", "winter"])  # fmt: skip
    # one highlight across two paragraphs, without a note
    s2 = body.index("the winter")
    store.add_highlight(ferry, s2, body.index("last boat") + 4, color="blue")
    store.add_bookmark(ferry, offset=body.index("A bridge"), note="check the cost")
    note = svc.article("notes/sourdough.md")
    s3 = note.body.index("crumb open")
    store.add_highlight(note, s3, s3 + len("crumb open"), note="line one\nline two")
    yield svc, store, root
    store.close()
    svc.close()


def packet_of(svc, store, query: str):
    ids = packet_ids(svc, query, store=store)
    return gather(svc, store, ids, title=f"Packet: {query}", query=query, created=MADE).packet


def test_html_packet_matches_the_golden_file(scene):
    svc, store, _root = scene
    html = render_html(packet_of(svc, store, "ferry"))
    if not GOLDEN.exists():  # a new golden file: written for a person to check, not passed
        GOLDEN.write_text(html, encoding="utf-8")
        pytest.fail(f"wrote {GOLDEN}: check it by eye, then run again")
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_html_packet_marks_highlights_and_links_notes(scene):
    svc, store, _root = scene
    html = render_html(packet_of(svc, store, "ferry"))
    assert '<mark class="green" id="a1-h1">night ferry</mark>' in html
    # the two-paragraph highlight: a mark in each paragraph, the anchor on the first
    assert '<mark class="blue" id="a1-h2">the winter.</mark></p>' in html
    assert '<p><mark class="blue">Hospital staff said the last</mark>' in html
    assert 'href="#a1-n1"' in html and 'id="a1-n1"' in html and 'href="#a1-h1"' in html
    assert "Keep &lt;this&gt; &amp; that" in html and "<this>" not in html
    assert "line one<br/>line two" in html
    assert "Bookmark at" in html and "check the cost" in html
    assert "<h3>Day two</h3>" in html  # the note's outline, one level below the article's
    assert html.count("Sourdough log</h") == 1  # its own "# title" is not repeated
    assert "<script" not in html and "http" not in html.split("</style>")[0]  # self-contained


def test_every_annotated_article_without_a_query(scene):
    svc, store, _root = scene
    packet = packet_of(svc, store, "")
    assert [p.article.path for p in packet.articles] == ["news/ferry.txt", "notes/sourdough.md"]


def test_epub_packet_is_read_back_by_our_epub_reader(scene):
    svc, store, _root = scene
    packet = packet_of(svc, store, "ferry")
    data = render_epub(packet)
    book = parse_bytes("packet.epub", data)
    assert book.format == "epub"
    assert book.title == "Packet: ferry"
    chapters = [h.title for h in book.headings if h.level == 1]
    assert chapters == ["Packet: ferry", *(p.article.title for p in packet.articles)]
    assert "keep the night ferry" in book.body and "Keep <this> & that" in book.body
    assert "crumb open" in book.body
    assert render_epub(packet) == data  # the same packet, the same bytes


def test_epub_packet_has_what_e_readers_need(scene):
    svc, store, _root = scene
    data = render_epub(packet_of(svc, store, "ferry"))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        first = book.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        names = set(book.namelist())
        opf = etree.fromstring(book.read("OEBPS/content.opf"))
        ns = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
        assert opf.get("version") == "3.0"
        ident = opf.find(".//dc:identifier", ns)
        assert ident is not None and ident.text.startswith("urn:uuid:")
        assert ident.get("id") == opf.get("unique-identifier")
        assert (
            opf.find(".//o:meta[@property='dcterms:modified']", ns).text == "2026-03-01T09:30:00Z"
        )
        hrefs = {i.get("href"): i for i in opf.iterfind(".//o:manifest/o:item", ns)}
        assert all(f"OEBPS/{h}" in names for h in hrefs)
        assert hrefs["nav.xhtml"].get("properties") == "nav"
        spine = [i.get("idref") for i in opf.iterfind(".//o:spine/o:itemref", ns)]
        ids = {i.get("id") for i in hrefs.values()}
        assert spine[0] == "title" and set(spine) <= ids
        for name in names:
            if name.endswith((".xhtml", ".ncx", ".opf", ".xml")):
                etree.fromstring(book.read(name))  # well-formed XML, or this raises


def test_hostile_metadata_stays_inert_in_both_formats(tmp_path):
    root = tmp_path / "lib"
    write(
        root,
        "evil.md",
        '---\ntitle: "</h2><script>alert(1)</script>\\e]52;c;eA==\\a"\n'
        'url: "javascript:alert(1)"\n---\nThe ferry \x1b[31mtext\x1b[0m & more words.\n',
    )
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    store = AnnotationStore(tmp_path / "a.sqlite3", root)
    packet = packet_of(svc, store, "ferry")
    html = render_html(packet)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html and "\x1b" not in html and "\x07" not in html
    with zipfile.ZipFile(io.BytesIO(render_epub(packet))) as book:
        for name in book.namelist():
            if name.endswith(".xhtml"):
                tree = etree.fromstring(book.read(name))
                assert not tree.xpath("//*[local-name()='script']")
    store.close()


def test_cli_export_packet_formats_and_errors(scene, tmp_path, monkeypatch):
    _svc, _store, root = scene
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data.parent / "xdgdata"))
    out = tmp_path / "out.epub"
    # the scene's store is not the CLI's (it lives in tmp/data): write annotations via CLI
    ran = run_cli("--library", str(root), "highlight", "add", "news/ferry.txt", "--quote",
                  "last boat", "--note", "from the CLI")  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    ran = run_cli("--library", str(root), "export", "--format", "epub", str(out), "ferry")
    assert ran.returncode == 0, ran.stderr
    assert "exported 2 articles (1 highlight) as epub" in ran.stderr
    book = parse_bytes("out.epub", out.read_bytes())
    assert "from the CLI" in book.body
    page = tmp_path / "out.html"
    ran = run_cli("--library", str(root), "export", "--format", "html", str(page))
    assert ran.returncode == 0, ran.stderr
    assert page.read_text(encoding="utf-8").count('<section class="article"') == 1
    for args, code in [
        (("export", "--format", "epub"), 2),
        (("export", "--format", "markdown", str(tmp_path / "x.md"), "ferry"), 2),
        (("export", "--format", "epub", str(tmp_path / "x.epub"), "-o", "y"), 2),
        (("export", "--format", "epub", str(tmp_path / "x.epub"), "zeppelin"), 1),
        (("export", "--format", "epub", str(tmp_path / "x.epub"), "date:[2023"), 1),
    ]:
        ran = run_cli("--library", str(root), *args)
        assert ran.returncode == code, (args, ran.stderr)
        assert "Traceback" not in ran.stderr and not (tmp_path / "x.epub").exists()
    # the annotation export is unchanged: html without OUT is still the bookmark file
    ran = run_cli("--library", str(root), "export", "--format", "html")
    assert ran.returncode == 0 and "NETSCAPE-Bookmark-file" in ran.stdout


def test_cli_export_packet_of_a_saved_search(scene, tmp_path):
    _svc, _store, root = scene
    assert run_cli("--library", str(root), "saved", "add", "trams", "tram").returncode == 0
    out = tmp_path / "trams.html"
    ran = run_cli(
        "--library", str(root), "export", "--format", "html", str(out), "--saved", "trams"
    )
    assert ran.returncode == 0, ran.stderr
    text = out.read_text(encoding="utf-8")
    assert "Tram news" in text and "Night Ferry" not in text
