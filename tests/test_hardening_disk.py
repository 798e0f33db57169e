"""Disk trouble on the CLI: read-only state dirs, a full disk, a library that is missing or
vanishes, an unreadable file. Each gives one clear line on stderr and a non-zero exit (or a
warning, for one file), never a traceback; the annotation DB passes integrity_check and
keeps everything committed before the trouble.

Permissions are real even when the tests run as root: the child drops CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH and CAP_FOWNER from its bounding set before exec, so root obeys modes.
A full disk is RLIMIT_FSIZE in the child (writes that grow a file fail with EFBIG).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuireader.articles import scan
from tuireader.cli import cli

ARTICLE = "Harbour Notes\n\nThe ferry leaves at six. The ferry returns at nine.\n"
_PR_CAPBSET_DROP = 24
_DAC_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _drop_dac_caps() -> None:
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DAC_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.fixture
def home(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "lib": tmp_path / "lib",
        "data": tmp_path / "data",
        "cache": tmp_path / "cache",
        "config": tmp_path / "config",
    }
    paths["lib"].mkdir()
    (paths["lib"] / "harbour.txt").write_text(ARTICLE)
    (paths["lib"] / "tides.txt").write_text("Tide Tables\n\nHigh water comes twice a day.\n")
    return paths


def run(
    home: dict[str, Path], *args: str, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home["data"]),
        "XDG_CACHE_HOME": str(home["cache"]),
        "XDG_CONFIG_HOME": str(home["config"]),
    }
    return subprocess.run(
        [sys.executable, "-m", "tuireader", "--library", str(home["lib"]), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=preexec,
        check=False,
    )


def _assert_clean_failure(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [x for x in proc.stderr.strip().splitlines() if not x.startswith("warning: ")]
    assert len(lines) == 1 and lines[0].startswith("tuireader: "), proc.stderr
    assert any(w in lines[0] for w in words), lines[0]


def _db(home: dict[str, Path]) -> Path:
    return home["data"] / "tuireader" / "annotations.sqlite3"


def _check_db(home: dict[str, Path], expected_ids: set[str]) -> None:
    conn = sqlite3.connect(_db(home))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {
            r[0] for r in conn.execute("SELECT id FROM bookmarks UNION SELECT id FROM highlights")
        }
    finally:
        conn.close()
    assert expected_ids <= ids


def _annotate(home: dict[str, Path]) -> set[str]:
    added = run(home, "bookmark", "add", "harbour.txt", "--note", "before the trouble")
    assert added.returncode == 0, added.stderr
    quote = run(home, "highlight", "add", "harbour.txt", "--quote", "returns at nine")
    assert quote.returncode == 0, quote.stderr
    return {added.stdout.split()[0], quote.stdout.split()[0]}


def test_unprivileged_child_really_obeys_modes(tmp_path: Path) -> None:
    """The premise of the read-only tests: without it they would pass vacuously as root."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    probe = subprocess.run(
        [sys.executable, "-c", f"open({str(locked / 'x')!r}, 'w')"],
        preexec_fn=_drop_dac_caps,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 1 and "PermissionError" in probe.stderr


def _make_read_only(dirs: list[Path]) -> Callable[[], None]:
    """chmod every file 0400 and folder 0500 under `dirs`; returns the undo."""
    files = [p for d in dirs for p in d.rglob("*") if p.is_file()]
    folders = [p for d in dirs for p in [d, *d.rglob("*")] if p.is_dir()]
    for path in files:
        path.chmod(0o400)
    for folder in sorted(folders, reverse=True):
        folder.chmod(0o500)

    def undo() -> None:
        for folder in folders:
            folder.chmod(0o700)
        for path in files:
            path.chmod(0o600)

    return undo


def test_read_only_data_and_cache_dirs(home: dict[str, Path], tmp_path: Path) -> None:
    """Reading still works (the cache moves to a temporary folder, removed at exit; the
    store opens read-only); changing anything fails in one line; nothing is lost."""
    ids = _annotate(home)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    os.environ["TMPDIR"] = str(scratch)  # the children's temporary folders go here
    undo = _make_read_only([home["data"] / "tuireader", home["cache"] / "tuireader"])
    try:
        add = run(home, "bookmark", "add", "tides.txt", preexec=_drop_dac_caps)
        _assert_clean_failure(add, "read-only")
        listed = run(home, "bookmark", "list", "--json", preexec=_drop_dac_caps)
        assert listed.returncode == 0, listed.stderr
        assert [b["note"] for b in json.loads(listed.stdout)] == ["before the trouble"]
        assert "using a temporary one" in listed.stderr and "Traceback" not in listed.stderr
        found = run(home, "search", "--json", "ferry", preexec=_drop_dac_caps)
        assert found.returncode == 0, found.stderr
        assert [h["path"] for h in json.loads(found.stdout)["hits"]] == ["harbour.txt"]
        exported = run(home, "export", preexec=_drop_dac_caps)
        assert exported.returncode == 0 and "> returns at nine" in exported.stdout
        (home["lib"] / "new.txt").write_text("New piece\n\nA ferry article added later.\n")
        proc = run(home, "index", preexec=_drop_dac_caps)
        _assert_clean_failure(proc, "read-only", "readonly", "permission", "cannot")
        assert list(scratch.iterdir()) == []  # every temporary cache was removed
    finally:
        del os.environ["TMPDIR"]
        undo()
    _check_db(home, ids)
    listed = json.loads(run(home, "bookmark", "list", "--json").stdout)
    assert {b["id"] for b in listed} <= ids and len(listed) == 1
    found = run(home, "search", "--json", "ferry")  # usable again, new file included
    assert {h["path"] for h in json.loads(found.stdout)["hits"]} == {"harbour.txt", "new.txt"}


_READER = r"""
import asyncio, json, sys
from pathlib import Path
from tuireader.config import AppPaths, Settings
from tuireader.cli.context import AppContext
from tuireader.tui.app import ReaderApp
from tuireader.tui.main_screen import MainScreen
from tuireader.tui.widgets import ArticleList

async def main():
    ctx = AppContext(library_option=sys.argv[1], echo_warnings=False)
    root = ctx.library_root
    notices = [ctx.cache_warning] if ctx.cache_warning else []
    app = ReaderApp(root, ctx.paths, Settings(), notices=notices)
    seen = []
    real = app.notify
    app.notify = lambda message, **kw: (seen.append(message), real(message, **kw))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(400):
            screen = app.screen
            if isinstance(screen, MainScreen) and screen.query_one(ArticleList).row_count == 2:
                if not screen.index_state.status:
                    break
            await pilot.pause(0.05)
        rows = app.screen.query_one(ArticleList).row_count
        await pilot.press("b")
        for _ in range(400):
            if any("read-only" in m for m in seen[len(notices):]):
                break
            await pilot.pause(0.05)
    print(json.dumps({"rows": rows, "messages": seen}))

asyncio.run(main())
"""


def test_reader_with_read_only_data_and_cache_dirs(home: dict[str, Path]) -> None:
    """The reader opens, lists and says why a bookmark cannot be saved."""
    _annotate(home)
    undo = _make_read_only([home["data"] / "tuireader", home["cache"] / "tuireader"])
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _READER, str(home["lib"])],
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_drop_dac_caps,
            env={
                **os.environ,
                "XDG_DATA_HOME": str(home["data"]),
                "XDG_CACHE_HOME": str(home["cache"]),
                "XDG_CONFIG_HOME": str(home["config"]),
            },
            check=False,
        )
    finally:
        undo()
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["rows"] == 2
    assert "using a temporary one" in result["messages"][0]
    assert any("cannot save" in m and "read-only" in m for m in result["messages"][1:])


def test_data_dir_that_is_a_file(home: dict[str, Path]) -> None:
    home["data"].mkdir()
    (home["data"] / "tuireader").write_text("not a folder")
    proc = run(home, "bookmark", "add", "harbour.txt")
    _assert_clean_failure(proc, "tuireader", "cannot", "exists", "directory")


def test_full_disk_while_writing(home: dict[str, Path], tmp_path: Path) -> None:
    ids = _annotate(home)
    assert run(home, "index").returncode == 0
    full = _limit_file_size(0)  # every write that grows a file fails (EFBIG)
    for args in (
        ("bookmark", "add", "tides.txt", "--note", "x" * 5000),
        ("highlight", "add", "tides.txt", "--quote", "twice a day"),
    ):
        _assert_clean_failure(run(home, *args, preexec=full), "full", "too large", "cannot")
    catalog = next(home["cache"].rglob("catalog.sqlite3"))
    kept = catalog.stat().st_ino, catalog.stat().st_size
    reads = {  # reading needs no disk space: the stores open read-only
        args: run(home, *args, preexec=full)
        for args in (("bookmark", "list", "--json"), ("search", "--json", "ferry"), ("export",))
    }
    assert all(p.returncode == 0 and not p.stderr for p in reads.values()), reads
    notes = [b["note"] for b in json.loads(reads["bookmark", "list", "--json"].stdout)]
    assert notes == ["before the trouble"]
    hits = json.loads(reads["search", "--json", "ferry"].stdout)["hits"]
    assert [h["path"] for h in hits] == ["harbour.txt"]
    assert "> returns at nine" in reads[("export",)].stdout
    assert (catalog.stat().st_ino, catalog.stat().st_size) == kept  # not discarded
    out = tmp_path / "export.md"
    proc = run(home, "export", "-o", str(out), preexec=full)
    _assert_clean_failure(proc, "cannot write", "full", "too large")
    assert not out.exists() and not list(tmp_path.glob(".export.md.*"))  # no partial file
    (home["lib"] / "more.txt").write_text("More ferries\n\n" + "The ferry is late. " * 2000)
    changed = run(home, "list", preexec=full)  # the catalog must record the new file
    _assert_clean_failure(changed, "full", "too large")
    rebuild = run(home, "index", "--rebuild", preexec=full)
    _assert_clean_failure(rebuild, "full", "too large", "cannot")
    _check_db(home, ids)
    found = run(home, "search", "--json", "ferry")  # index rebuilt or still usable
    assert found.returncode == 0, found.stderr
    assert {h["path"] for h in json.loads(found.stdout)["hits"]} == {"harbour.txt", "more.txt"}


def test_missing_library_folder(home: dict[str, Path], tmp_path: Path) -> None:
    home["lib"] = tmp_path / "no" / "such" / "library"
    for args in (("list",), ("search", "ferry"), ("bookmark", "list"), ("index",)):
        _assert_clean_failure(run(home, *args), "library folder not found")


def test_library_that_vanishes_after_annotating(home: dict[str, Path]) -> None:
    ids = _annotate(home)
    assert run(home, "index").returncode == 0
    shutil.rmtree(home["lib"])
    for args in (("list",), ("search", "ferry"), ("bookmark", "list"), ("export",)):
        _assert_clean_failure(run(home, *args), "library folder not found")
    _check_db(home, ids)


def test_library_that_vanishes_during_a_scan(
    home: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        (home["lib"] / f"n{i:02d}.txt").write_text(f"Note {i}\n\nFerry words {i}.\n")
    original = scan.parse_entry

    def vanish_then_parse(entry: scan.FileEntry) -> scan.Article | scan.Skipped:
        if home["lib"].exists():
            shutil.rmtree(home["lib"])
        return original(entry)

    monkeypatch.setattr(scan, "parse_entry", vanish_then_parse)
    result = CliRunner().invoke(cli, ["--library", str(home["lib"]), "list", "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        assert json.loads(result.stdout) == []
        assert result.stderr.count("warning: ") == 32 and "No such file" in result.stderr
    else:
        assert result.stderr.startswith("tuireader: ") and "Traceback" not in result.stderr


def test_unreadable_file_is_skipped_with_a_reason(home: dict[str, Path]) -> None:
    locked = home["lib"] / "locked.txt"
    locked.write_text("Locked\n\nNo access for you.\n")
    locked.chmod(0)
    try:
        proc = run(home, "list", "--json", preexec=_drop_dac_caps)
    finally:
        locked.chmod(0o644)
    assert proc.returncode == 0, proc.stderr
    assert "warning: locked.txt: permission denied" in proc.stderr
    assert sorted(a["path"] for a in json.loads(proc.stdout)) == ["harbour.txt", "tides.txt"]


_FILLER = r"""
import os, resource, sqlite3, sys
from pathlib import Path
from tuireader.annotations import AnnotationStore
from tuireader.articles.model import ParsedFields, build_article
db, root = Path(sys.argv[1]), Path(sys.argv[2])
body = " ".join(f"word{i}" for i in range(5000))
article = build_article("a.txt", "text", ParsedFields(title="A", body=body))
store = AnnotationStore(db, root)
store.add_bookmark(article, note="first")  # creates the -wal and -shm files
grown = sum(p.stat().st_size for p in db.parent.iterdir())
limit = grown + 200_000  # room for a few hundred changes, then the disk is "full"
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
for i in range(100_000):
    try:
        h = store.add_highlight(article, i * 10, i * 10 + 4, note="n" * 500)
    except sqlite3.Error as exc:
        print("FULL", exc, flush=True)
        break
    print(h.id, flush=True)
try:
    store.add_bookmark(article, note="after full")
except sqlite3.Error:
    print("still full", flush=True)
store.close()
"""


def test_disk_filling_up_during_a_write_burst_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "data" / "annotations.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-c", _FILLER, str(db), str(tmp_path / "lib")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    full = [line for line in lines if line.startswith("FULL")]
    assert full and ("full" in full[0] or "disk I/O" in full[0]), lines[-3:]
    committed = {line for line in lines if line.startswith("hl-")}
    assert len(committed) > 10
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = {r[0] for r in conn.execute("SELECT id FROM highlights")}
    finally:
        conn.close()
    assert committed <= present and len(present) == len(committed)  # nothing half-written
