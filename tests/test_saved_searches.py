"""Saved searches: the file (storage/saved_searches.py), the CLI and the reader's S / ctrl+s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_helpers import listed, make_app, search_for, wait_for
from tuireader.cli import cli
from tuireader.config import AppPaths
from tuireader.storage import saved_searches as saved
from tuireader.storage.saved_searches import SavedSearch, SavedSearchError


def test_add_replace_find_remove(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    assert saved.load(path) == []
    saved.add(path, SavedSearch("Ferries", "ferry", sort="date"))
    saved.add(path, SavedSearch("  Mine\x1b[31m ", "", bookmarked=True))
    kept = saved.add(path, SavedSearch("ferries", "ferry OR tram"))  # same name, any case
    assert [(s.name, s.query) for s in kept] == [("ferries", "ferry OR tram"), ("Mine", "")]
    assert saved.load(path) == kept
    assert saved.find(kept, "2") == kept[1] and saved.find(kept, "MINE") == kept[1]
    assert saved.remove(path, "1") == kept[0]
    assert [s.name for s in saved.load(path)] == ["Mine"]
    assert saved.remove(path, "nothing") is None


@pytest.mark.parametrize(
    ("search", "says"),
    [
        (SavedSearch("", "x"), "needs a name"),
        (SavedSearch("n" * 61, "x"), "longer than 60"),
        (SavedSearch("a", "x", sort="size"), "unknown sort"),
        (SavedSearch("a", "   "), "nothing to save"),
    ],
)
def test_bad_searches_are_refused(tmp_path: Path, search: SavedSearch, says: str) -> None:
    with pytest.raises(SavedSearchError, match=says):
        saved.add(tmp_path / "s.json", search)
    assert not (tmp_path / "s.json").exists()


def test_an_unreadable_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"searches": [{"name": "x", "query": 5}]}', encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(SavedSearchError, match="move it away"):
        saved.add(path, SavedSearch("y", "z"))
    assert path.read_bytes() == before


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args], catch_exceptions=False)


def test_cli_saved_add_list_run_remove(library: Path) -> None:
    assert run(library, "saved", "add", "Ferries", "ferry", "--sort", "date").exit_code == 0
    assert run(library, "saved", "add", "Marked", "--bookmarked").exit_code == 0
    listed = json.loads(run(library, "saved", "list", "--json").output)
    assert [(s["number"], s["name"], s["sort"]) for s in listed] == [
        (1, "Ferries", "date"),
        (2, "Marked", "relevance"),
    ]
    found = run(library, "saved", "run", "ferries", "--json")
    assert found.exit_code == 0, found.output
    direct = run(library, "search", "ferry", "--sort", "date", "--json")
    hits = json.loads(found.output)["hits"]
    assert "news/ferry.txt" in [h["path"] for h in hits]
    assert hits == json.loads(direct.output)["hits"]
    # the bookmarked filter comes from the annotation store
    assert run(library, "saved", "run", "2").exit_code == 1  # nothing bookmarked yet
    assert run(library, "bookmark", "add", "news/tram.txt").exit_code == 0
    marked = json.loads(run(library, "saved", "run", "2", "--json").output)
    assert [h["path"] for h in marked["hits"]] == ["news/tram.txt"]
    assert run(library, "saved", "remove", "Ferries").exit_code == 0
    missing = run(library, "saved", "run", "Ferries")
    assert missing.exit_code == 1 and "no saved search" in missing.output


@pytest.mark.anyio
async def test_reader_saves_and_runs_a_search(library: Path) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, article_list = await listed(pilot)
        await search_for(pilot, "ferry")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+u", *"Boats", "enter")
        path = AppPaths.from_environment().saved_searches_file
        await wait_for(pilot, path.is_file)
        assert [(s.name, s.query) for s in saved.load(path)] == [("Boats", "ferry")]
        # back to the whole list, then S and 1 runs it
        await pilot.press("slash", "ctrl+u", "escape")
        await wait_for(pilot, lambda: article_list.row_count == 6)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("1")
        await wait_for(pilot, lambda: screen.list_state.shown_query == "ferry")
        assert screen.search_bar.value == "ferry"
        paths = {screen.list_state.entries[r.id].path for r in article_list.rows}
        assert "news/ferry.txt" in paths and "news/tram.txt" not in paths
        # d forgets it
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("d")
        await wait_for(pilot, lambda: saved.load(path) == [])
