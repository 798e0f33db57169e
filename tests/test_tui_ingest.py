"""In the reader: `U` updates the feeds, `A` saves a page by URL, the list filters by feed
(feeds and pages served from 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from local_web import LocalWeb, Route, serve
from test_feeds import ATOM, RSS2
from test_ingest_http import ARTICLE
from tui_helpers import make_app, wait_for, wait_until_listed
from tuireader.cli import cli
from tuireader.tui.widgets import ArticleList

pytestmark = pytest.mark.anyio
FIXTURE_ARTICLES = 6


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


def cli_run(library: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["--library", str(library), *args])
    assert result.exit_code == 0, result.output


async def test_U_updates_the_feeds_and_the_list_shows_them(web: LocalWeb, library: Path) -> None:
    web.routes["/valley.xml"] = Route(RSS2.encode(), content_type="application/rss+xml")
    cli_run(library, "feed", "add", "--no-update", web.url("/valley.xml"))
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, FIXTURE_ARTICLES)
        screen = pilot.app.screen
        await pilot.press("U")
        await wait_until_listed(pilot, FIXTURE_ARTICLES + 2)
        titles = {row.title for row in screen.query_one(ArticleList).rows}
        assert "Footbridge to be repaired" in titles
        assert "/valley.xml" in web.paths_requested()


async def test_A_asks_for_a_url_and_saves_the_page(web: LocalWeb, library: Path) -> None:
    web.routes["/weir"] = Route(ARTICLE)
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, FIXTURE_ARTICLES)
        screen = pilot.app.screen
        await pilot.press("A")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NotePrompt")
        await pilot.press(*web.url("/weir"), "enter")
        await wait_until_listed(pilot, FIXTURE_ARTICLES + 1)
        titles = {row.title for row in screen.query_one(ArticleList).rows}
        assert "The weir at Coldharbour" in titles
        assert (library / "saved/river.example/2024-05-14-the-weir-at-coldharbour.html").is_file()


async def test_A_with_a_page_that_fails_says_so_and_writes_nothing(
    web: LocalWeb, library: Path
) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, FIXTURE_ARTICLES)
        await pilot.press("A")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NotePrompt")
        await pilot.press(*web.url("/missing"), "enter")
        await wait_for(pilot, lambda: any("404" in str(n.message) for n in app._notifications))
        assert not (library / "saved").exists()


async def test_the_list_filters_by_feed(web: LocalWeb, library: Path) -> None:
    web.routes["/valley.xml"] = Route(RSS2.encode(), content_type="application/rss+xml")
    web.routes["/journal.xml"] = Route(ATOM.encode(), content_type="application/atom+xml")
    cli_run(library, "feed", "add", web.url("/valley.xml"))
    cli_run(library, "feed", "add", web.url("/journal.xml"))
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, FIXTURE_ARTICLES + 3)
        screen = pilot.app.screen
        await pilot.press("f")
        await wait_for(pilot, lambda: app.screen is not screen)
        choice = app.screen.query_one("#feed")
        labels = [(str(label), name) for label, name in choice._options if name is not choice.NULL]
        # the feeds by title (issue 20), with their unread counts
        assert labels == [
            ("Field Journal · 1 unread", "field-journal"),
            ("Valley Notes · 2 unread", "valley-notes"),
        ]
        choice.value = "valley-notes"
        await pilot.click("#ok")
        await wait_for(pilot, lambda: screen.query_one(ArticleList).row_count == 2)
        assert all(e.path.startswith("feeds/valley-notes/") for e in screen.list_state.shown)
        await pilot.press("slash", *"council")  # a search keeps the feed filter
        await wait_for(pilot, lambda: screen.list_state.shown_query == "council")
        assert screen.list_state.shown
        assert all(e.path.startswith("feeds/valley-notes/") for e in screen.list_state.shown)
