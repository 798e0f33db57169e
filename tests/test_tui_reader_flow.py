"""The everyday flow a newcomer tries first: search as you type, the snippet rows, one way
back with escape, q closing an article, tab between the panes only, hits shown with their
context, keys named as typed. Real key presses through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_helpers import make_app, make_library, screen_lines, wait_for, wait_until_listed
from tuireader.tui.main_screen import MainScreen
from tuireader.tui.search_bar import SearchBar
from tuireader.tui.widgets import ArticleList, ReaderView

pytestmark = pytest.mark.anyio


async def ready(pilot) -> MainScreen:
    await wait_until_listed(pilot, 6)
    return pilot.app.screen


def listed_titles(screen: MainScreen) -> list[str]:
    return [row.title for row in screen.query_one(ArticleList).rows]


async def type_query(pilot, screen: MainScreen, text: str) -> None:
    await pilot.press("slash", *text)
    await wait_for(pilot, lambda: screen.list_state.shown_query == text)


@pytest.mark.parametrize("typed", ["fe", "fer", "ferr"])
async def test_a_half_typed_word_lists_its_article(library: Path, typed: str) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, typed)
        assert any("Ferry" in title for title in listed_titles(screen)), listed_titles(screen)
        assert not screen.query_one("#suggestion").display  # no did-you-mean while typing


async def test_the_whole_word_ranks_above_words_it_begins(tmp_path: Path) -> None:
    """`ferr` lists the ferry article; `ferry` finds it as a word, first."""
    library = make_library(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "ferry")
        assert "Ferry" in listed_titles(screen)[0]


async def test_did_you_mean_waits_for_enter_and_ctrl_y_accepts(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "ferrry")
        line = screen.query_one("#suggestion")
        assert screen.list_state.total == 0 and not line.display
        await pilot.press("enter")
        await wait_for(pilot, lambda: line.display)
        assert "Did you mean: ferry" in str(line.render())
        assert "ctrl+y" in str(line.render())
        assert isinstance(screen.focused, SearchBar)  # nothing found: the bar keeps focus
        await pilot.press("ctrl+y")
        await wait_for(
            pilot, lambda: screen.list_state.shown_query == "ferry" and screen.list_state.total > 0
        )
        assert not line.display


async def test_an_idle_query_that_finds_nothing_gets_its_did_you_mean(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "ferrry")
        line = screen.query_one("#suggestion")
        await wait_for(pilot, lambda: line.display, timeout=5)
        assert "ferry" in str(line.render())


async def test_tab_never_changes_the_query(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "ferrry")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one("#suggestion").display)
        await pilot.press("tab")
        await pilot.pause()
        assert screen.search_bar.value == "ferrry"
        assert isinstance(screen.focused, ArticleList)
        # with an article open, tab goes list <-> reader and never to the bar
        await pilot.press("escape")  # clears the search
        await wait_for(pilot, lambda: not screen.list_state.shown_query)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        for _ in range(3):
            await pilot.press("tab")
            await pilot.pause()
            assert not isinstance(screen.focused, SearchBar)
            if isinstance(screen.focused, ReaderView):
                await pilot.press("v", "escape")  # a selection, cleared: the bar saw neither
        assert screen.search_bar.value == ""


async def test_escape_backs_out_one_level_at_a_time(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "ferry")
        await pilot.press("enter")  # results, the first selected
        await wait_for(pilot, lambda: isinstance(screen.focused, ArticleList))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(screen.focused, ReaderView))
        await pilot.press("escape")  # reader -> list (the article stays beside it)
        await pilot.pause()
        assert isinstance(screen.focused, ArticleList)
        assert screen.search_bar.value == "ferry"
        await pilot.press("escape")  # list -> the search is cleared
        await wait_for(pilot, lambda: screen.list_state.shown_query == "")
        assert screen.search_bar.value == ""
        assert len(listed_titles(screen)) == 6
        await pilot.press("slash", "x", "escape")  # search bar -> list, query kept
        await pilot.pause()
        assert isinstance(screen.focused, ArticleList)
        assert screen.search_bar.value == "x"
        assert "esc Back" in screen_lines(app)[-1]
        await pilot.press("escape")  # cleared: nothing is left to back out of
        await wait_for(pilot, lambda: "esc Back" not in screen_lines(app)[-1])
        assert screen.search_bar.value == ""


async def test_q_closes_the_article_and_quits_only_from_the_list(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(screen.focused, ReaderView))
        assert not screen.article_list.display or screen.has_class("-reading")
        await pilot.press("q")
        await wait_for(pilot, lambda: screen.reader_state.article is None)
        assert isinstance(screen.focused, ArticleList) and app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_footer_shows_the_focused_panes_keys(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        footer = app.export_screenshot()
        assert "Open" in footer and "Next hit" not in footer
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(screen.focused, ReaderView))
        await pilot.pause()
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "Next hit" in shot and "Close" in shot and "Back" in shot


async def test_the_focused_pane_is_marked(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        article_list, reader = screen.article_list, screen.reader
        assert "Articles" in str(article_list.border_title)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(screen.focused, ReaderView))
        assert screen.reader_state.article is not None
        assert reader.border_title and screen.reader_state.article.title in reader.border_title
        assert reader.styles.border_top[0] == "heavy"
        assert article_list.styles.border_top[0] != "heavy"
        await pilot.press("tab")
        await pilot.pause()
        assert article_list.styles.border_top[0] == "heavy"


async def test_search_rows_show_a_snippet_with_the_match(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "petition")
        article_list = screen.article_list
        await wait_for(pilot, lambda: article_list.has_snippets and bool(article_list._details))
        await wait_for(
            pilot, lambda: any(d.text for d in article_list._details.values()), timeout=10
        )
        await pilot.pause()
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "1 match" in shot and "petition" in shot


async def test_opening_a_hit_keeps_the_header_in_view(library: Path) -> None:
    """The ferry article's hit is on its first screen: it opens at the top, not at the hit."""
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, screen, "petition")
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: "hit 1/" in screen.reading.state.hit_counter)
        await pilot.pause()
        assert screen.reader.scroll_offset.y == 0


async def test_a_hit_far_down_sits_a_third_down(tmp_path: Path) -> None:
    library = make_library(tmp_path, indexed=False)
    paragraphs = [f"Paragraph {n} tells of the harbour and the boats." for n in range(120)]
    paragraphs[90] = "Here the quarantine of the cargo began."
    (library / "notes" / "long.md").write_text("# Long log\n\n" + "\n\n".join(paragraphs))
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        await wait_until_listed(pilot, 7)
        await type_query(pilot, screen, "quarantine")
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: "hit 1/1" in screen.reading.state.hit_counter)
        await pilot.pause()
        reader = screen.reader
        height = reader.scrollable_content_region.height
        hit_line = reader.line_of_offset(reader._matches[0][0]) - reader.scroll_offset.y
        assert height // 4 <= hit_line <= height // 2, (hit_line, height)


async def test_an_empty_library_names_its_folder_and_how_to_fill_it(tmp_path: Path) -> None:
    library = tmp_path / "empty"
    library.mkdir()
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(
            pilot, lambda: screen.index_state.settled_once and not screen.index_state.running
        )
        await pilot.pause()
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "The library is empty" in shot
        assert "tuireader add URL" in shot and "tuireader feed add URL" in shot
        assert "--library DIR" in shot and "import-articles" in shot


async def test_help_names_keys_as_typed_explains_the_marks_and_scrolls(library: Path) -> None:
    from textual.containers import VerticalScroll

    from tuireader.tui.screens.help import HelpScreen

    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "greater_than_sign" not in text and "question_mark" not in text
        body = app.screen.query_one(VerticalScroll)
        assert body.max_scroll_y > 0  # taller than 24 rows
        await pilot.press("G")
        await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y)
        text = "\n".join(screen_lines(app))
        assert "bookmarked" in text and "★" in text and "prefix" in text
        await pilot.press("g")
        await wait_for(pilot, lambda: body.scroll_y == 0)
        await pilot.press("j")
        await wait_for(pilot, lambda: body.scroll_y == 1)


def test_the_readme_key_table_lists_every_key() -> None:
    """The README's table is what users read first: every bound key is in it, as typed."""
    import re

    from tuireader.tui.keys import KEYS, key_glyphs

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Keys in the reader", 1)[1].split("\n\n")[2]
    cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    written = {key for cell in cells for key in re.findall(r"`([^`]+)`", cell)}
    written |= {part for key in list(written) for part in key.split("/")}
    for spec in KEYS:
        for key in key_glyphs(spec.keys).split(", "):
            assert key in written, f"{key} ({spec.action}) is missing from README's key table"
