"""Two tuireaders on one library at once: the reader (TUI) and a second process (the CLI).

Both read, both index, both bookmark: no lock error reaches either, no annotation is lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from test_tui_flows import ready, store_for
from test_tui_untrusted import capture_notifications
from tui_helpers import make_app, wait_for
from tuireader.tui.widgets import ArticleList

pytestmark = pytest.mark.anyio
REPO = Path(__file__).resolve().parent.parent


async def cli(library: Path, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tuireader",
        "--library",
        str(library),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ.copy(),
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def second_instance(library: Path, paths: list[str]) -> list[tuple[int, str, str]]:
    """What a second tuireader does meanwhile: rebuild, search, bookmark, list."""
    results = [await cli(library, "index", "--rebuild", "--progress", "none")]
    for path in paths:
        results.append(await cli(library, "search", "harbour OR bread", "--json"))
        results.append(await cli(library, "bookmark", "add", path, "--note", "from the cli"))
    results.append(await cli(library, "bookmark", "list", "--json"))
    return results


async def test_reader_and_cli_at_once(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(REPO / "library", library)
    files = sorted(p.relative_to(library).as_posix() for p in library.rglob("*") if p.is_file())
    cli_paths = files[:5]

    app = make_app(library)
    messages = capture_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        other = asyncio.ensure_future(second_instance(library, cli_paths))
        screen = await ready(pilot, count=len(files))
        article_list = screen.query_one(ArticleList)
        tui_ids = []
        while len(tui_ids) < 5:  # bookmark five other articles, walking down the list
            row = article_list.cursor_row
            if screen.list_state.entries[row.id].path not in cli_paths:
                tui_ids.append(row.id)
                await pilot.press("b")
                await wait_for(
                    pilot,
                    lambda r=row.id: (
                        screen.list_state.marks.get(r) and screen.list_state.marks[r].bookmarked
                    ),
                )
            await pilot.press("j")
        await pilot.press("slash", *"harbour")
        await wait_for(
            pilot,
            lambda: screen.list_state.shown_query == "harbour" and screen.list_state.total > 0,
        )
        results = await asyncio.wait_for(other, 120)
        await pilot.press("r")  # the reader re-scans while nothing else writes
        await wait_for(
            pilot, lambda: not screen.index_state.status and not screen.index_state.running
        )

    for code, _out, err in results:
        assert code in (0, 1), err
        assert "Traceback" not in err and "LockError" not in err, err
    searches = [json.loads(out) for _, out, _ in results if out.lstrip().startswith("{")]
    searches = [s for s in searches if "query" in s]
    # mid-build a search answers from what is indexed so far (maybe nothing yet): it must
    # still be a well-formed answer, never an error
    assert len(searches) == len(cli_paths)
    assert all(isinstance(s["hits"], list) and s["total"] >= len(s["hits"]) for s in searches)
    code, out, err = await cli(library, "search", "harbour OR bread", "--json")
    assert code == 0 and json.loads(out)["total"] >= 2, err
    assert not [m for m in messages if "lock" in m.casefold() or "failed" in m.casefold()]

    store = store_for(library)
    by_path = {b.article.path: b for b in store.bookmarks()}
    store.close()
    assert set(cli_paths) <= set(by_path)
    assert all(by_path[p].note == "from the cli" for p in cli_paths)
    assert {b.article_id for b in by_path.values()} >= set(tui_ids)
