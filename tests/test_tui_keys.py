"""The rest of the reader's keys, pressed as a user would: reading position, position
bookmarks, read state, copy, editor, browser, command palette, theme."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path

import pytest

from test_tui_flows import ready, store_for
from tui_helpers import make_app, make_library, wait_for
from tuireader.annotations.anchoring import word_start
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio

LONG_TITLE = "The long walk along the estuary"


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    root = make_library(tmp_path)
    paragraphs = [
        f"Paragraph {n} of the walk: the path bends past reed beds, mud flats and a "
        f"boathouse numbered {n}, where the tide decides how far a walker can go today."
        for n in range(1, 61)
    ]
    (root / "news" / "estuary.txt").write_text(
        LONG_TITLE + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
    )
    return root


async def open_long_article(pilot, screen) -> ReaderView:
    await pilot.press("slash", *"estuary boathouse", "enter", "enter")
    reader = screen.query_one(ReaderView)
    # the screen has the article a moment before the reading pane shows it
    await wait_for(
        pilot,
        lambda: (
            screen.reader_state.article is not None
            and screen.reader_state.article.title == LONG_TITLE
            and reader.document is not None
            and reader.document.article_id == screen.reader_state.article.id
        ),
    )
    return reader


async def test_reading_position_is_remembered_across_restarts(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        await pilot.press("ctrl+d", "ctrl+d", "ctrl+d", "ctrl+d")
        left_at = reader.top_offset
        assert left_at > 0 and 0 < reader.percent_read < 100
        await pilot.press("ctrl+u")
        assert reader.top_offset < left_at
        await pilot.press("ctrl+d")
        assert reader.top_offset == left_at
        await wait_for(pilot, lambda: f"{reader.percent_read}% read" in _status(screen))

    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        rows = screen.query_one(ArticleList).rows
        index = next(i for i, r in enumerate(rows) if r.title == LONG_TITLE)
        assert not rows[index].unread  # opened in the first session
        screen.query_one(ArticleList).cursor_index = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        reader = screen.query_one(ReaderView)
        await wait_for(pilot, lambda: reader.top_offset == left_at)


async def test_a_scroll_just_before_quitting_is_remembered(library: Path) -> None:
    """`q` right after a scroll, while the core thread is busy: quitting cancels the save's
    worker and drops queued core calls, yet the position is saved on the way out."""
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        article_id = screen.reader_state.article.id
        await wait_for(pilot, lambda: reader.has_focus)
        app.bridge._executor.submit(time.sleep, 1.0)  # the core thread is busy for a second
        await pilot.press("ctrl+d", "ctrl+d", "ctrl+q")
        left_at = reader.top_offset
        assert left_at > 0
    state = store_for(library).reading_state(article_id)
    assert state is not None and state.position == left_at


async def test_q_in_an_article_closes_it_and_remembers_the_place(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        article_id = screen.reader_state.article.id
        await wait_for(pilot, lambda: reader.has_focus)
        await pilot.press("ctrl+d", "ctrl+d")
        left_at = reader.top_offset
        await pilot.press("q")
        await wait_for(pilot, lambda: screen.reader_state.article is None)
        assert app.is_running and screen.article_list.has_focus
        store = store_for(library)
        await wait_for(
            pilot, lambda: getattr(store.reading_state(article_id), "position", None) == left_at
        )


def _status(screen) -> str:
    return str(screen.query_one("#status").render())


async def test_bookmark_position_and_toggle_read(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        await pilot.press("ctrl+d", "ctrl+d", "m")
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.bookmarks()) == 1)
        bookmark = store.bookmarks()[0]
        body = screen.reader_state.article.body  # the place snaps to the word it falls in
        assert bookmark.offset == word_start(body, reader.top_offset) > 0
        assert bookmark.quote and bookmark.quote in screen.reader_state.article.body
        article_id = screen.reader_state.article.id
        assert screen.list_state.marks[article_id].read
        await pilot.press("u")  # in the reading pane: the open article
        await wait_for(pilot, lambda: not screen.list_state.marks[article_id].read)
        await pilot.press("shift+tab")  # back to the list: u applies to the cursor row
        assert screen.query_one(ArticleList).has_focus
        row = screen.query_one(ArticleList).cursor_row
        was = bool(screen.list_state.marks.get(row.id) and screen.list_state.marks[row.id].read)
        await pilot.press("u")
        await wait_for(pilot, lambda: bool(screen.list_state.marks[row.id].read) is not was)
        assert store.reading_state(row.id).read is not was


async def test_copy_selection_or_link(library: Path) -> None:
    app = make_app(library)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        await pilot.press("y")  # nothing selected: the link (a file:// URL here)
        assert copied[-1] == (library / "news" / "estuary.txt").resolve().as_uri()
        await pilot.press("v", "w", "w", "y")
        assert reader.selection is not None
        start, end = reader.selection
        assert (
            copied[-1] == screen.reader_state.article.body[start:end]
            and len(copied[-1].split()) == 3
        )


async def test_open_source_in_browser(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        await open_long_article(pilot, screen)
        await pilot.press("o")
        await wait_for(pilot, lambda: bool(opened))
        assert opened == [(library / "news" / "estuary.txt").resolve().as_uri()]


async def test_edit_in_editor_then_reload(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nwith open(sys.argv[1], 'a', encoding='utf-8') as f:\n"
        "    f.write('\\n\\nAn added closing paragraph about herons.\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        app.suspend = nullcontext  # type: ignore[method-assign]  # no real terminal here
        screen = await ready(pilot, count=7)
        await open_long_article(pilot, screen)
        await pilot.press("E")
        await wait_for(pilot, lambda: "herons" in screen.reader_state.article.body)
        assert "herons" in (library / "news" / "estuary.txt").read_text(encoding="utf-8")


async def test_command_palette_runs_actions(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        assert screen.list_state.sort == "date"
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"cycle sort")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.list_state.sort == "title")


async def test_theme_from_config(library: Path) -> None:
    app = make_app(library, theme="nord")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, count=7)
        assert app.theme == "nord"


async def test_mouse_selection_then_h_highlights_it(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        body = screen.reader_state.article.body
        start = body.index("Paragraph 2 ")
        gutter = reader.styles.gutter  # the pane's border
        line = reader.line_of_offset(start) - reader.scroll_offset.y + gutter.top
        left = reader._margin() + gutter.left  # the paragraph starts a line, at the left margin
        await pilot.mouse_down(ReaderView, offset=(left, line))
        await pilot.hover(ReaderView, offset=(left + 10, line))
        await pilot.mouse_up(ReaderView, offset=(left + 10, line))
        await pilot.pause()
        assert reader.mouse_selection_offsets() == (start, start + 11)
        await pilot.press("h")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HighlightDialog")
        await pilot.press("enter")
        store = store_for(library)
        await wait_for(pilot, lambda: len(store.highlights()) == 1)
        assert store.highlights()[0].quote == "Paragraph 2"


async def test_search_typed_in_one_burst_lands_in_the_search_bar(library: Path) -> None:
    """A fast typist (or a paste into the terminal) sends "/trams" as one burst of keys,
    routed as they arrive: none may reach the list (r re-scans, a opens annotations, s
    sorts). In the bar, "/" is an ordinary character."""
    from textual import events

    from tuireader.tui.search_bar import SearchBar

    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=7)
        sort = screen.list_state.sort
        for key, char in [("slash", "/"), *((c, c) for c in "trams")]:
            app.post_message(events.Key(key, char))  # no pause between keys: one burst
        bar = screen.query_one(SearchBar)
        await wait_for(pilot, lambda: bar.value == "trams")
        await pilot.pause(0.3)
        # no "a" or "s" reached the list
        assert app.screen is screen and screen.list_state.sort == sort
        await pilot.press("slash", "b")
        assert bar.value == "trams/b" and bar.has_focus
        assert not any(m.bookmarked for m in screen.list_state.marks.values())


async def test_keys_typed_right_after_enter_go_to_the_results(library: Path) -> None:
    """'/ferry⏎⏎' and '/ferry⏎j' in one burst: the second enter opens the first result and
    'j' moves in the results; neither reaches the search bar."""
    from textual import events

    from tuireader.tui.search_bar import SearchBar

    def burst(app, keys: list[tuple[str, str | None]]) -> None:
        for key, char in keys:
            app.post_message(events.Key(key, char))

    typed = [("slash", "/"), *((c, c) for c in "estuary")]
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=7)
        burst(app, [*typed, ("enter", "\r"), ("enter", "\r")])
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        assert screen.reader_state.article.title == LONG_TITLE
        assert screen.query_one(SearchBar).value == "estuary"
        burst(app, [("slash", "/"), *((c, c) for c in "walk tide"), ("enter", "\r"), ("j", "j")])
        article_list = screen.query_one(ArticleList)
        await wait_for(
            pilot,
            lambda: (
                screen.list_state.shown_query == "walk tide"
                and article_list.has_focus
                and article_list.cursor_index == min(1, len(screen.list_state.shown) - 1)
                and not app.key_hold.holding()
            ),
        )
        assert screen.query_one(SearchBar).value == "walk tide"
        burst(app, [("slash", "/"), ("x", "x"), ("escape", None), ("k", "k")])
        await wait_for(pilot, lambda: article_list.has_focus and not app.key_hold.holding())
        await pilot.pause(0.3)  # time for a wrongly routed 'k' to show
        assert screen.query_one(SearchBar).value.endswith("x")
        assert "k" not in screen.query_one(SearchBar).value


async def test_resizing_keeps_the_list_cursor_and_the_reading_place(library: Path) -> None:
    """Wide -> narrow -> wide: the same row is selected and the article shows the same
    place (reflowed to the new width), as the issue asks of resizes."""
    app = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot, count=7)
        reader = await open_long_article(pilot, screen)
        await pilot.press("tab")  # into the reader
        target = reader.document.body.index("Paragraph 30 ")
        reader.scroll_to_offset(target, center=False)
        await pilot.pause()
        row = screen.query_one(ArticleList).cursor_row.id
        for size in ((70, 24), (120, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            assert screen.query_one(ArticleList).cursor_row.id == row, size
            assert reader.top_offset == target, size
        assert reader.display


async def test_keys_typed_while_a_dialog_opens_go_into_it(library: Path) -> None:
    """'B' then a note and enter, typed at once: the note lands in the dialog (the letters
    used to reach the list: 'g' jumped to the top...), and the bookmark is saved with it."""
    from textual import events

    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=7)
        article_list = screen.query_one(ArticleList)
        await pilot.press("j", "j")
        row = article_list.cursor_row.id
        for key, char in [("B", "B"), *((c, c) for c in "good"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))  # one burst
        store = store_for(library)
        try:
            await wait_for(pilot, lambda: any(b.note == "good" for b in store.bookmarks()))
            assert [b.article_id for b in store.bookmarks() if b.note == "good"] == [row]
        finally:
            store.close()
        assert app.screen is screen and article_list.cursor_row.id == row
        await wait_for(pilot, lambda: not app.key_hold.holding())  # released once it is back


async def test_keys_typed_as_a_dialog_closes_go_to_the_screen_below(library: Path) -> None:
    """'B', a note, enter, 'j', 'j' typed at once: the note is saved as typed (the j's used
    to land in it: "goodjj") and they move the list instead; escape the same."""
    from textual import events

    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=7)
        article_list = screen.query_one(ArticleList)
        row = article_list.cursor_index
        burst = [("B", "B"), *((c, c) for c in "good"), ("enter", "\r"), ("j", "j"), ("j", "j")]
        for key, char in burst:
            app.post_message(events.Key(key, char))
        store = store_for(library)
        try:
            await wait_for(
                pilot,
                lambda: (
                    bool(store.bookmarks())
                    and article_list.cursor_index == row + 2
                    and not app.key_hold.holding()
                ),
            )
            assert [b.note for b in store.bookmarks()] == ["good"]
            for key, char in [("B", "B"), ("x", "x"), ("escape", None), ("k", "k")]:
                app.post_message(events.Key(key, char))
            await wait_for(
                pilot,
                lambda: (
                    app.screen is screen
                    and article_list.cursor_index == row + 1
                    and not app.key_hold.holding()
                ),
            )
            assert [b.note for b in store.bookmarks()] == ["good"]  # cancelled: nothing new
        finally:
            store.close()


async def test_a_hold_is_released_once_and_a_new_hold_is_its_own(library: Path) -> None:
    """A dialog, its action and the safety timer may all release one hold: only the first
    counts, so a held key that opens the next dialog keeps its own hold until that dialog
    has focus (a second release used to let the note's letters through to the list)."""
    from textual import events

    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, count=7)
        row = screen.query_one(ArticleList).cursor_row.id
        hold = app.key_hold
        hold.start()
        assert hold.keys is not None
        hold.keys.append(events.Key("B", "B"))  # held: it opens the note dialog when replayed
        hold.release()
        hold.release()  # e.g. the timer as well
        for key, char in [*((c, c) for c in "ok"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        store = store_for(library)
        try:
            await wait_for(pilot, lambda: any(b.note == "ok" for b in store.bookmarks()))
            assert [b.article_id for b in store.bookmarks()] == [row]
        finally:
            store.close()
        await wait_for(pilot, lambda: app.screen is screen and not hold.holding())
