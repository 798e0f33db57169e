"""Hostile feeds (issue 21): wrong types, deep nesting, escape sequences, huge feeds; one
bad feed or entry is one line and every other feed is fetched and its state saved."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

from cli_helpers import run_cli
from local_web import LocalWeb, Route, serve
from test_feeds import ATOM, P1, P2, RSS2
from tuireader.config import AppPaths
from tuireader.ingest.feeds import parse as feed_parse
from tuireader.ingest.feeds.opml import read_opml
from tuireader.ingest.feeds.parse import FeedError, parse_feed

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
OSC0 = "\x1b]0;owned\x07"


def jsonfeed(items: object, **extra: object) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Odd Feed", "items": items}
    return json.dumps({**doc, **extra}).encode()


GOOD_ITEM = {"id": "ok-1", "url": "https://odd.example/ok", "title": "Fine entry",
             "content_html": f"<p>{P1}</p><p>{P2}</p>"}  # fmt: skip
DEEP = b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 100_000


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


def feeds_file(lib: Path) -> dict:
    path = AppPaths.from_environment().feeds_file(lib)
    return {f["name"]: f for f in json.loads(path.read_text(encoding="utf-8"))["feeds"]}


def no_traceback(text: str) -> None:
    for name in ("Error:", "Traceback", "TypeError", "AttributeError", "RecursionError"):
        assert name not in text, text


@pytest.mark.parametrize(
    "doc",
    [
        jsonfeed(5),
        jsonfeed([{**GOOD_ITEM, "tags": 5}]),
        jsonfeed([{**GOOD_ITEM, "authors": 5}]),
        jsonfeed([{**GOOD_ITEM, "content_html": None, "content_text": ["a", "b"]}]),
        jsonfeed([{**GOOD_ITEM, "id": {"x": 1}, "url": ["no"], "title": 7}]),
        jsonfeed([{**GOOD_ITEM, "author": "a string", "date_published": 5}]),
        jsonfeed([GOOD_ITEM], title={"x": 1}, home_page_url=3),
        DEEP,
        b"[" * 100_000,
    ],
    ids=[
        "items",
        "tags",
        "authors",
        "content_text",
        "id-url-title",
        "author-date",
        "feed",
        "deep-items",
        "deep-array",
    ],
)
def test_wrong_types_and_depth_never_raise_anything_but_a_feed_error(doc: bytes) -> None:
    try:
        feed = parse_feed(doc)
    except FeedError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(e.title, str) and isinstance(e.tags, tuple) for e in feed.entries)


def test_a_field_of_the_wrong_type_is_ignored_with_a_note() -> None:
    feed = parse_feed(jsonfeed([{**GOOD_ITEM, "tags": 5, "authors": 5}, 3]))
    assert [e.id for e in feed.entries] == ["ok-1"]
    assert feed.entries[0].tags == () and feed.entries[0].author is None
    assert any("'tags' of another type" in n for n in feed.notes)
    assert any("not an object" in n for n in feed.notes)
    assert parse_feed(jsonfeed(5)).notes == ["'items' is a int, not a list: no entries"]
    with pytest.raises(FeedError, match="nested too deeply"):
        parse_feed(DEEP)


def test_one_hostile_feed_in_an_update_leaves_the_others_and_their_state(
    web: LocalWeb, lib: Path
) -> None:
    web.routes["/a.xml"] = Route(ATOM.encode(), content_type="application/atom+xml", etag='"a1"')
    web.routes["/deep.json"] = Route(DEEP, content_type="application/feed+json")
    web.routes["/types.json"] = Route(
        jsonfeed([{**GOOD_ITEM, "tags": 5}, {"id": "x", "content_text": ["a", "b"]}]),
        content_type="application/feed+json",
    )
    web.routes["/z.xml"] = Route(RSS2.encode(), content_type="application/rss+xml", etag='"z1"')
    for path in ("/a.xml", "/deep.json", "/types.json", "/z.xml"):
        assert cli(lib, "feed", "add", "--no-update", web.url(path)).returncode == 0
    result = cli(lib, "feed", "update")
    no_traceback(result.stdout + result.stderr)
    assert result.returncode == 0, result.stderr
    assert "nested too deeply" in result.stderr
    state = feeds_file(lib)
    assert state["127-0-0-1-a"]["etag"] == '"a1"' and state["127-0-0-1-z"]["etag"] == '"z1"'
    assert len(state["127-0-0-1-z"]["seen"]) == 2  # the feed after the bad one was fetched
    assert "nested too deeply" in state["127-0-0-1-deep"]["last_error"]
    assert state["127-0-0-1-types"]["seen"] == ["ok-1"]
    assert (
        "error: not a readable feed (bad JSON: nested too deeply" in cli(lib, "feed", "list").stdout
    )
    assert len(list((lib / "feeds").rglob("*.html"))) == 1 + 2 + 1


def test_feed_add_of_a_hostile_feed_keeps_the_subscription(web: LocalWeb, lib: Path) -> None:
    web.routes["/deep.json"] = Route(DEEP, content_type="application/json")
    result = cli(lib, "feed", "add", web.url("/deep.json"))
    no_traceback(result.stdout + result.stderr)
    assert "subscribed: 127-0-0-1-deep" in result.stdout
    assert "nested too deeply" in feeds_file(lib)["127-0-0-1-deep"]["last_error"]


def test_escape_sequences_in_titles_are_never_stored_nor_printed(
    web: LocalWeb, lib: Path, tmp_path: Path
) -> None:
    title = f"Evil{OSC52} feed{OSC0} &amp; &lt;co&gt;"
    rss = RSS2.replace("<title>Valley Notes</title>", f"<title>{title}</title>")
    rss = rss.replace("Footbridge to be repaired", f"Footbridge{OSC0} fixed")
    web.routes["/evil.xml"] = Route(rss.encode(), content_type="application/rss+xml")
    feed = jsonfeed([{**GOOD_ITEM, "title": f"JSON{OSC52} entry", "tags": [f"t{OSC0}ag"]}])
    web.routes["/evil.json"] = Route(feed.replace(b"Odd Feed", b"Odd\\u001b]0;x\\u0007 Feed"))
    web.routes["/evil.json"].content_type = "application/feed+json"
    assert cli(lib, "feed", "add", web.url("/evil.xml")).returncode == 0
    assert cli(lib, "feed", "add", web.url("/evil.json")).returncode == 0
    stored = AppPaths.from_environment().feeds_file(lib).read_text(encoding="utf-8")
    assert "\\u001b" not in stored and "\\u0007" not in stored
    assert feeds_file(lib)["evil-feed-co"]["title"] == "Evil feed & <co>"
    for saved in (lib / "feeds").rglob("*.html"):
        assert not any(c in saved.read_text(encoding="utf-8") for c in "\x1b\x07\x9d"), saved
    exported = cli(lib, "feed", "export-opml")
    assert exported.returncode == 0
    assert not any(c in exported.stdout for c in "\x1b\x07\x9d")
    outlines = read_opml(exported.stdout.encode())  # well-formed: our own import reads it
    assert {o.title for o in outlines} == {"Evil feed & <co>", "Odd Feed"}


def test_an_old_feed_list_with_raw_titles_exports_well_formed_opml(
    lib: Path, tmp_path: Path
) -> None:
    path = AppPaths.from_environment().feeds_file(lib)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = [{"name": f"f{i}", "source": f"https://f{i}.example/feed", "title": t}
           for i, t in enumerate([f"A{OSC52}B", "C\x00\x0c\x01D", "E\ud800F", "G]]>&"])]  # fmt: skip
    path.write_text(json.dumps({"feeds": raw}), encoding="utf-8")
    exported = cli(lib, "feed", "export-opml", "-o", str(tmp_path / "out.opml"))
    assert exported.returncode == 0, exported.stderr
    titles = [o.title for o in read_opml((tmp_path / "out.opml").read_bytes())]
    assert titles == ["AB", "CD", "EF", "G]]>&"]
    imported = cli(lib, "--library", str(lib), "feed", "import-opml", "--no-update",
                   str(tmp_path / "out.opml"))  # fmt: skip
    assert imported.returncode == 0 and "0 feeds added (4 in out.opml)" in imported.stdout


def test_a_damaged_entry_in_the_feed_list_is_left_out_with_a_note(lib: Path) -> None:
    path = AppPaths.from_environment().feeds_file(lib)
    path.parent.mkdir(parents=True, exist_ok=True)
    good = {"name": "good", "source": "https://g.example/feed", "seen": ["a", 5]}
    bad = [5, {"name": "../../etc", "source": "x"}, {"name": "n"}, {**good, "bogus": 1}]
    path.write_text(json.dumps({"feeds": [good, *bad]}), encoding="utf-8")
    listed = cli(lib, "feed", "list")
    no_traceback(listed.stdout + listed.stderr)
    assert listed.returncode == 0 and listed.stdout.startswith("good\t")
    assert listed.stderr.count("is not readable: left out") == 4


def test_a_huge_local_feed_is_refused_and_entries_are_capped(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as out:
        out.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>')
        out.write(b"<item><title>x</title><description>" + b"y" * (11 * 2**20))
        out.write(b"</description></item></channel></rss>")
    result = cli(lib, "feed", "add", str(big))
    assert "too large (over 10 MB)" in result.stderr
    monkeypatch.setattr(feed_parse, "MAX_ENTRIES", 30)
    many = tmp_path / "many.json"
    many.write_bytes(jsonfeed([{**GOOD_ITEM, "id": f"e{i}", "title": f"Entry {i}"}
                               for i in range(100)]))  # fmt: skip
    result = cli(lib, "feed", "add", str(many))
    assert "70 entries after the first 30 not read" in result.stderr
    assert len(list((lib / "feeds" / "odd-feed").glob("*.html"))) == 30
    again = cli(lib, "feed", "update")  # every entry read is remembered: nothing new, no file
    assert "odd-feed: 0 new, 0 failed" in again.stderr, again.stderr
    assert len(list((lib / "feeds" / "odd-feed").glob("*.html"))) == 30


def test_a_capped_feed_fits_in_its_remembered_ids() -> None:
    """An update reads at most MAX_ENTRIES entries and each feed remembers MAX_SEEN ids: were
    the cap above the memory, every update of a huge feed would save old entries again."""
    from tuireader.ingest.feeds.subscriptions import MAX_SEEN

    assert feed_parse.MAX_ENTRIES <= MAX_SEEN


def opml_file(path: Path, titles: list[str]) -> Path:
    outlines = "".join(
        f'<outline text="{t}" xmlUrl="https://site{i}.example/feed"/>' for i, t in enumerate(titles)
    )
    path.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    return path


def test_opml_import_of_20000_outlines_keeps_every_feed(lib: Path, tmp_path: Path) -> None:
    """Half the outlines share one title: each still gets its own name (news, news-2, ...)."""
    titles = [f"Feed {i}" if i % 2 else "News" for i in range(20_000)]
    result = cli(
        lib, "feed", "import-opml", "--no-update", str(opml_file(tmp_path / "big.opml", titles))
    )
    assert result.returncode == 0 and "20000 feeds added (20000 in big.opml)" in result.stdout
    feeds = feeds_file(lib)
    assert len(feeds) == 20_000
    assert {f["source"] for f in feeds.values()} == {
        f"https://site{i}.example/feed" for i in range(20_000)
    }
    assert {"news", "news-2", "news-10000"} <= feeds.keys() and "news-10001" not in feeds


def lines_run(run: Callable[[], object]) -> int:
    """Lines of tuireader's own code executed by run(): a count of work, not a clock."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> object:
        nonlocal count
        count += event == "line"
        return local

    def calls(frame: FrameType, event: str, arg: object) -> object:
        return local if "tuireader" in frame.f_code.co_filename else None

    sys.settrace(calls)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("titles", ["distinct", "same", "none"])
def test_opml_import_work_grows_linearly(titles: str, tmp_path: Path) -> None:
    """Twice the outlines, about twice the work (the old import looked each new feed up in
    the whole list and probed news-2, news-3, ... from the start: 4 times the work)."""
    title = {"distinct": "Feed {i}", "same": "News", "none": ""}[titles]

    def work(n: int) -> int:
        root = tmp_path / f"lib{n}"
        root.mkdir()
        opml = opml_file(tmp_path / f"{n}.opml", [title.format(i=i) for i in range(n)])
        return lines_run(lambda: cli(root, "feed", "import-opml", "--no-update", str(opml)))

    work(20)  # first-use imports out of the way
    small, large = work(1000), work(2000)
    assert large < 2.5 * small, (small, large)
