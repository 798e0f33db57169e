"""Parse workers die with the indexer (issue 21): after a `kill -9` of the process that runs
the pool, no worker (nor multiprocessing's resource tracker) is left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import time
from tuireader.articles.scan import parse_entries

def slow(n):
    time.sleep(0.2)  # a chunk of 64 takes 13 s: an orphan would outlive the test
    return n

if __name__ == "__main__":
    for n in parse_entries(range(1000), processes=2, parse=slow):
        print(n, flush=True)
"""


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_no_worker_outlives_a_killed_indexer(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        started = time.monotonic()
        while len(children(proc.pid)) < 3 and time.monotonic() - started < 20:
            time.sleep(0.05)  # two workers and the resource tracker
        time.sleep(1.0)  # the workers import, then sleep in their first chunk
        workers = children(proc.pid)
        assert len(workers) >= 3, workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 3
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = sorted(p for p in workers if alive(p))
        assert not left, f"orphans left: {left}"
    finally:
        for pid in children(proc.pid) | {proc.pid}:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
