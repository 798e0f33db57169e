"""ArticleList: a virtual list that stays instant at 100k rows and renders titles inertly."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.app import App, ComposeResult

from tuireader.tui.widgets import ArticleList, ListRow

SIZE = (80, 24)
pytestmark = pytest.mark.anyio


def make_rows(n: int, prefix: str = "a") -> list[ListRow]:
    return [
        ListRow(
            id=f"{prefix}{i}",
            title=f"Title {i}",
            author=f"Author {i % 7}",
            date="2023-03-19",
            bookmarked=i % 3 == 0,
            highlighted=i % 5 == 0,
            unread=i % 2 == 0,
        )
        for i in range(n)
    ]


class ListApp(App[None]):
    def __init__(self, rows: list[ListRow]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[tuple[str, int]] = []
        self.selected: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield ArticleList(self.rows, empty_text="No articles match")

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()

    def on_article_list_highlighted(self, message: ArticleList.Highlighted) -> None:
        self.highlighted.append((message.row.id, message.index))

    def on_article_list_selected(self, message: ArticleList.Selected) -> None:
        self.selected.append((message.row.id, message.index))


def strip_text(widget: ArticleList, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


async def test_keys_move_cursor_over_100k_rows() -> None:
    app = ListApp(make_rows(100_000))
    async with app.run_test(size=SIZE) as pilot:
        lst = app.query_one(ArticleList)
        assert lst.row_count == 100_000
        await pilot.press("j", "j", "down")
        assert lst.cursor_index == 3
        await pilot.press("k")
        assert lst.cursor_index == 2
        await pilot.press("G")
        assert lst.cursor_index == 99_999
        assert lst.scroll_offset.y > 99_000  # the cursor row is on screen
        assert "Title 99999" in strip_text(lst, lst.cursor_index - lst.scroll_offset.y)
        await pilot.press("g")
        assert lst.cursor_index == 0
        assert lst.scroll_offset.y == 0
        await pilot.press("ctrl+d")
        half = lst.cursor_index
        assert 5 <= half <= 15
        await pilot.press("ctrl+d", "ctrl+u")
        assert lst.cursor_index == half
        await pilot.press("pagedown")
        assert lst.cursor_index > half
        await pilot.press("end", "home")
        assert lst.cursor_index == 0


async def test_messages_highlighted_and_selected() -> None:
    app = ListApp(make_rows(50))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert app.highlighted[-2:] == [("a1", 1), ("a2", 2)]
        assert app.selected == [("a2", 2)]


async def test_click_moves_cursor_and_double_click_selects() -> None:
    app = ListApp(make_rows(50))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(ArticleList, offset=(10, 4))
        await pilot.pause()
        assert app.query_one(ArticleList).cursor_index == 4
        await pilot.double_click(ArticleList, offset=(10, 6))
        await pilot.pause()
        assert app.selected[-1] == ("a6", 6)


async def test_set_rows_keeps_cursor_on_id_or_clamps() -> None:
    app = ListApp(make_rows(100))
    async with app.run_test(size=SIZE) as pilot:
        lst = app.query_one(ArticleList)
        lst.move_cursor(40)
        # The same article moves to index 10 in the new rows: the cursor follows it.
        rows = make_rows(100)
        rows.insert(10, rows.pop(40))
        lst.set_rows(rows)
        assert lst.cursor_index == 10
        assert lst.cursor_row is not None and lst.cursor_row.id == "a40"
        lst.set_rows(make_rows(100_000, "b"), keep_id="b77777")
        assert lst.cursor_index == 77_777
        await pilot.pause()
        top = lst.scroll_offset.y
        assert top <= 77_777 < top + lst.scrollable_content_region.height
        lst.set_rows(make_rows(5, "c"))  # id gone: clamp
        assert lst.cursor_index == 4
        assert lst.row_count == 5


async def test_empty_state_message() -> None:
    app = ListApp([])
    async with app.run_test(size=SIZE) as pilot:
        lst = app.query_one(ArticleList)
        assert "No articles match" in strip_text(lst, 0)
        await pilot.press("j", "enter")
        assert lst.cursor_row is None and app.selected == []
        lst.empty_text = "Nothing here"
        assert "Nothing here" in strip_text(lst, 0)


async def test_title_markup_is_literal_and_escapes_are_stripped() -> None:
    rows = [
        ListRow("m", "[bold red]x[/]", "[i]me[/i]", "2023-03-19", True, True, True),
        ListRow("e", "Bad\x1b]52;c;ZXZpbA==\x07 \x1b[31mred\x1b[0m", "a", "", False, False, False),
    ]
    app = ListApp(rows)
    async with app.run_test(size=(100, 24)):  # room for the author column
        lst = app.query_one(ArticleList)
        first = strip_text(lst, 0)
        assert "[bold red]x[/]" in first
        assert "[i]me[/i]" in first
        assert "★✎•" in first
        segments = list(lst.render_line(1))
        text = "".join(s.text for s in segments)
        assert "Bad red" in text
        assert all("\x1b" not in s.text and "\x07" not in s.text for s in segments)


async def test_columns_adapt_to_width() -> None:
    app = ListApp(make_rows(3))
    async with app.run_test(size=(100, 10)) as pilot:
        lst = app.query_one(ArticleList)
        wide = strip_text(lst, 0)
        assert "Author 0" in wide and "2023-03-19" in wide
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        narrow = strip_text(lst, 0)
        assert "Author 0" not in narrow and "2023-03-19" in narrow
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        assert "2023" not in strip_text(lst, 0)
        assert "Title 0" in strip_text(lst, 0)


async def test_resize_keeps_cursor_visible() -> None:
    app = ListApp(make_rows(1000))
    async with app.run_test(size=(80, 40)) as pilot:
        lst = app.query_one(ArticleList)
        lst.move_cursor(35)
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        top = lst.scroll_offset.y
        assert top <= 35 < top + lst.scrollable_content_region.height


async def test_replace_row_changes_one_row_in_place() -> None:
    rows = make_rows(1000)
    app = ListApp(rows)
    async with app.run_test(size=(80, 12)) as pilot:
        article_list = app.query_one(ArticleList)
        target = rows[3]
        flipped = not target.bookmarked
        assert ("★" in strip_text(article_list, 3)) is not flipped
        assert article_list.replace_row(replace(target, bookmarked=flipped))
        await pilot.pause()
        assert article_list.rows[3].bookmarked is flipped and article_list.row_count == 1000
        assert ("★" in strip_text(article_list, 3)) is flipped
        assert not article_list.replace_row(replace(target, id="no-such-id"))
