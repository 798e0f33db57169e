"""The unchanged-library shortcut: the catalog remembers the digest of the walk it matches."""

from __future__ import annotations

import os
from pathlib import Path

from tuireader.search import SearchService


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def library(tmp_path: Path) -> tuple[Path, SearchService]:
    root = tmp_path / "lib"
    write(root, "a.txt", "Alpha\n\nThe alpha article.\n")
    write(root, "sub/b.md", "# Beta\n\nThe beta article.\n")
    write(root, "empty.txt", "")
    svc = SearchService(root, tmp_path / "cache")
    return root, svc


def test_refresh_records_the_walk_and_an_unchanged_refresh_reports_the_same(
    tmp_path: Path,
) -> None:
    _root, svc = library(tmp_path)
    first = svc.refresh(processes=1)
    assert first.added == 2 and [p for p, _r in first.skipped] == ["empty.txt"]
    assert svc.catalog.walk_digest() is not None and not svc.stale()
    again = svc.refresh(processes=1)
    assert not again.changed and again.skipped == first.skipped


def test_every_kind_of_change_makes_the_library_stale(tmp_path: Path) -> None:
    root, svc = library(tmp_path)
    svc.refresh(processes=1)
    a = root / "a.txt"
    os.utime(a, ns=(1, 2_000_000_000))  # same size, new mtime
    assert svc.stale()
    assert svc.refresh(processes=1).updated == 1 and not svc.stale()
    write(root, "c.txt", "Gamma\n\nNew.\n")
    assert svc.stale()
    svc.refresh(processes=1)
    (root / "sub/b.md").rename(root / "sub/b2.md")
    assert svc.stale()
    assert len(svc.refresh(processes=1).moved) == 1 and not svc.stale()
    write(root, "empty.txt", "Now\n\nIt has a body.\n")
    assert svc.stale()
    assert svc.refresh(processes=1).updated == 0 and svc.search("body").total == 1


def test_a_catalog_without_a_digest_is_compared_row_by_row_then_remembered(
    tmp_path: Path,
) -> None:
    root, svc = library(tmp_path)
    svc.refresh(processes=1)
    svc.catalog.set_walk_digest(None)  # as an older version, or an interrupted update, left it
    assert not svc.stale()
    assert svc.catalog.walk_digest() is not None
    svc.catalog.set_walk_digest(None)
    write(root, "d.txt", "Delta\n\nChanged while unknown.\n")
    assert svc.stale() and svc.catalog.walk_digest() is None


def test_an_interrupted_update_is_not_mistaken_for_a_finished_one(tmp_path: Path) -> None:
    root, svc = library(tmp_path)
    svc.refresh(processes=1)
    before = svc.catalog.walk_digest()
    write(root, "e.txt", "Epsilon\n\nAdded.\n")
    svc.catalog.set_walk_digest(None)  # what refresh does before it stores the first batch
    (root / "e.txt").unlink()  # the folder is back as it was, the catalog state unknown
    assert not svc.stale()  # compared row by row: really unchanged
    assert svc.catalog.walk_digest() == before


def test_rebuild_forgets_and_records_the_digest_again(tmp_path: Path) -> None:
    _root, svc = library(tmp_path)
    svc.refresh(processes=1)
    digest = svc.catalog.walk_digest()
    summary = svc.refresh(processes=1, rebuild=True)
    assert summary.rebuilt and summary.added == 2
    assert svc.catalog.walk_digest() == digest and not svc.stale()
