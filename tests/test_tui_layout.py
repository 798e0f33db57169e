"""Pane widths: the list takes the width it needs, and the user's share is remembered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_helpers import make_app, wait_for, wait_until_listed
from tuireader.config import AppPaths
from tuireader.storage.layout_prefs import LIST_SHARE_DEFAULT, load_layout
from tuireader.tui.main_screen import LIST_MIN
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio

LONG_TITLE = "Ferry Timetables Across the Northern Sound Are Rewritten for the Winter Tides"


def _with_long_title(library: Path) -> None:
    (library / "news" / "timetables.txt").write_text(
        f"{LONG_TITLE}\n\nThe new timetable adds two crossings on winter evenings.\n",
        encoding="utf-8",
    )


def _row_text(article_list: ArticleList) -> str:
    lines = [article_list.render_line(y).text for y in range(article_list.size.height)]
    return next(line for line in lines if "Ferry Timetables" in line)


async def test_list_gets_the_width_and_keeps_its_share(library: Path) -> None:
    _with_long_title(library)
    async with make_app(library).run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 7)
        screen = pilot.app.screen
        article_list, reader = screen.query_one(ArticleList), screen.query_one(ReaderView)
        # nothing open: the list is the whole width, no empty reading pane beside it
        assert article_list.size.width >= 117 and not reader.display
        assert LONG_TITLE in _row_text(article_list)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        await pilot.pause()
        assert reader.display
        # beside it, the reading pane has its whole 80-column reading column; the list the rest
        assert reader.scrollable_content_region.width == 80
        assert article_list.outer_size.width == 120 - reader.outer_size.width >= LIST_MIN
        await pilot.press("shift+tab")  # back to the list: the cursor row's title is shown
        assert LONG_TITLE[:25] in _row_text(article_list)
        auto = article_list.outer_size.width
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        share = round(auto * 100 / 120 / 5) * 5 + 10  # two steps from the share shown
        assert article_list.outer_size.width == 120 * share // 100 > auto
        await pilot.press("x")  # close the article: the list has the width again
        await pilot.pause()
        assert not reader.display and article_list.outer_size.width == 120
    layout_file = AppPaths.from_environment().layout_file
    await wait_for_file(layout_file)
    assert load_layout(layout_file).list_share == share
    async with make_app(library).run_test(size=(120, 40)) as pilot:  # remembered
        await wait_until_listed(pilot, 7)
        screen = pilot.app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        await pilot.pause()
        assert screen.query_one(ArticleList).outer_size.width == 120 * share // 100
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert screen.query_one(ArticleList).outer_size.width == 120 * (share - 5) // 100


async def test_a_wider_list_never_shows_shorter_titles(library: Path) -> None:
    _with_long_title(library)
    async with make_app(library).run_test(size=(200, 40)) as pilot:
        await wait_until_listed(pilot, 7)
        article_list = pilot.app.screen.query_one(ArticleList)
        shown = []
        for width in range(40, 200, 3):
            await pilot.resize_terminal(width, 40)
            await wait_for(pilot, lambda w=width: article_list.size.width >= w - 3)
            row = _row_text(article_list)
            shown.append(len(row.strip().lstrip("•★✎ ").split("  ")[0].rstrip("…")))
        assert shown == sorted(shown), shown
        assert shown[-1] == len(LONG_TITLE)


async def test_at_80_columns_the_width_keys_say_why_they_do_nothing(library: Path) -> None:
    async with make_app(library).run_test(size=(80, 24)) as pilot:
        await wait_until_listed(pilot, 6)
        screen = pilot.app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        await pilot.press("greater_than_sign")
        await wait_for(
            pilot, lambda: any("One pane" in str(n.message) for n in pilot.app._notifications)
        )


async def wait_for_file(path: Path) -> None:
    import asyncio

    for _ in range(100):
        if path.exists():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} was not written")


def test_layout_file_bad_or_out_of_range_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "layout.json"
    assert load_layout(path).list_share is LIST_SHARE_DEFAULT is None  # missing: automatic
    for text in ("{not json", json.dumps({"list_share": 99}), json.dumps([1]), "\xff"):
        path.write_text(text, encoding="utf-8")
        assert load_layout(path).list_share == LIST_SHARE_DEFAULT
