"""Fuzzing every importer (issue 21): a mutation corpus drawn by hypothesis (byte flips,
truncations, repeated runs, hostile snippets, type swaps, deep nesting) fed to each
importer's real entry point. Each example runs in a fresh library holding one article
with a highlight. The properties:

- no exception escapes: the import returns its report, a feed its entries or FeedError;
- every failure is one line naming no exception type;
- beside one hostile item, every good item is imported;
- nothing is lost: the library's article and its highlight are untouched.

Bounded: TUIREADER_FUZZ_EXAMPLES examples per test (default 12, the suite runs in
seconds); set it higher to fuzz for longer by hand.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.make_epub import write_epub
from test_feeds import ATOM, P1, P2, RSS2
from test_import_articles import EXPORTS
from tuireader.annotations import AnnotationStore
from tuireader.articles.registry import parse_bytes
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.epub import KIND as EPUB
from tuireader.ingest.exports.instapaper import InstapaperKind
from tuireader.ingest.exports.omnivore import KIND as OMNIVORE
from tuireader.ingest.exports.pocket import PocketKind
from tuireader.ingest.exports.wallabag import KIND as WALLABAG
from tuireader.ingest.feeds.opml import read_opml
from tuireader.ingest.feeds.parse import FeedError, parse_feed
from tuireader.ingest.feeds.subscriptions import Subscription
from tuireader.ingest.feeds.update import update_feed
from tuireader.ingest.http import FetchError
from tuireader.ingest.report import ImportReport
from tuireader.ingest.saved_page import SavedPage

EXAMPLES = int(os.environ.get("TUIREADER_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TYPE_NAMES = ("Error:", "Error(", "Traceback", "Exception", "errno")

SNIPPETS = [
    b"\x1b]52;c;aGk=\x07",
    b"\x1b[2J",
    b"[" * 3000,
    b"{" * 3000,
    b"<a>" * 3000,
    b"\x00",
    b'"',
    b",",
    b"\r\n",
    b"\xff\xfe",
    b"\xc3",
    b"]]>",
    b"&bogus;",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>&b;',
    b"5",
    b"null",
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8 should never hold one
]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` after one to four edits: flip, cut, repeat, insert a hostile snippet, delete."""
    out = bytearray(data)
    for op in draw(st.lists(st.sampled_from("fcrid"), min_size=1, max_size=4)):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        if op == "f":
            out[i] ^= draw(st.integers(1, 255))
        elif op == "c":
            del out[i:]
        elif op == "r":
            end = draw(st.integers(i, min(len(out), i + 200)))
            out[i:i] = out[i:end] * draw(st.integers(1, 30))
        elif op == "i":
            out[i:i] = draw(st.sampled_from(SNIPPETS))
        else:
            del out[i : i + draw(st.integers(1, 64))]
    return bytes(out)


# Any JSON value (the type swaps), nested a little; `deep` wraps one in thousands of lists.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
DEEP = "__deep__"


@st.composite
def swapped(draw: st.DrawFn, item: dict[str, object]) -> dict[str, object]:
    """`item` with some fields given values of other types, one maybe nested deeply."""
    swaps = draw(
        st.dictionaries(st.sampled_from(sorted(item)), VALUES | st.just(DEEP), max_size=len(item))
    )
    return {**item, **swaps}


def dumps(doc: object, depth: int) -> bytes:
    return json.dumps(doc).replace(f'"{DEEP}"', "[" * depth + "1" + "]" * depth).encode()


@dataclass
class Library:
    root: Path
    store: AnnotationStore

    @property
    def target(self) -> ImportTarget:
        return ImportTarget(self.root, self.root.parent / "state", self.store)

    def saved_text(self, report: ImportReport) -> str:
        return "\n".join((self.root / p).read_text("utf-8") for p in report.saved + report.updated)


@contextmanager
def library() -> Iterator[Library]:
    """A fresh library: one Markdown article with a highlight in its own store."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lib"
        root.mkdir()
        keep = f"# Kept\n\n{P1}\n\n{P2}\n".encode()
        (root / "keep.md").write_bytes(keep)
        store = AnnotationStore(Path(tmp) / "annotations.sqlite3", root)
        article = parse_bytes("keep.md", keep)
        start = article.body.index("footbridge")
        mine = store.add_highlight(article, start, start + len("footbridge"), note="mine")
        lib = Library(root, store)
        try:
            yield lib
            assert (root / "keep.md").read_bytes() == keep  # nothing lost
            assert [h.note for h in store.highlights(article.id)] == ["mine"]
            assert store.highlights(article.id)[0].id == mine.id
        finally:
            store.close()


def one_line_each(report: ImportReport) -> None:
    for item, why in report.failed + report.notes + report.skipped:
        text = f"{item}: {why}"
        assert "\n" not in text and not any(n in text for n in TYPE_NAMES), text


def run(kind: object, path: Path, lib: Library) -> ImportReport:
    report = kind.run(path, lib.target, None)  # type: ignore[attr-defined]
    assert isinstance(report, ImportReport)
    one_line_each(report)
    return report


# -- wallabag (JSON) ---------------------------------------------------------------------

WALLABAG_ENTRIES = json.loads((EXPORTS / "wallabag.json").read_text("utf-8"))
HOSTILE_ENTRY = {
    **WALLABAG_ENTRIES[0],
    "title": "Hostile entry",
    "url": "https://hostile.example/x",
}


@FUZZ
@given(hostile=swapped(HOSTILE_ENTRY), at=st.integers(0, 2), depth=st.sampled_from([3, 5000]))
def test_wallabag_hostile_entry_beside_good_ones(hostile: dict, at: int, depth: int) -> None:
    entries = [*WALLABAG_ENTRIES]
    entries.insert(at, hostile)
    with library() as lib:
        path = lib.root.parent / "wallabag.json"
        path.write_bytes(dumps(entries, depth))
        report = run(WALLABAG, path, lib)
        if depth < 1000:  # thousands deep: the whole file is one "nested too deeply" line
            assert "Why Bicycle Bells Ring in B Flat" in lib.saved_text(report)


@FUZZ
@given(data=mutated(json.dumps(WALLABAG_ENTRIES).encode()))
def test_wallabag_mutated_bytes(data: bytes) -> None:
    with library() as lib:
        path = lib.root.parent / "wallabag.json"
        path.write_bytes(data)
        run(WALLABAG, path, lib)


# -- Omnivore and EPUB (ZIP) -------------------------------------------------------------

OMNIVORE_FILES = {
    f.relative_to(EXPORTS / "omnivore").as_posix(): f.read_bytes()
    for f in sorted((EXPORTS / "omnivore").rglob("*"))
    if f.is_file()
}
VICTIM = "content/the-slow-art-of-mending-nets-18c2f0a1b2.html"
METHODS = st.sampled_from(
    [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
)


def zip_bytes(files: dict[str, bytes], method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def damage_member(archive: bytes, member: str, edit: bytes) -> bytes:
    """`edit` laid over `member`'s compressed bytes (its name and the rest left alone)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        info = z.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    edit = edit[: info.compress_size]
    return archive[:start] + edit + archive[start + len(edit) :]


@FUZZ
@given(
    method=METHODS,
    how=st.sampled_from(["compressed", "content", "metadata"]),
    edit=st.binary(min_size=1, max_size=64),
    content=mutated(OMNIVORE_FILES[VICTIM]),
    meta=swapped(json.loads(OMNIVORE_FILES["metadata_0_to_2.json"])[0]),
)
def test_omnivore_one_damaged_item_leaves_the_others(
    method: int, how: str, edit: bytes, content: bytes, meta: dict
) -> None:
    files = dict(OMNIVORE_FILES)
    if how == "content":
        files[VICTIM] = content
    elif how == "metadata":
        items = json.loads(files["metadata_0_to_2.json"])
        files["metadata_0_to_2.json"] = json.dumps([meta, *items[1:]]).encode()
    archive = zip_bytes(files, method)
    if how == "compressed":
        archive = damage_member(archive, VICTIM, edit)
    with library() as lib:
        path = lib.root.parent / "omnivore-export.zip"
        path.write_bytes(archive)
        report = run(OMNIVORE, path, lib)
        assert "Orchards in the Cold" in lib.saved_text(report), report


@FUZZ
@given(data=mutated(zip_bytes(OMNIVORE_FILES, zipfile.ZIP_DEFLATED)))
def test_omnivore_mutated_archive(data: bytes) -> None:
    with library() as lib:
        path = lib.root.parent / "omnivore-export.zip"
        path.write_bytes(data)
        run(OMNIVORE, path, lib)


CHAPTERS = [
    ("First Light", [f"The lamp was lit at dusk. {P1}"]),
    ("Second Tide", [f"The water rose by noon. {P2}"]),
]


def epub_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_epub(Path(tmp) / "b.epub", CHAPTERS).read_bytes()


EPUB_BYTES = epub_bytes()
with zipfile.ZipFile(io.BytesIO(EPUB_BYTES)) as _z:
    CHAPTER_ONE = next(n for n in _z.namelist() if n.endswith("chapter1.xhtml"))
    EPUB_FILES = {i.filename: (_z.read(i), i.compress_type) for i in _z.infolist()}


@FUZZ
@given(chapter=mutated(EPUB_FILES[CHAPTER_ONE][0]), edit=st.binary(min_size=1, max_size=64),
       compressed=st.booleans())  # fmt: skip
def test_epub_one_damaged_chapter_keeps_the_book(
    chapter: bytes, edit: bytes, compressed: bool
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (data, method) in EPUB_FILES.items():
            archive.writestr(
                name, data if compressed or name != CHAPTER_ONE else chapter, compress_type=method
            )
    book = buffer.getvalue()
    if compressed:
        book = damage_member(book, CHAPTER_ONE, edit)
    with library() as lib:
        path = lib.root.parent / "book.epub"
        path.write_bytes(book)
        report = run(EPUB, path, lib)
        assert len(report.saved) == 1, report
        shown = parse_bytes(report.saved[0], (lib.root / report.saved[0]).read_bytes())
        assert "The water rose by noon." in shown.body


@FUZZ
@given(data=mutated(EPUB_BYTES))
def test_epub_mutated_book(data: bytes) -> None:
    with library() as lib:
        path = lib.root.parent / "book.epub"
        path.write_bytes(data)
        run(EPUB, path, lib)


# -- Pocket and Instapaper (CSV) -----------------------------------------------------------

GOOD_URLS = [f"https://good{i}.example/page" for i in range(2)]


def fake_fetch(url: str) -> SavedPage:
    """The good links' pages; anything else (a hostile row's 'link') is not reachable."""
    if url not in GOOD_URLS:
        raise FetchError("not reachable")
    i = GOOD_URLS.index(url)
    return SavedPage(f"Good page {i}", f"<p>{P1}</p><p>{P2}</p>", url, url)


# a hostile field: any text but ':' and '/', so no hostile link is ever fetchable
FIELD = st.one_of(
    st.text(st.characters(blacklist_characters=":/", blacklist_categories=["Cs"]), max_size=40),
    st.sampled_from(['"', '""', '"a,b"', "x" * 200_000, "[[[[[[", '["a", 5, {}]', "\x1b]0;t\x07"]),
)
ROWS = st.lists(st.lists(FIELD, min_size=0, max_size=9), min_size=1, max_size=4)


def csv_text(header: list[str], good: list[list[str]], hostile: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(good)
    text = out.getvalue()
    for row in hostile:  # written raw: quotes unbalanced, fields surplus or missing
        text += ",".join(row) + "\n"
    return text.encode("utf-8", "surrogatepass")


POCKET_HEADER = ["title", "url", "time_added", "tags", "status"]
POCKET_GOOD = [[f"Good {i}", u, "1709251200", "a|b", "unread"] for i, u in enumerate(GOOD_URLS)]
INSTAPAPER_HEADER = ["URL", "Title", "Selection", "Folder", "Timestamp", "Tags"]
INSTAPAPER_GOOD = [
    [u, f"Good {i}", "", "Unread", "1709251200", '["a"]'] for i, u in enumerate(GOOD_URLS)
]
URL_KINDS: list[tuple[str, Callable[[], object], list[str], list[list[str]]]] = [
    ("part_000000.csv", lambda: PocketKind(fetch=fake_fetch), POCKET_HEADER, POCKET_GOOD),
    (
        "instapaper-export.csv",
        lambda: InstapaperKind(fetch=fake_fetch),
        INSTAPAPER_HEADER,
        INSTAPAPER_GOOD,
    ),
]


@FUZZ
@given(which=st.sampled_from(URL_KINDS), hostile=ROWS)
def test_csv_hostile_rows_after_good_ones(which: tuple, hostile: list[list[str]]) -> None:
    name, kind, header, good = which
    with library() as lib:
        path = lib.root.parent / name
        path.write_bytes(csv_text(header, good, hostile))
        report = run(kind(), path, lib)
        text = lib.saved_text(report)
        assert "Good page 0" in text and "Good page 1" in text, report


@FUZZ
@given(which=st.sampled_from(URL_KINDS), data=st.data())
def test_csv_mutated_bytes(which: tuple, data: st.DataObject) -> None:
    name, kind, header, good = which
    with library() as lib:
        path = lib.root.parent / name
        path.write_bytes(data.draw(mutated(csv_text(header, good, []))))
        run(kind(), path, lib)


# -- feeds: JSON Feed, RSS, Atom -----------------------------------------------------------

GOOD_ITEMS = [
    {"id": f"ok-{i}", "url": f"https://odd.example/{i}", "title": f"Fine entry {i}",
     "content_html": f"<p>{P1}</p><p>{P2}</p>"}
    for i in range(2)
]  # fmt: skip


def jsonfeed(items: list[object], **extra: object) -> dict[str, object]:
    return {"version": "https://jsonfeed.org/version/1.1", "title": "Odd", "items": items, **extra}


def update_from(data: bytes, lib: Library) -> tuple[Subscription, ImportReport]:
    source = lib.root.parent / "feed.data"
    source.write_bytes(data)
    feed = Subscription("odd", str(source))
    report = update_feed(lib.root, feed)
    one_line_each(report)
    assert feed.last_error is None or "\n" not in feed.last_error
    return feed, report


@FUZZ
@given(hostile=swapped({**GOOD_ITEMS[0], "id": "bad", "tags": ["t"], "authors": [{"name": "a"}]}),
       feed_fields=swapped({"home_page_url": "https://odd.example/", "title": "Odd"}),
       at=st.integers(0, 2), depth=st.sampled_from([3, 5000]))  # fmt: skip
def test_json_feed_hostile_item_beside_good_ones(
    hostile: dict, feed_fields: dict, at: int, depth: int
) -> None:
    items: list[object] = [*GOOD_ITEMS]
    items.insert(at, hostile)
    data = dumps(jsonfeed(items, **feed_fields), depth)
    try:
        parsed = parse_feed(data)
    except FeedError as exc:
        assert depth > 1000 and "\n" not in str(exc)
        return
    assert {"ok-0", "ok-1"} <= {e.id for e in parsed.entries}
    with library() as lib:
        feed, _report = update_from(data, lib)
        assert {"ok-0", "ok-1"} <= set(feed.seen)


@FUZZ
@given(data=st.sampled_from([RSS2, ATOM, json.dumps(jsonfeed(GOOD_ITEMS))]).flatmap(
    lambda doc: mutated(doc.encode())))  # fmt: skip
def test_feeds_mutated_bytes(data: bytes) -> None:
    try:
        parse_feed(data)
    except FeedError as exc:
        assert "\n" not in str(exc)
    with library() as lib:
        update_from(data, lib)


XML_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)


def xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@FUZZ
@given(title=XML_TEXT, link=XML_TEXT, body=XML_TEXT, at=st.booleans())
def test_rss_hostile_item_text_beside_good_ones(title: str, link: str, body: str, at: bool) -> None:
    hostile = (f"<item><title>{xml_escape(title)}</title><link>{xml_escape(link)}</link>"
               f"<guid>hostile</guid><description>{xml_escape(body)}</description></item>")  # fmt: skip
    where = RSS2.index("<item>") if at else RSS2.index("</channel>")
    data = (RSS2[:where] + hostile + RSS2[where:]).encode("utf-8", "surrogatepass")
    good = {e.id for e in parse_feed(RSS2.encode()).entries}
    assert good <= {e.id for e in parse_feed(data).entries}
    with library() as lib:
        feed, _report = update_from(data, lib)
        assert good <= set(feed.seen)


# -- OPML ----------------------------------------------------------------------------------

GOOD_OUTLINES = '<outline text="A" xmlUrl="https://a.example/feed"/><outline text="B" xmlUrl="https://b.example/feed"/>'
OPML = f'<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>{GOOD_OUTLINES}</body></opml>'


# what a well-formed file's attribute can hold (a malformed file is refused whole, one line)
OPML_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFFFD, blacklist_categories=["Cs"])
    | st.sampled_from("\t\n\r"),
    max_size=60,
)


@FUZZ
@given(attrs=st.dictionaries(st.sampled_from(["text", "title", "xmlUrl", "htmlUrl", "type"]), OPML_TEXT),
       depth=st.integers(0, 300), at=st.booleans())  # fmt: skip
def test_opml_hostile_outline_beside_good_ones(attrs: dict[str, str], depth: int, at: bool) -> None:
    hostile = "".join(f' {k}="{xml_escape(v)}"' for k, v in attrs.items())
    nested = "<outline text='x'>" * depth + f"<outline{hostile}/>" + "</outline>" * depth
    body = nested + GOOD_OUTLINES if at else GOOD_OUTLINES + nested
    data = OPML.replace(GOOD_OUTLINES, body).encode("utf-8", "surrogatepass")
    try:
        urls = {o.url for o in read_opml(data)}
    except FeedError as exc:  # libxml2 reads at most 256 levels: such a file is one line
        assert depth > 200 and str(exc) == "not a readable OPML file (nested too deeply)"
        return
    assert {"https://a.example/feed", "https://b.example/feed"} <= urls


@FUZZ
@given(data=mutated(OPML.encode()))
def test_opml_mutated_bytes(data: bytes) -> None:
    try:
        outlines = read_opml(data)
    except FeedError as exc:
        assert "\n" not in str(exc)
        return
    for outline in outlines:
        assert "\x1b" not in outline.title + outline.url
