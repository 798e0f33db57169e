"""The live library in a running reader (issue 20): articles added, edited or removed by
another process show without a key, the cursor and the open article kept; `r` says what
it found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from test_tui_flows import ready
from tui_helpers import make_app, wait_for
from tuireader.library import live
from tuireader.tui.widgets import ArticleList

pytestmark = pytest.mark.anyio

LIGHTHOUSE = "Lighthouse keepers return\n\nThe lamp at the point is tended by hand again.\n"


def titles(screen) -> list[str]:
    return [row.title for row in screen.query_one(ArticleList).rows]


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def other_process(library: Path, *args: str) -> None:
    """`tuireader ARGS` in a process of its own, as from another terminal."""
    done = subprocess.run(
        [sys.executable, "-m", "tuireader", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("mode", ["auto", "poll"])
async def test_a_file_another_process_adds_shows_without_a_key(
    library: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv(live.WATCH_ENV, mode)
    app = make_app(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j")  # the cursor on the third row, the article open
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.reader_state.article is not None)
        opened = screen.reader_state.article.id
        cursor = screen.query_one(ArticleList).cursor_row.id
        (library / "news" / "lighthouse.txt").write_text(LIGHTHOUSE, encoding="utf-8")
        await wait_for(pilot, lambda: "Lighthouse keepers return" in titles(screen), 10)
        assert screen.query_one(ArticleList).cursor_row.id == cursor
        assert screen.reader_state.article.id == opened
        assert screen.library.live is not None
        assert screen.library.live.how == ("watchfiles" if mode == "auto" else "polling")
        await wait_for(pilot, lambda: any("Library: 1 new" in s for s in said(app)))


async def test_articles_another_command_indexed_itself_show_too(library: Path) -> None:
    """`tuireader index` (as `add`, `feed update`, `import-articles` end) has brought the
    catalog up to date before the reader looks: its generation tells the reader."""
    app = make_app(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await ready(pilot)
        (library / "news" / "tram.txt").unlink()
        (library / "news" / "lighthouse.txt").write_text(LIGHTHOUSE, encoding="utf-8")
        other_process(library, "index")
        await wait_for(pilot, lambda: "Lighthouse keepers return" in titles(screen), 10)
        await wait_for(pilot, lambda: len(screen.list_state.entries) == 6)
        assert not any("tram" in t.lower() for t in titles(screen))


async def test_r_says_what_it_found(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(live.WATCH_ENV, "off")  # only `r` looks
    app = make_app(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await ready(pilot)
        await pilot.press("r")
        await wait_for(
            pilot, lambda: any("Library: nothing new (6 articles)" in s for s in said(app))
        )
        (library / "news" / "lighthouse.txt").write_text(LIGHTHOUSE, encoding="utf-8")
        (library / "news" / "harbour.txt").write_text(
            "Harbour dredged\n\nThe channel is deep again.\n", encoding="utf-8"
        )
        ferry = library / "news" / "ferry.txt"
        ferry.write_text(ferry.read_text(encoding="utf-8") + "\nA late line.\n", encoding="utf-8")
        app.clear_notifications()
        assert "Lighthouse keepers return" not in titles(screen)  # nothing without a key
        await pilot.press("r")
        await wait_for(pilot, lambda: any("Library: 2 new, 1 changed" in s for s in said(app)))
        assert "Lighthouse keepers return" in titles(screen)
