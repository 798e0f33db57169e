"""A CLI search trusts the folders' times instead of walking the library (search.freshness),
and still never shows a stale hit or misses an added, removed or renamed file."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cli_helpers import run_cli
from tuireader.search import SearchService, freshness

OLD = time.time() - 3600  # folder times well outside the racy window


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def age_folders(root: Path) -> None:
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, (OLD, OLD))


def in_place(path: Path, text: str) -> None:
    """Rewrite a file as `echo > file` does: its folder's time stays as it was."""
    folder = path.parent.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))


@pytest.fixture
def lib(tmp_path: Path) -> tuple[Path, SearchService]:
    root = tmp_path / "lib"
    write(root, "a.txt", "Alpha\n\nThe alpha article about harbours.\n")
    write(root, "sub/b.md", "# Beta\n\nThe beta article about ferries.\n")
    age_folders(root)
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    return root, svc


def no_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("walked the library")

    monkeypatch.setattr("tuireader.search.service.walk_library", refuse)


def test_an_unchanged_library_is_known_fresh_without_a_walk(lib, monkeypatch) -> None:
    _root, svc = lib
    no_walk(monkeypatch)
    assert not svc.stale(quick=True)


@pytest.mark.parametrize("change", ["add", "remove", "rename", "add in a subfolder", "new folder"])
def test_a_file_added_removed_or_renamed_makes_the_quick_check_walk(lib, change) -> None:
    root, svc = lib
    if change == "add":
        write(root, "c.txt", "Gamma\n\nNew.\n")
    elif change == "remove":
        (root / "a.txt").unlink()
    elif change == "rename":
        (root / "sub/b.md").rename(root / "sub/b2.md")
    elif change == "add in a subfolder":
        write(root, "sub/c.txt", "Gamma\n\nNew.\n")
    else:
        write(root, "sub/deeper/c.txt", "Gamma\n\nNew.\n")
    assert svc.stale(quick=True)


def test_a_file_rewritten_in_place_is_caught_among_the_hits(lib, monkeypatch) -> None:
    root, svc = lib
    in_place(root / "a.txt", "Alpha revised\n\nThe alpha article, longer now, about harbours.\n")
    assert not svc.stale(quick=True)  # the folders cannot show it (search.freshness)
    assert not svc.changed_on_disk(["sub/b.md"])
    assert svc.changed_on_disk(["a.txt"])
    assert svc.stale(quick=True)  # the snapshot is forgotten: the next check walks


def test_the_snapshot_is_not_trusted_when_old_or_for_another_walk(lib, monkeypatch) -> None:
    root, svc = lib
    real = time.time_ns
    monkeypatch.setattr(freshness.time, "time_ns", lambda: real() + int(200e9))
    assert freshness.FULL_WALK_AFTER < 200
    assert not freshness.unchanged(root, freshness.load(svc.cache_dir), svc.catalog.walk_digest())
    monkeypatch.setattr(freshness.time, "time_ns", real)
    assert freshness.unchanged(root, freshness.load(svc.cache_dir), svc.catalog.walk_digest())
    assert not freshness.unchanged(root, freshness.load(svc.cache_dir), "another digest")


def test_a_folder_changed_just_before_the_walk_is_walked_again(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write(root, "a.txt", "Alpha\n\nThe alpha article.\n")  # its folder's time is now: racy
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    snapshot = freshness.load(svc.cache_dir)
    assert snapshot is not None and snapshot.folders[""] is None
    assert not freshness.unchanged(root, snapshot, svc.catalog.walk_digest())


def test_cli_search_finds_added_files_and_shows_a_rewritten_hit_fresh(lib, monkeypatch) -> None:
    root, _svc = lib
    monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent / "xdg-cache"))
    first = run_cli("--library", str(root), "search", "harbours", "--plain")
    assert "Alpha" in first.stdout
    write(root, "sub/c.txt", "Gamma harbours\n\nHarbours again.\n")
    second = run_cli("--library", str(root), "search", "harbours", "--plain")
    assert "Gamma harbours" in second.stdout
    age_folders(root)
    run_cli("--library", str(root), "index")  # a walk that trusts the aged folders
    in_place(root / "a.txt", "Alpha revised\n\nThe alpha article about harbours, again.\n")
    third = run_cli("--library", str(root), "search", "harbours", "--plain")
    assert "Alpha revised" in third.stdout and "\tAlpha\t" not in third.stdout


def found(root: Path, *args: str) -> list[str]:
    return [
        h["path"]
        for h in json.loads(run_cli("--library", str(root), *args, "--json").stdout)["hits"]
    ]


def test_cli_search_drops_a_removed_file_and_follows_a_renamed_one(lib, monkeypatch) -> None:
    root, _svc = lib
    monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent / "xdg-cache"))
    assert found(root, "search", "ferries") == ["sub/b.md"]
    assert found(root, "search", "harbours") == ["a.txt"]  # the snapshot is now kept
    (root / "sub/b.md").rename(root / "sub/renamed.md")
    assert found(root, "search", "ferries") == ["sub/renamed.md"]
    (root / "a.txt").unlink()
    assert found(root, "search", "harbours") == []


def test_cli_related_reads_a_rewritten_article_again(lib, monkeypatch) -> None:
    root, _svc = lib
    monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent / "xdg-cache"))
    write(root, "c.txt", "Gamma\n\nThe gamma article about lighthouses.\n")
    for name in "efgh":
        write(root, f"{name}.txt", f"Filler {name}\n\nThe {name} article about nothing much.\n")
    age_folders(root)
    run_cli("--library", str(root), "index")
    assert "c.txt" not in found(root, "related", "a.txt")
    in_place(root / "a.txt", "Alpha\n\nThe alpha article about lighthouses.\n")
    assert found(root, "related", "a.txt") == ["c.txt"]
