"""`O` (the open article's outline, enter jumps) and `R` (the articles like it, enter opens
one), pressed as a user would; the lists are plain text from the core's own answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_helpers import make_app, screen_lines, search_for, wait_for, wait_until_listed
from tuireader.tui.screens.picker import PickerList, PickerScreen
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio


async def open_sourdough(pilot):
    await wait_until_listed(pilot, 6)
    screen = pilot.app.screen
    await search_for(pilot, "hydration")  # enter: the results, the first selected
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.reader_state.article is not None)
    assert screen.reader_state.article.title == "Sourdough log"
    return screen


async def test_o_lists_the_headings_and_enter_jumps_to_one(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 14)) as pilot:
        screen = await open_sourdough(pilot)
        reader = screen.query_one(ReaderView)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.pause()
        options = app.screen.query_one(PickerList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [label.split("  ")[-2].strip() for label in labels] == [
            "Sourdough log",
            "Day one",
            "Day two",
        ], labels
        await pilot.press("G", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        # at the top of the pane, or as far down as the article lets it go
        await wait_for(pilot, lambda: reader.scroll_offset.y > 0)
        assert reader.has_focus
        assert any("Day two" in line for line in screen_lines(app))
        day_two = screen.reader_state.article.body.index("Day two")
        assert reader.top_offset == day_two or reader.scroll_offset.y == reader.max_scroll_y


async def test_o_without_headings_says_so(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 6)
        screen = app.screen
        await search_for(pilot, "tramway")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        await pilot.press("O")
        await wait_for(
            pilot, lambda: any("no headings" in str(n.message) for n in app._notifications)
        )
        assert app.screen is screen


async def test_r_lists_the_articles_like_the_open_one_and_opens_the_pick(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_sourdough(pilot)
        article = screen.reader_state.article
        expected = screen.bridge.core.search.related(article.id, limit=10)
        assert expected.hits  # the fixture library has articles sharing its words
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.pause()
        options = app.screen.query_one(PickerList)
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(titles) == len(expected.hits)
        assert all(hit.title in line for hit, line in zip(expected.hits, titles, strict=True))
        assert not any("Sourdough log" in line for line in titles)  # never itself
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.reader_state.article is not None
                and screen.reader_state.article.id == expected.hits[0].id
            ),
        )


async def test_copies_of_one_story_are_one_result_row(library: Path) -> None:
    """The same article saved twice (a feed entry and its page, a re-import) is one row."""
    ferry = (library / "news" / "ferry.txt").read_text(encoding="utf-8")
    (library / "news" / "ferry-again.txt").write_text(ferry, encoding="utf-8")
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 7)  # the copy is listed (and grouped) once indexed
        screen = app.screen
        await wait_for(pilot, lambda: not screen.bridge.core.search.stale())
        await search_for(pilot, "ferry")
        rows = screen.query_one(ArticleList).rows
        ferries = [row for row in rows if "Night Ferry" in row.title]
        assert len(ferries) == 1, [row.title for row in rows]
        assert ferries[0].extra == "+1 copy"
        assert any("+1 copy" in line for line in screen_lines(app))


async def test_c_lists_the_copies_of_the_story_and_opens_one(library: Path) -> None:
    ferry = (library / "news" / "ferry.txt").read_text(encoding="utf-8")
    (library / "news" / "ferry-again.txt").write_text(ferry, encoding="utf-8")
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 7)
        screen = app.screen
        await wait_for(pilot, lambda: not screen.bridge.core.search.stale())
        await search_for(pilot, "ferry")
        shown = screen.query_one(ArticleList).cursor_row
        assert "Night Ferry" in shown.title
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.pause()
        options = app.screen.query_one(PickerList)
        assert options.option_count == 1
        other = screen.list_state.entries
        copy_id = next(i for i, e in other.items() if "Night Ferry" in e.title and i != shown.id)
        assert other[copy_id].path in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.reader_state.article is not None
                and screen.reader_state.article.id == copy_id
            ),
        )
