"""Feeds people recognise (issue 20): named after their title, summary-only feeds fetched
as full pages unless --summaries, the entry's author (not the feed's name) as the byline,
and each feed's unread count in `feed list`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import run_cli
from local_web import LocalWeb, Route, serve
from test_feeds import FULL_PAGE, P1, P2
from tuireader.config import AppPaths
from tuireader.ingest.feeds.parse import FeedEntry, parse_feed
from tuireader.ingest.feeds.update import summaries_only


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


def cli(lib: Path, *args: str):
    return run_cli("--library", str(lib), *args)


def teasers(web: LocalWeb) -> bytes:
    """A feed of one-line summaries linking to full pages on the local server."""
    items = "".join(
        f"<item><title>Harbour news {i}</title><link>{web.url(f'/page{i}')}</link>"
        f"<guid>n-{i}</guid><author>jo@example.org (Jo Marsh)</author>"
        f"<description>The harbour board met again on day {i}.</description></item>"
        for i in range(3)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Notes</title>'
        f"<link>{web.url('/')}</link>{items}</channel></rss>"
    ).encode()


def names(lib: Path) -> list[str]:
    path = AppPaths.from_environment().feeds_file(lib)
    return [f["name"] for f in json.loads(path.read_text(encoding="utf-8"))["feeds"]]


def test_a_summary_feed_is_named_by_its_title_and_fetched_as_full_pages(
    web: LocalWeb, lib: Path
) -> None:
    web.routes["/feed.xml"] = Route(teasers(web), content_type="application/rss+xml")
    for i in range(3):
        web.routes[f"/page{i}"] = Route(FULL_PAGE.encode())
    added = cli(lib, "feed", "add", web.url("/feed.xml"))
    assert added.returncode == 0, added.stderr
    assert "subscribed: harbour-notes (Harbour Notes)" in added.stdout
    assert "entries are summaries" in added.stderr and "--summaries" in added.stderr
    saved = sorted((lib / "feeds" / "harbour-notes").glob("*.html"))
    assert len(saved) == 3
    assert all("brass band" in p.read_text(encoding="utf-8") for p in saved)  # the pages
    listed = json.loads(cli(lib, "list", "--json").stdout)
    assert {a["author"] for a in listed} == {"Jo Marsh"}  # the entry's, not the e-mail
    assert {a["site"] for a in listed} == {"Harbour Notes"}
    assert "(full pages)" in cli(lib, "feed", "list").stdout


def test_summaries_keeps_the_summaries_and_names_stay_unique(web: LocalWeb, lib: Path) -> None:
    web.routes["/feed.xml"] = Route(teasers(web), content_type="application/rss+xml")
    web.routes["/mirror.xml"] = Route(teasers(web), content_type="application/rss+xml")
    added = cli(lib, "feed", "add", "--summaries", web.url("/feed.xml"))
    assert added.returncode == 0 and "summaries" not in added.stderr
    assert not any(p.startswith("/page") for p in web.paths_requested())
    assert len(list((lib / "feeds" / "harbour-notes").glob("*.html"))) == 3
    assert cli(lib, "feed", "add", "--summaries", web.url("/mirror.xml")).returncode == 0
    assert names(lib) == ["harbour-notes", "harbour-notes-2"]
    both = cli(lib, "feed", "add", "--summaries", "--full-page", web.url("/x.xml"))
    assert both.returncode == 2


def test_feed_list_counts_each_feeds_articles_and_unread(web: LocalWeb, lib: Path) -> None:
    from tuireader.annotations import AnnotationStore

    web.routes["/feed.xml"] = Route(teasers(web), content_type="application/rss+xml")
    assert cli(lib, "feed", "add", "--summaries", web.url("/feed.xml")).returncode == 0
    listed = cli(lib, "feed", "list")
    assert "harbour-notes\tHarbour Notes\t" in listed.stdout
    assert "3 articles, 3 unread" in listed.stdout
    first = json.loads(cli(lib, "list", "--json").stdout)[0]["id"]
    paths = AppPaths.from_environment()
    with AnnotationStore(paths.annotations_db, lib) as store:
        store.set_read(first, True)
    assert "3 articles, 2 unread" in cli(lib, "feed", "list").stdout


def entry(html: str, *, full: bool, link: str | None = "https://x.example/a") -> FeedEntry:
    return FeedEntry(id=html[:20], link=link, title="t", html=html, full=full)


LONG = f"<p>{P1}</p><p>{P2}</p>"


def test_what_counts_as_a_summary_only_feed() -> None:
    short = entry("<p>The board met.</p>", full=False)
    excerpt = entry(f"<p>{P1} {P2} [&hellip;]</p>", full=False)
    assert summaries_only([short, short, entry(LONG, full=False)])
    assert summaries_only([excerpt])  # a WordPress excerpt trails off
    assert not summaries_only([entry(LONG, full=False)])  # the article in <description>
    assert not summaries_only([entry("<p>A short full post.</p>", full=True)])  # content:encoded
    assert not summaries_only([short, entry(LONG, full=True)])  # half is not most
    assert not summaries_only([entry("<p>x</p>", full=False, link=None)])  # nothing to fetch


def test_the_byline_is_a_person_and_never_the_feeds_own_name(lib: Path, tmp_path: Path) -> None:
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Field Journal</title><id>urn:fj</id><updated>2024-06-01T00:00:00Z</updated>
<entry><title>Swifts</title><id>urn:1</id><link href="https://fj.example/1"/>
<author><name>Field Journal</name></author>
<updated>2024-05-20T06:00:00Z</updated><content type="html">&lt;p&gt;{P1}&lt;/p&gt;</content></entry>
<entry><title>Swallows</title><id>urn:2</id><link href="https://fj.example/2"/>
<updated>2024-05-21T06:00:00Z</updated><author><name>Rhona Tellis</name></author>
<content type="html">&lt;p&gt;{P2}&lt;/p&gt;</content></entry></feed>"""
    feed = tmp_path / "fj.xml"
    feed.write_text(atom, encoding="utf-8")
    parsed = parse_feed(atom.encode())
    assert [e.author for e in parsed.entries] == ["Field Journal", "Rhona Tellis"]
    assert cli(lib, "feed", "add", str(feed)).returncode == 0
    listed = {a["title"]: a for a in json.loads(cli(lib, "list", "--json").stdout)}
    assert listed["Swifts"]["author"] is None and listed["Swifts"]["site"] == "Field Journal"
    assert listed["Swallows"]["author"] == "Rhona Tellis"
    rss = b"""<rss version="2.0"><channel><title>C</title><item><title>a</title><guid>1</guid>
<author>only@example.org</author><description>x</description></item>
<item><title>b</title><guid>2</guid><author>Ana Ruiz &lt;ana@example.org&gt;</author>
<description>y</description></item></channel></rss>"""
    assert [e.author for e in parse_feed(rss).entries] == [None, "Ana Ruiz"]


def test_the_reader_names_the_site_once_and_no_author_it_does_not_have() -> None:
    from datetime import datetime

    from tuireader.articles.model import ParsedFields, build_article
    from tuireader.tui.widgets import ReaderDocument
    from tuireader.tui.widgets.wrap import layout

    def byline(author: str | None) -> list[str]:
        fields = ParsedFields(
            title="Pier repairs", body="Repairs begin.", author=author,
            date=datetime(2026, 12, 3), site="Harbour Notes",
        )  # fmt: skip
        doc = ReaderDocument.from_article(build_article("feeds/h/p.html", "html", fields))
        return [line.text for line in layout(doc, 80).lines if line.kind == "meta"]

    assert byline(None) == [
        "2026-12-03 · Harbour Notes"
    ]  # was "Harbour Notes · ... · Harbour Notes"
    assert byline("Jo Marsh") == ["Jo Marsh · 2026-12-03 · Harbour Notes"]
