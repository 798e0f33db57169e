"""Concurrent feed commands (issue 21): the subscription file is changed by a locked
read-modify-write, so no command loses another's change, two updates of one feed do not
both count its entries, and a killed update leaves no temporary file behind for good."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from cli_helpers import run_cli
from local_web import LocalWeb, Route, serve
from test_feeds import P1, P2
from tuireader.config import AppPaths


def rss(count: int) -> bytes:
    items = "".join(
        f"<item><title>Entry {i}</title><guid>e-{i}</guid>"
        f"<description><![CDATA[<p>{P1}</p><p>{P2}</p>]]></description></item>"
        for i in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


def feeds(lib: Path) -> dict[str, dict]:
    path = AppPaths.from_environment().feeds_file(lib)
    return {f["name"]: f for f in json.loads(path.read_text(encoding="utf-8"))["feeds"]}


def start(lib: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--library", str(lib), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_add_and_remove_during_an_update_are_kept(web: LocalWeb, lib: Path) -> None:
    release = threading.Event()
    asked = threading.Event()

    def slow_feed(handler: BaseHTTPRequestHandler) -> None:
        asked.set()
        release.wait(20)
        body = rss(3)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("ETag", '"slow1"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    web.routes["/slow.xml"] = Route(handler=slow_feed)
    web.routes["/other.xml"] = Route(rss(2), content_type="application/rss+xml")
    web.routes["/new.xml"] = Route(rss(1), content_type="application/rss+xml")
    for path in ("/slow.xml", "/other.xml"):
        assert (
            run_cli("--library", str(lib), "feed", "add", "--no-update", web.url(path)).returncode
            == 0
        )
    update = start(lib, "feed", "update")
    try:
        assert asked.wait(20), "the update never asked for the slow feed"
        assert run_cli("--library", str(lib), "feed", "remove", "127-0-0-1-other").returncode == 0
        added = run_cli("--library", str(lib), "feed", "add", "--no-update", web.url("/new.xml"))
        assert added.returncode == 0
    finally:
        release.set()
        _out, err = update.communicate(timeout=60)
    assert update.returncode == 0, err
    state = feeds(lib)
    assert sorted(state) == ["127-0-0-1-new", "127-0-0-1-slow"]  # removed stays removed
    assert (
        state["127-0-0-1-slow"]["etag"] == '"slow1"' and len(state["127-0-0-1-slow"]["seen"]) == 3
    )
    assert "/other.xml" not in web.paths_requested()


def test_two_updates_of_one_feed_count_each_entry_once(web: LocalWeb, lib: Path) -> None:
    web.routes["/f.xml"] = Route(
        rss(40), content_type="application/rss+xml", etag='"f1"', delay=0.5
    )
    assert (
        run_cli("--library", str(lib), "feed", "add", "--no-update", web.url("/f.xml")).returncode
        == 0
    )
    runs = [start(lib, "feed", "update"), start(lib, "feed", "update")]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    new = [int(m) for _out, err in outputs for m in re.findall(r"(\d+) new", err)]
    assert sum(new) == 40, outputs
    state = feeds(lib)["127-0-0-1-f"]
    assert len(state["seen"]) == 40 and state["etag"] == '"f1"'
    assert len(list((lib / "feeds" / "127-0-0-1-f").glob("*.html"))) == 40


def test_a_killed_update_leaves_no_temporary_file_for_good(web: LocalWeb, lib: Path) -> None:
    web.routes["/f.xml"] = Route(rss(2), content_type="application/rss+xml")
    assert run_cli("--library", str(lib), "feed", "add", web.url("/f.xml")).returncode == 0
    (folder,) = (lib / "feeds").iterdir()  # the feed's one folder, whatever its name
    # what write_atomically leaves when the process is killed between write and rename
    stale = folder / ".undated-entry-0.html.k3j_9xq2.tmp"
    stale.write_text("half a page", encoding="utf-8")
    mine = folder / ".notes.tmp"  # not one of ours: left alone
    mine.write_text("x", encoding="utf-8")
    assert run_cli("--library", str(lib), "feed", "update").returncode == 0
    assert not stale.exists() and mine.exists()
    assert len(list(folder.glob("*.html"))) == 2


def test_a_kill_9_during_updates_loses_nothing_saved(web: LocalWeb, lib: Path) -> None:
    web.routes["/a.xml"] = Route(rss(30), content_type="application/rss+xml", etag='"a"')
    web.routes["/b.xml"] = Route(rss(30), content_type="application/rss+xml", delay=30)
    for path in ("/a.xml", "/b.xml"):
        assert (
            run_cli("--library", str(lib), "feed", "add", "--no-update", web.url(path)).returncode
            == 0
        )
    update = start(lib, "feed", "update")
    deadline = time.monotonic() + 30
    while "/b.xml" not in web.paths_requested() and time.monotonic() < deadline:
        time.sleep(0.05)
    update.kill()
    update.communicate()
    state = feeds(lib)  # feed a finished before the kill: its state was saved then
    assert state["127-0-0-1-a"]["etag"] == '"a"' and len(state["127-0-0-1-a"]["seen"]) == 30
