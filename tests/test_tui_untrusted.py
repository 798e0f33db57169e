"""Hostile articles, queries and disks, as the reader meets them: text stays inert, the app
stays up, and what went wrong is said in the app (never a traceback)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from test_tui_flows import ready
from tui_helpers import make_app, make_library, wait_for
from tuireader.config import AppPaths
from tuireader.tui.search_bar import SearchBar
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio

ESC = "\x1b"
HOSTILE = {
    "osc52": ESC + "]52;c;cm0gLXJmIH4=\x07",
    "title": ESC + "]0;pwned" + ESC + "\\",
    "osc8": ESC + "]8;;https://evil.example/" + ESC + "\\click" + ESC + "]8;;" + ESC + "\\",
    "csi": ESC + "[2J" + ESC + "[H" + ESC + "[31m",
    "c1": "\x9b31m\x9d0;c1-title\x9c",
    "dcs": ESC + "Pq#0;2;0;0;0" + ESC + "\\",
    "bidi": "\u202egnp.exe\u202c \u2066iso\u2069",
    "zero": "zero\u200bwidth\ufeff",
}
# Anything that could steer a terminal or reorder text on screen.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def hostile_library(root: Path) -> Path:
    root.mkdir()
    payload = " ".join(HOSTILE.values())
    (root / "markup.txt").write_text(
        f"[bold red]Loud[/] {payload} harbour\n\nBy [link=https://evil.example]Eve[/link]\n\n"
        f"The harbour {payload} opens [blink]early[/blink].\n\nSecond paragraph, harbour again.\n",
        encoding="utf-8",
    )
    (root / "front.md").write_text(
        f'---\ntitle: "Notes {HOSTILE["osc52"]!s} [i]harbour[/i]"\n'.replace("\x1b", "\\e").replace(
            "\x07", "\\a"
        )
        + 'author: "[reverse]Mallory\\u202e"\n'
        + "tags: ['[red]tag[/red]', \"esc\\e[5m\"]\n"
        + 'url: "https://example.org/\\e]52;c;eA==\\a"\n'
        "---\n\n# Heading [b]x[/b]\n\nHarbour text with `code \\x1b` and "
        + HOSTILE["c1"]
        + " and more.\n",
        encoding="utf-8",
    )
    (root / "page.html").write_text(
        "<html><head><title>&#27;]0;owned&#7;Harbour &#155;31m page [b]x[/b]</title>"
        '<meta name="author" content="&#27;[5mBlinky"></head><body><article>'
        "<h1>&#27;]0;owned&#7;Harbour &#155;31m page [b]x[/b]</h1>"
        "<p>The harbour page body has &#27;]52;c;eA==&#7; a clipboard grab and &#8238;"
        "reversed text, long enough to count as the article's main text for extraction.</p>"
        "<p>Another paragraph about the harbour, ferries and the tide tables.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    return root


def screen_text(app) -> str:
    """Everything on screen, as the SVG screenshot renders it."""
    return html.unescape(app.export_screenshot())


def assert_inert(app) -> None:
    text = screen_text(app)
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not found, f"unsafe characters reached the screen: {found}"


async def test_hostile_articles_render_inert(tmp_path: Path) -> None:
    library = hostile_library(tmp_path / "library")
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=3)
        assert_inert(app)
        assert "[bold" in screen_text(app)  # shown literally, not applied
        article_list = screen.query_one(ArticleList)
        for index in range(article_list.row_count):
            article_list.cursor_index = index
            article_list.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.query_one(ReaderView).has_focus)
            await pilot.pause(0.1)
            assert_inert(app)
            await pilot.press("b", "tab")  # bookmark it, back to the list
        await pilot.press("a")  # the annotations browser lists the hostile titles
        await pilot.pause(0.3)
        assert_inert(app)
        await pilot.press("escape", "f")  # the filter dialog lists hostile authors and tags
        await pilot.pause(0.3)
        assert_inert(app)
        await pilot.press("escape")
        await pilot.press("slash", *"harbour", "enter", "enter")
        await wait_for(pilot, lambda: screen.reader_state.hit_counter.startswith("hit 1/"))
        assert_inert(app)


NAUGHTY_QUERIES = [
    '"',
    '"unbalanced phrase',
    "(((",
    ")))",
    "[",
    "date:[",
    "date:[2023 to",
    "date:99999",
    "date:31/02/2023",
    "AND",
    "OR OR OR",
    "NOT",
    "- - -",
    "*",
    "**",
    "~",
    "ferry~~~",
    "ferry~99",
    "author:",
    "tag:",
    ":",
    "::::",
    "title:(",
    "\\",
    "'; DROP TABLE articles; --",
    "$(rm -rf ~)",
    "<script>alert(1)</script>",
    "[bold red]x[/]",
    ESC + "[2J" + ESC + "]52;c;eA==\x07",
    "\u202eferry",
    "\u0000\u0001",
    "🚋🚋🚋",
    "ﬁ ß İ ǅ",
    "null",
    "^ferry",
    "ferry^2",
    "title:ferry AND (tram OR NOT",
    "x" * 10_000,
    "ferry " * 2_000,
]


async def test_any_query_gives_results_or_a_message(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(SearchBar)
        for query in NAUGHTY_QUERIES:
            bar.value = query
            # (the Input may drop control characters: compare with what it holds)
            await wait_for(pilot, lambda: screen.list_state.shown_query == bar.value.strip(), 30)
            assert_inert(app)
        bar.value = "ferry"
        await wait_for(
            pilot, lambda: screen.list_state.query_text == "ferry" and screen.list_state.total >= 1
        )


def capture_notifications(app) -> list[str]:
    messages: list[str] = []
    real_notify = app.notify

    def notify(message: str, **kw: object) -> None:
        messages.append(message)
        real_notify(message, **kw)

    app.notify = notify  # type: ignore[method-assign]
    return messages


async def test_unusable_data_dir_keeps_the_reader_usable(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    data = AppPaths.from_environment().annotations_db.parent
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("not a folder")  # (chmod would not stop root, which runs CI)
    app = make_app(library)
    messages = capture_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert any(m.startswith("Annotations are unavailable") for m in messages)
        await pilot.press("enter")
        # reading still works
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        await pilot.press("b")
        await wait_for(pilot, lambda: any("Could not save the annotation" in m for m in messages))
        assert app.is_running
    assert data.read_text() == "not a folder"


async def test_full_disk_on_bookmark_is_said_and_nothing_is_lost(tmp_path: Path) -> None:
    import sqlite3

    library = make_library(tmp_path)
    app = make_app(library)
    messages = capture_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("b")
        await wait_for(pilot, lambda: "Bookmarked" in messages)
        first = screen.current_list_id()
        store = app.bridge.core.annotations

        def disk_full(*args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        store.toggle_article_bookmark = disk_full
        await pilot.press("j", "b")
        await wait_for(pilot, lambda: any("the disk is full" in m for m in messages))
        assert app.is_running
        assert screen.list_state.marks[first].bookmarked
        assert [b.article_id for b in store.bookmarks()] == [first]


async def test_library_that_vanishes_while_open(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    app = make_app(library)
    messages = capture_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        shutil.rmtree(library)
        await pilot.press("r")
        await wait_for(pilot, lambda: any("library" in m.casefold() for m in messages))
        await pilot.press("enter")  # opening a listed article whose file is gone
        await wait_for(pilot, lambda: any("cannot open" in m.casefold() for m in messages))
        assert screen.query_one(ArticleList).row_count in (0, 6)
