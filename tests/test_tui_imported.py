"""An article imported from a read-later export opens in the reader with its highlight drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_helpers import make_app, wait_for, wait_until_listed
from tuireader.cli import cli
from tuireader.tui.widgets import ReaderView

pytestmark = pytest.mark.anyio
WALLABAG = Path(__file__).parent / "fixtures" / "exports" / "wallabag.json"


async def test_imported_highlight_is_drawn(library: Path) -> None:
    result = CliRunner().invoke(cli, ["--library", str(library), "import-articles", str(WALLABAG)])
    assert result.exit_code == 0, result.output
    quote = "Couriers in the city prefer the lower bells"
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 7)  # the fixture's 6 and the imported one
        screen = pilot.app.screen
        await pilot.press("/")
        await pilot.press(*"couriers")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one("ArticleList").row_count == 1)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                screen.reader_state.article is not None
                and "Bells" in screen.reader_state.article.title
            ),
        )
        reader = screen.query_one(ReaderView)
        await wait_for(pilot, lambda: bool(reader._highlights))
        body = screen.reader_state.article.body
        (span,) = reader._highlights
        assert body[span.start : span.end] == quote
        listed = json.loads(CliRunner().invoke(cli, ["--library", str(library), "highlight", "list", "--json"]).output)  # fmt: skip
        assert [h["quote"] for h in listed] == [quote]
