"""Files that change while the reader is open: picked up on focus, annotations follow them."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from textual import events

from test_tui_flows import ready, store_for
from tui_helpers import make_app, wait_for
from tuireader.search import SearchService
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio


def titles(screen) -> list[str]:
    return [row.title for row in screen.query_one(ArticleList).rows]


async def test_new_file_is_listed_when_the_terminal_regains_focus(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        (library / "news" / "lighthouse.txt").write_text(
            "Lighthouse keepers return\n\nThe lamp at the point is tended by hand again.",
            encoding="utf-8",
        )
        screen.index_state.last_check = 0.0  # the focus check is rate-limited to one per 5 s
        app.post_message(events.AppFocus())
        await wait_for(pilot, lambda: "Lighthouse keepers return" in titles(screen))
        await pilot.press("slash", *"lamp")
        await wait_for(
            pilot, lambda: screen.list_state.query_text == "lamp" and screen.list_state.total == 1
        )


async def test_open_article_edited_on_disk_is_reloaded(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"tram", "enter", "enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        path = library / screen.reader_state.article.path
        path.write_text(
            path.read_text(encoding="utf-8") + "\n\nA late paragraph about cobblestones.\n",
            encoding="utf-8",
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: "cobblestones" in screen.reader_state.article.body)
        reader = screen.query_one(ReaderView)
        # the reading pane gets the new text a moment after the screen does
        await wait_for(
            pilot, lambda: reader.document is not None and "cobblestones" in reader.document.body
        )


async def test_highlight_follows_a_moved_file(library: Path, tmp_path: Path) -> None:
    search = SearchService(library, tmp_path / "warmup-cache")
    article = search.article("news/ferry.txt")
    search.close()
    store = store_for(library)
    words = article.body.split("\n\n")[1].split()[:4]
    highlight = store.add_highlight_by_quote(article, " ".join(words))
    store.close()

    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        (library / "archive").mkdir()
        (library / "news" / "ferry.txt").rename(library / "archive" / "ferry.txt")
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: any(
                e.path == "archive/ferry.txt"
                and screen.list_state.marks.get(e.id, None) is not None
                for e in screen.list_state.entries.values()
            ),
        )
    store = store_for(library)
    moved = store.highlight(highlight.id)
    store.close()
    assert moved.article.path == "archive/ferry.txt" and not moved.orphaned


async def test_quitting_while_indexing_stops_the_indexer(tmp_path: Path) -> None:
    library = tmp_path / "big"
    library.mkdir()
    for n in range(400):
        words = " ".join(f"word{(n * 7 + k) % 997}" for k in range(300))
        (library / f"a{n:03}.txt").write_text(f"Article {n}\n\n{words}\n", encoding="utf-8")
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.bridge, "_indexer", None) is not None)
        assert app.screen.index_state.running
        await pilot.press("ctrl+q")
    indexer = app.bridge._indexer
    # stopped by a signal (not left running without the app, not run to the end)
    assert indexer.returncode in (-signal.SIGTERM, -signal.SIGKILL)

    app = make_app(library)  # the next start finishes the job
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=400)
        await pilot.press("slash", *"word5")
        await wait_for(
            pilot, lambda: screen.list_state.shown_query == "word5" and screen.list_state.total > 0
        )


async def test_empty_library_says_so(tmp_path: Path) -> None:
    library = tmp_path / "empty"
    library.mkdir()
    (library / "notes.bin").write_bytes(b"\x00\x01\x02 not an article")
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.index_state.settled_once and not screen.index_state.running
        )
        article_list = screen.query_one(ArticleList)
        assert article_list.row_count == 0
        assert article_list.empty_text.startswith(f"The library is empty: {library}")
        assert "The library is empty" in app.export_screenshot().replace("&#160;", " ")
