"""The folder walk behind the freshness check: what it lists, in which order, with which stat."""

from __future__ import annotations

import os
from pathlib import Path

from tuireader.articles.scan import FileEntry, walk_library


def touch(root: Path, rel: str, text: str = "Title\n\nBody.\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_lists_article_files_sorted_with_their_stat(tmp_path: Path) -> None:
    for rel in ("b.txt", "a.md", "z/c.HTML", "m/n/d.markdown", "m/e.htm", "f.TXT", "g.text"):
        touch(tmp_path, rel)
    found = list(walk_library(tmp_path))
    assert all(isinstance(f, FileEntry) for f in found)
    # files of a folder first, then its sub-folders, each in name order
    assert [f.relpath for f in found] == [
        "a.md",
        "b.txt",
        "f.TXT",
        "g.text",
        "m/e.htm",
        "m/n/d.markdown",
        "z/c.HTML",
    ]
    for f in found:
        st = os.stat(tmp_path / f.relpath)
        assert f.abspath == str(tmp_path / f.relpath)
        assert (f.size, f.mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_ignores_hidden_temporary_and_non_article_files(tmp_path: Path) -> None:
    touch(tmp_path, "keep.txt")
    for rel in (
        ".hidden/secret.txt",
        ".dotfile.txt",
        "~lock.txt",
        "draft.txt.swp",
        "partial.tmp",
        "image.png",
        "noext",
        "trailingdot.",
        "sub/.cache/x.md",
        "archive.txt.gz",
    ):
        touch(tmp_path, rel)
    assert [f.relpath for f in walk_library(tmp_path)] == ["keep.txt"]


def test_symlink_loops_and_twice_linked_folders_are_walked_once(tmp_path: Path) -> None:
    touch(tmp_path, "real/a.txt")
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "link.txt").symlink_to(tmp_path / "real" / "a.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    found = [f.relpath for f in walk_library(tmp_path)]
    # "alias" sorts before "real": the folder is listed once, under the first name met
    assert found == ["link.txt", "alias/a.txt"]


def test_a_missing_or_unreadable_root_yields_nothing(tmp_path: Path) -> None:
    assert list(walk_library(tmp_path / "nope")) == []
    touch(tmp_path, "file.txt")
    assert list(walk_library(tmp_path / "file.txt")) == []
