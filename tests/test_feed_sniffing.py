"""Feed or page by the bytes: feeds served under any of the types real servers use are read by
`feed add`; `add` of a feed says to subscribe; `feed add` of a page names its feed."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from local_web import LocalWeb, Route, serve
from tuireader.cli import cli
from tuireader.ingest.sniff import advertised_feeds, is_feed, is_html

WORDS = (
    "The ferry timetable changes on Monday: the first sailing leaves at six, the last at ten, "
    "and the Sunday boats stop for the winter once the clocks go back at the end of October."
)
MORE = (
    "Passengers with season tickets keep them: the new card readers at the pier head take "
    "the old cards until the spring, and the café stays open for the first and last boats."
)
BODY = f"<p>{WORDS}</p><p>{MORE}</p>"  # a whole article, not a teaser
RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- made by hand for this test -->
<rss version="2.0"><channel><title>Pier Bulletin</title><link>https://pier.example/</link>
<item><title>Winter timetable</title><link>https://pier.example/winter</link><guid>pier-1</guid>
<pubDate>Mon, 07 Oct 2024 08:00:00 GMT</pubDate><description><![CDATA[{BODY}]]></description></item>
</channel></rss>"""
ATOM = f"""<?xml version="1.0"?><atom:feed xmlns:atom="http://www.w3.org/2005/Atom">
<atom:title>Pier Bulletin</atom:title><atom:id>urn:pier</atom:id>
<atom:updated>2024-10-07T08:00:00Z</atom:updated><atom:entry><atom:title>Winter timetable</atom:title>
<atom:id>urn:pier:1</atom:id><atom:link href="https://pier.example/winter"/>
<atom:updated>2024-10-07T08:00:00Z</atom:updated><atom:content type="html"><![CDATA[{BODY}]]></atom:content>
</atom:entry></atom:feed>"""
RDF = f"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://pier.example/"><title>Pier Bulletin</title>
<link>https://pier.example/</link></channel><item rdf:about="https://pier.example/winter">
<title>Winter timetable</title><link>https://pier.example/winter</link>
<dc:date>2024-10-07T08:00:00Z</dc:date><description><![CDATA[{BODY}]]></description></item></rdf:RDF>"""
PAGE = f"""<!DOCTYPE html><html><head><title>Pier news</title>
<link rel="alternate" type="application/rss+xml" title="Bulletin" href="/bulletin.rss">
</head><body><article><h1>Winter timetable</h1><p>{WORDS}</p><p>{WORDS}</p></article></body></html>"""

FEEDS = {"rss": RSS, "atom": ATOM, "rdf": RDF}
SERVED_AS = [
    ("application/x-rss+xml", "rss"),
    ("application/x-atom+xml", "atom"),
    ("text/xml", "rss"),
    ("application/rdf+xml", "rdf"),
    ("text/plain; charset=utf-8", "rss"),
    ("text/html", "rss"),
    ("application/octet-stream", "atom"),  # nginx's default_type (a /feed file, no extension)
    ("binary/octet-stream", "rss"),  # S3 without a type set
]


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


def run(library: Path, *args: str):
    return CliRunner().invoke(
        cli, ["--library", str(library), *args, *(() if args[0] == "feed" else ("--no-index",))]
    )


def articles(library: Path) -> list[str]:
    return sorted(p.name for p in library.rglob("*.html"))


@pytest.mark.parametrize(("content_type", "dialect"), SERVED_AS)
def test_feed_add_reads_a_feed_whatever_type_it_is_served_as(
    web: LocalWeb, library: Path, content_type: str, dialect: str
) -> None:
    web.routes["/bulletin"] = Route(FEEDS[dialect].encode(), content_type=content_type)
    result = run(library, "feed", "add", web.url("/bulletin"))
    assert result.exit_code == 0, result.output
    assert "not a page this can read" not in result.output
    assert articles(library) == ["2024-10-07-winter-timetable.html"]


@pytest.mark.parametrize(("content_type", "dialect"), SERVED_AS)
def test_add_of_a_feed_says_to_subscribe_and_writes_nothing(
    web: LocalWeb, library: Path, content_type: str, dialect: str
) -> None:
    web.routes["/bulletin"] = Route(FEEDS[dialect].encode(), content_type=content_type)
    url = web.url("/bulletin")
    result = run(library, "add", url)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"failed: {url}: this is a feed, not a page: subscribe with `tuireader feed add {url}`"
    ]
    assert articles(library) == []


def test_a_page_served_as_text_plain_is_still_saved(web: LocalWeb, library: Path) -> None:
    web.routes["/news"] = Route(PAGE.encode(), content_type="text/plain")
    result = run(library, "add", web.url("/news"))
    assert result.exit_code == 0, result.output
    assert len(articles(library)) == 1


def test_plain_text_that_is_not_a_page_is_refused(web: LocalWeb, library: Path) -> None:
    web.routes["/notes.txt"] = Route(WORDS.encode(), content_type="text/plain")
    result = run(library, "add", web.url("/notes.txt"))
    assert result.exit_code == 1 and "content type text/plain" in result.output
    assert articles(library) == []


def test_bytes_served_as_octet_stream_that_are_neither_are_one_line(
    web: LocalWeb, library: Path
) -> None:
    web.routes["/feed"] = Route(
        b"PK\x03\x04" + bytes(range(256)) * 4, content_type="application/octet-stream"
    )
    added = run(library, "feed", "add", web.url("/feed"))
    assert "not a readable feed" in added.output and "Traceback" not in added.output
    saved = run(library, "add", web.url("/feed"))
    assert saved.exit_code == 1
    assert saved.output.strip().splitlines() == [
        f"failed: {web.url('/feed')}: not a page this can read (content type application/octet-stream)"
    ]
    assert articles(library) == []


def test_feed_add_of_a_page_names_the_feed_it_advertises(web: LocalWeb, library: Path) -> None:
    web.routes["/news"] = Route(PAGE.encode())
    result = run(library, "feed", "add", web.url("/news"))
    assert (
        f"this is a web page, not a feed; its feed: tuireader feed add {web.url('/bulletin.rss')}"
        in result.output
    )
    plain = PAGE.replace('<link rel="alternate"', '<link rel="stylesheet"')
    web.routes["/plain"] = Route(plain.encode())
    result = run(library, "feed", "add", web.url("/plain"))
    assert f"not a feed (save it with: tuireader add {web.url('/plain')})" in result.output
    assert articles(library) == []


def test_pythons_own_http_server_serving_a_dot_rss_file(library: Path, tmp_path: Path) -> None:
    """What `python -m http.server` sends for .rss (application/x-rss+xml where the system's
    mime.types says so, as on Debian and Ubuntu)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "bulletin.rss").write_text(RSS, encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/bulletin.rss"
        result = run(library, "feed", "add", url)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert articles(library) == ["2024-10-07-winter-timetable.html"]


@pytest.mark.parametrize(
    ("data", "feed", "page"),
    [
        (RSS.encode(), True, False),
        (b"\xef\xbb\xbf" + ATOM.encode(), True, False),
        (RDF.encode(), True, False),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', True, False),
        (PAGE.encode(), False, True),
        (
            b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
            False,
            True,
        ),
        (b'{"items": []}', False, False),
        (WORDS.encode(), False, False),
    ],
    ids=["rss", "bom-prefixed-atom", "rdf", "json-feed", "html", "xhtml", "json", "text"],
)
def test_sniffing_by_the_bytes(data: bytes, feed: bool, page: bool) -> None:
    assert (is_feed(data), is_html(data)) == (feed, page)


def test_advertised_feeds_are_absolute_and_one_line() -> None:
    page = (
        b'<link rel="alternate" type="application/atom+xml" href="atom.xml">'
        b'<link rel="alternate" type="application/rss+xml" href="https://x.example/a&#x202e;b">'
        b"<link rel='alternate home' type='application/rss+xml' href='/rss'>"
    )
    assert advertised_feeds(page, "https://x.example/blog/") == [
        "https://x.example/blog/atom.xml",
        "https://x.example/rss",
    ]
