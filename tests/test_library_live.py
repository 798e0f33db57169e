"""The live library's core: the catalog generation, the folder watch (watchfiles and the
polling fallback) and what a reload changed."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tuireader.library import live
from tuireader.library.live import LibraryDelta, LibraryWatch, LiveChange, snapshot, what_changed
from tuireader.search import SearchService
from tuireader.search.catalog import Catalog, read_generation

ARTICLE = "# {title}\n\nThe harbour ferry leaves at {time} every morning, in all weathers.\n"


def write(root: Path, rel: str, title: str = "Ferry", time_: str = "six") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(title=title, time=time_), encoding="utf-8")
    return path


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[SearchService]:
    root = tmp_path / "lib"
    root.mkdir()
    write(root, "one.md", "One")
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1, index=False)
    yield svc
    svc.close()


# -- the catalog generation -------------------------------------------------------------


def test_the_generation_rises_when_articles_change_and_only_then(
    service: SearchService,
) -> None:
    path = service.cache_dir / "catalog.sqlite3"
    first = read_generation(path)
    assert first is not None and first >= 1
    service.refresh(processes=1, index=False)  # nothing changed
    assert read_generation(path) == first
    service.refresh(processes=1)  # only the index catches up: the articles are the same
    assert read_generation(path) == first
    write(service.library_root, "two.md", "Two")
    service.refresh(processes=1, index=False)
    second = read_generation(path)
    assert second is not None and second > first
    (service.library_root / "two.md").unlink()
    service.refresh(processes=1, index=False)
    third = read_generation(path)
    assert third is not None and third > second
    assert service.catalog.generation() == third


def test_a_missing_or_unreadable_catalog_has_no_generation(tmp_path: Path) -> None:
    assert read_generation(tmp_path / "none.sqlite3") is None
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 50)
    assert read_generation(tmp_path / "junk.sqlite3") is None


# -- the watch ----------------------------------------------------------------------------


@contextmanager
def watching(watch: LibraryWatch) -> Iterator[queue.Queue[LiveChange]]:
    found: queue.Queue[LiveChange] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        for change in watch.changes(stop):
            found.put(change)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.3)  # the watcher starts
    try:
        yield found
    finally:
        stop.set()
        thread.join(5)
        assert not thread.is_alive(), "the watch did not stop"


def next_change(found: queue.Queue[LiveChange], within: float = 3.0) -> LiveChange:
    return found.get(timeout=within)


@pytest.mark.parametrize("mode", ["auto", "poll"])
def test_a_file_added_or_edited_by_anyone_is_seen_within_two_seconds(
    service: SearchService, mode: str
) -> None:
    watch = LibraryWatch(service.library_root, service.cache_dir / "catalog.sqlite3", mode=mode)
    with watching(watch) as found:
        started = time.monotonic()
        write(service.library_root, "sub/new.md", "New")
        change = next_change(found)
        assert change.files
        assert time.monotonic() - started < 2.0
        assert watch.how == ("watchfiles" if mode == "auto" else "polling")
        write(service.library_root, "one.md", "One", time_="seven")
        assert next_change(found).files


def test_hidden_files_and_editor_scratch_files_are_not_changes(service: SearchService) -> None:
    watch = LibraryWatch(service.library_root, service.cache_dir / "catalog.sqlite3", mode="auto")
    with watching(watch) as found:
        write(service.library_root, ".hidden/a.md")
        (service.library_root / "one.md.swp").write_text("x")
        (service.library_root / "one.md~").write_text("x")
        with pytest.raises(queue.Empty):
            next_change(found, within=1.5)


def test_articles_another_process_stored_show_by_the_generation(service: SearchService) -> None:
    """`tuireader add` indexes what it saved itself: the folder change and then the catalog's
    new generation both arrive, the last with the number to compare."""
    watch = LibraryWatch(service.library_root, service.cache_dir / "catalog.sqlite3", mode="off")
    assert list(watch.changes(threading.Event())) == []  # off: nothing, at once
    watch = LibraryWatch(service.library_root, service.cache_dir / "catalog.sqlite3", mode="poll")
    other = Catalog(service.cache_dir / "catalog.sqlite3")
    with watching(watch) as found:
        before = other.generation()
        other.clear()  # any store that changes articles raises it
        change = next_change(found)
        assert change.generation == before + 1
    other.close()


def test_without_a_working_watcher_it_falls_back_to_polling(tmp_path: Path) -> None:
    root = tmp_path / "not-yet"  # watchfiles cannot watch a folder that is not there
    watch = LibraryWatch(root, tmp_path / "catalog.sqlite3", mode="auto")
    with watching(watch) as found:
        write(root, "a.md")
        assert next_change(found).files
        assert watch.how == "polling"
        assert watch.fallback_reason


def test_the_environment_chooses_the_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(live.WATCH_ENV, "POLL")
    assert LibraryWatch(tmp_path, tmp_path / "c").mode == "poll"
    monkeypatch.setenv(live.WATCH_ENV, "nonsense")
    assert LibraryWatch(tmp_path, tmp_path / "c").mode == "auto"


# -- what a reload changed ----------------------------------------------------------------


def test_what_changed_tells_new_edited_moved_and_removed(service: SearchService) -> None:
    root = service.library_root
    write(root, "keep.md", "Keep")
    write(root, "edit.md", "Edit")
    write(root, "gone.md", "Gone", time_="nine")
    write(root, "move.md", "Move", time_="ten")
    service.refresh(processes=1, index=False)
    before = snapshot({e.id: e for e in service.entries()})
    write(root, "edit.md", "Edit", time_="eleven")
    (root / "gone.md").unlink()
    (root / "move.md").rename(root / "moved.md")
    write(root, "new1.md", "New one", time_="noon")
    write(root, "new2.md", "New two", time_="midnight")
    service.refresh(processes=1, index=False)
    after = {e.id: e for e in service.entries()}
    delta = what_changed(before, after)
    by_path = {e.path: e.id for e in after.values()}
    assert sorted(delta.added) == sorted([by_path["new1.md"], by_path["new2.md"]])
    assert delta.changed == (by_path["edit.md"],)
    assert len(delta.removed) == 1 and delta.removed[0] not in after
    assert [new for _old, new in delta.moved] == [by_path["moved.md"]]
    assert delta.describe() == "2 new, 1 changed, 1 moved, 1 removed"
    assert what_changed(snapshot(after), after).describe() == "nothing changed"
    assert LibraryDelta(added=("a",) * 1200).describe() == "1,200 new"


def test_a_watcher_that_fails_to_start_falls_back_to_polling(
    service: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def limit_reached(self: LibraryWatch, stop: object) -> Iterator[set[object]]:
        raise OSError("OS file watch limit reached")

    monkeypatch.setattr(LibraryWatch, "_watchfiles", limit_reached)
    watch = LibraryWatch(service.library_root, service.cache_dir / "catalog.sqlite3", mode="auto")
    with watching(watch) as found:
        write(service.library_root, "b.md", "B")
        assert next_change(found).files
    assert watch.how == "polling"
    assert "limit" in watch.fallback_reason
