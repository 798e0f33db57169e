"""Temporary files of writes killed half-way (issue 21 item 10, found again by
bench/kill_loop.py --target import-articles / feed-update): the next import or feed save
removes them; a temporary file whose writer is still alive is left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import run_cli
from tuireader.annotations.atomic import remove_dead_temps
from tuireader.config import AppPaths
from tuireader.ingest.feeds.subscriptions import Subscriptions

# A child that dies (or is killed) in the middle of write_atomically: fsync never returns.
HALF_WRITE = r"""
import os, sys, time
from pathlib import Path
from tuireader.annotations import atomic
def stuck(fd):
    print("writing", flush=True)
    time.sleep(120)
atomic.os.fsync = stuck
atomic.write_atomically(Path(sys.argv[1]), "half " * 1000)
"""


def old(path: Path, text: str | None = None) -> Path:
    """The file (written with `text` first, when given) as last changed an hour ago."""
    if text is not None:
        path.write_text(text)
    stamp = time.time() - 3600
    os.utime(path, (stamp, stamp))
    return path


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def test_a_live_writers_temp_is_kept_and_a_killed_ones_removed(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    child = subprocess.Popen(
        [sys.executable, "-c", HALF_WRITE, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        (name,) = temps(tmp_path)
        old(tmp_path / name)
        assert remove_dead_temps(tmp_path, min_age=0) == 0  # its writer holds the lock
        assert temps(tmp_path) == [name]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert remove_dead_temps(tmp_path, min_age=0) == 1
    assert temps(tmp_path) == [] and not target.exists()


def test_a_fresh_temp_and_other_hidden_files_are_kept(tmp_path: Path) -> None:
    fresh = tmp_path / ".page.html.abcd1234.tmp"
    fresh.write_text("being written")
    own = old(tmp_path / ".notes.tmp", "mine")  # not write_atomically's shape: someone else's
    assert remove_dead_temps(tmp_path) == 0
    assert fresh.exists() and own.exists()


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


def test_the_next_import_removes_what_a_killed_import_left(lib: Path, tmp_path: Path) -> None:
    left = []
    for folder in ("imported/wallabag/river.example", "saved/river.example", "books"):
        (lib / folder).mkdir(parents=True)
        left.append(old(lib / folder / ".2024-01-01-entry.html.k9x_2abc.tmp", "<p>half a pa"))
    mine = old(lib / "books" / ".my-notes.tmp", "mine")  # not an interrupted write: kept
    entry = {"id": 1, "is_archived": 0, "title": "Ferry times", "url": "https://river.example/ferry",
             "content": "<p>The ferry leaves at nine and again at noon every day.</p>" * 5}  # fmt: skip
    export = tmp_path / "wallabag.json"
    export.write_text(json.dumps([entry]), encoding="utf-8")
    result = run_cli("--library", str(lib), "import-articles", "--no-index", str(export))
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in left) and mine.exists()
    assert len(list((lib / "imported" / "wallabag").rglob("*.html"))) == 1


def test_a_feed_save_removes_a_killed_saves_temp(lib: Path) -> None:
    path = AppPaths.from_environment().feeds_file(lib)
    subs = Subscriptions(path)
    subs.add("https://river.example/feed.xml", "River")
    subs.save()
    stale = old(path.parent / f".{path.name}.q1w2e3r4.tmp", '{"feeds": [')
    subs.add("https://hill.example/feed.xml", "Hill")
    subs.save()
    assert not stale.exists()
    assert {f.name for f in Subscriptions(path).feeds} == {"river", "hill"}
