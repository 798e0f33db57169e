"""Feeds from a local server: every dialect, conditional GET, no duplicates, OPML."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from local_web import LocalWeb, Route, serve
from tuireader.cli import cli
from tuireader.ingest.feeds.parse import FeedError, parse_feed

P1 = (
    "The parish council met in the school hall on Tuesday to decide the fate of the old "
    "footbridge, which has been closed since the flood in February."
)
P2 = (
    "After two hours of argument the council voted to repair rather than replace it, and "
    "the work should start once the river drops in late summer."
)
RSS2 = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Notes</title>
<link>https://valley.example/</link>
<item><title>Footbridge to be repaired</title><link>https://valley.example/footbridge</link>
<guid>valley-1</guid><pubDate>Tue, 04 Jun 2024 18:00:00 GMT</pubDate><category>council</category>
<description><![CDATA[<p>{P1}</p><p>{P2}</p>]]></description></item>
<item><title>Fete moved</title><link>https://valley.example/fete</link><guid>valley-2</guid>
<description>The fete moves to the cricket ground this year because the meadow is still too wet for stalls and tents.</description></item>
</channel></rss>"""
RSS091 = f"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old Mill</title>
<link>https://mill.example/</link><item><title>Wheel turns again</title>
<link>https://mill.example/wheel</link><description>{P1}</description></item></channel></rss>"""
ATOM = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Field Journal</title><id>urn:fj</id><updated>2024-06-01T00:00:00Z</updated>
<entry><title>Swifts are back</title><id>urn:fj:1</id><link href="https://fj.example/swifts"/>
<updated>2024-05-20T06:00:00Z</updated><author><name>Rhona Tellis</name></author>
<content type="html">&lt;p&gt;{P1}&lt;/p&gt;</content></entry></feed>"""
RDF = f"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://rdf.example/"><title>Quarry</title>
<link>https://rdf.example/</link></channel><item rdf:about="https://rdf.example/blast">
<title>Blasting schedule</title><link>https://rdf.example/blast</link>
<description>{P2}</description></item></rdf:RDF>"""
JSONFEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour Log",
        "items": [
            {
                "id": "hl-1",
                "url": "https://harbour.example/dredger",
                "title": "The dredger arrives",
                "content_html": f"<p>{P2}</p>",
                "date_published": "2024-04-02T10:00:00+01:00",
                "authors": [{"name": "Ods Fenwick"}],
                "tags": ["harbour"],
            }
        ],
    }
)
FULL_PAGE = f"""<html><head><title>The fete, moved</title></head><body><article>
<p>{P1}</p><p>{P2}</p><p>The cricket club has offered its pavilion for the teas and the
tombola, and the brass band will play from the scorer's hut.</p></article></body></html>"""


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args])


@pytest.mark.parametrize(
    ("text", "title", "count"),
    [(RSS2, "Valley Notes", 2), (RSS091, "Old Mill", 1), (ATOM, "Field Journal", 1),
     (RDF, "Quarry", 1), (JSONFEED, "Harbour Log", 1)],
)  # fmt: skip
def test_every_dialect_parses(text: str, title: str, count: int) -> None:
    feed = parse_feed(text.encode())
    assert feed.title == title and len(feed.entries) == count
    assert all(e.id and e.title and e.html for e in feed.entries)


def test_entry_metadata_comes_through() -> None:
    atom = parse_feed(ATOM.encode()).entries[0]
    assert atom.author == "Rhona Tellis" and atom.published is not None
    jf = parse_feed(JSONFEED.encode()).entries[0]
    assert (jf.author, jf.tags, jf.published.isoformat()) == (
        "Ods Fenwick", ("harbour",), "2024-04-02T10:00:00+01:00"
    )  # fmt: skip


@pytest.mark.parametrize(
    "bad", [b"<html><body>hello</body></html>", b"{", b'{"a": 1}', b"\x00\x01"]
)
def test_a_malformed_feed_is_one_line(bad: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(bad)
    assert "\n" not in str(caught.value)


def test_add_update_conditional_get_and_no_duplicates(web: LocalWeb, library: Path) -> None:
    web.routes["/valley.xml"] = Route(
        RSS2.encode(), content_type="application/rss+xml", etag='"v1"'
    )
    added = run(library, "feed", "add", web.url("/valley.xml"))
    assert added.exit_code == 0, added.output
    saved = sorted(p.relative_to(library).as_posix() for p in library.rglob("*.html"))
    assert saved == [
        "feeds/valley-notes/2024-06-04-footbridge-to-be-repaired.html",
        "feeds/valley-notes/undated-fete-moved.html",
    ]
    found = run(library, "search", "footbridge", "--json")
    assert found.exit_code == 0 and "footbridge-to-be-repaired" in found.output
    assert "council" in run(library, "show", saved[0], "--json").output
    # unchanged: the server sees the ETag and answers 304, nothing is written
    updated = run(library, "feed", "update", "--all")
    assert updated.exit_code == 0
    assert web.requests[-1][1].get("if-none-match") == '"v1"'
    # changed (new ETag, same entries plus one): only the new entry is saved
    more = RSS2.replace("</channel>", "<item><title>Bridge tender</title><guid>valley-3</guid>"
                        f"<description>{P2}</description></item></channel>")  # fmt: skip
    web.routes["/valley.xml"] = Route(
        more.encode(), content_type="application/rss+xml", etag='"v2"'
    )
    assert run(library, "feed", "update").exit_code == 0
    assert len(list(library.rglob("*.html"))) == 3
    listed = run(library, "feed", "list")
    assert "valley-notes\tValley Notes" in listed.output and "3 articles, 3 unread" in listed.output


def test_full_page_option_fetches_summaries(web: LocalWeb, library: Path) -> None:
    feed = RSS2.replace("https://valley.example/fete", web.url("/fete"))
    web.routes["/valley.xml"] = Route(feed.encode(), content_type="application/rss+xml")
    web.routes["/fete"] = Route(FULL_PAGE.encode())
    assert run(library, "feed", "add", "--full-page", web.url("/valley.xml")).exit_code == 0
    fete = next(library.rglob("*fete*.html")).read_text(encoding="utf-8")
    assert "brass band" in fete  # the page, not the one-line summary
    assert "/fete" in web.paths_requested()


def test_a_broken_feed_does_not_stop_the_others(web: LocalWeb, library: Path) -> None:
    web.routes["/good.xml"] = Route(ATOM.encode(), content_type="application/atom+xml")
    web.routes["/bad.xml"] = Route(b"<html>not a feed</html>", content_type="text/html")
    assert run(library, "feed", "add", "--no-update", web.url("/bad.xml")).exit_code == 0
    assert run(library, "feed", "add", "--no-update", web.url("/good.xml")).exit_code == 0
    result = run(library, "feed", "update", "--all")
    assert result.exit_code == 0
    assert "this is a web page, not a feed" in result.output
    assert len(list(library.rglob("*.html"))) == 1
    assert "error: this is a web page, not a feed" in run(library, "feed", "list").output


def test_a_local_feed_file_and_remove(tmp_path: Path, library: Path) -> None:
    path = tmp_path / "harbour.json"
    path.write_text(JSONFEED, encoding="utf-8")
    assert run(library, "feed", "add", str(path)).exit_code == 0
    assert len(list(library.rglob("*.html"))) == 1
    removed = run(library, "feed", "remove", "harbour-log")  # named after its title
    assert removed.exit_code == 0 and len(list(library.rglob("*.html"))) == 1
    assert "No feeds" in run(library, "feed", "list").output
    assert run(library, "feed", "remove", "harbour-log").exit_code == 1


def test_opml_round_trip(tmp_path: Path, library: Path) -> None:
    opml = tmp_path / "subs.opml"
    evil = tmp_path / "evil.opml"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://e.example/f"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    refused = run(library, "feed", "import-opml", "--no-update", str(evil))
    assert refused.exit_code == 1 and "external entity" in refused.output
    assert "root:" not in refused.output and "No feeds" in run(library, "feed", "list").output
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="News">'
        '<outline text="Valley &amp; Hill" xmlUrl="https://valley.example/feed.xml"/>'
        '<outline text="Moor" xmlUrl="https://moor.example/feed"/></outline>'
        '<outline text="no url"/></body></opml>',
        encoding="utf-8",
    )
    result = run(library, "feed", "import-opml", "--no-update", str(opml))
    assert result.exit_code == 0 and "2 feeds added" in result.output
    exported = run(library, "feed", "export-opml").output
    assert 'xmlUrl="https://valley.example/feed.xml"' in exported
    assert "Valley &amp; Hill" in exported and "root:" not in exported
    again = tmp_path / "again.opml"
    again.write_text(exported, encoding="utf-8")
    other = tmp_path / "lib2"
    other.mkdir()
    assert "2 feeds added" in run(other, "feed", "import-opml", "--no-update", str(again)).output


def test_a_feed_body_that_looks_like_a_path_is_not_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text(RSS2, encoding="utf-8")
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode())
