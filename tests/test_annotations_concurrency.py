"""Two processes writing at once, and kill -9 in the middle of a burst of writes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tuireader.annotations import AnnotationStore

WRITER = r"""
import sys
from pathlib import Path
from tuireader.annotations import AnnotationStore
from tuireader.articles.model import ParsedFields, build_article

db, root, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
n = max(count, 1000)
words = " ".join(f"{name}{i}" for i in range(n))
article = build_article(f"{name}.txt", "text", ParsedFields(title=name, body=words))
store = AnnotationStore(Path(db), Path(root))
print("ready", flush=True)
i = 0
while count == 0 or i < count:  # count 0: write until killed
    token = f"{name}{i % n}"
    start = words.find(token + " ") if i % n < n - 1 else words.rfind(token)
    h = store.add_highlight(article, start, start + len(token), note=f"{name} {i}")
    if i % 10 == 0:
        store.save_reading_state(article, position=start, percent=i % 100)
    print(h.id, flush=True)
    i += 1
store.close()
"""


def _spawn(tmp_path: Path, name: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "a.sqlite3"), str(tmp_path / "lib"), name, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )  # fmt: skip


def test_two_processes_add_200_highlights_each(tmp_path: Path) -> None:
    procs = [_spawn(tmp_path, name, 200) for name in ("alpha", "beta")]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
    ids = [line for out, _ in outputs for line in out.split() if line.startswith("hl-")]
    assert len(ids) == 400 and len(set(ids)) == 400
    with AnnotationStore(tmp_path / "a.sqlite3", tmp_path / "lib") as store:
        highlights = store.highlights()
        assert {h.id for h in highlights} == set(ids)
        assert sum(h.note.startswith("alpha") for h in highlights) == 200


def test_kill_9_keeps_every_committed_annotation(tmp_path: Path) -> None:
    proc = _spawn(tmp_path, "gamma", 0)  # writes until killed
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    committed: list[str] = []
    deadline = time.monotonic() + 60
    while len(committed) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if line:
            committed.append(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) >= 150
    conn = sqlite3.connect(tmp_path / "a.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    with AnnotationStore(tmp_path / "a.sqlite3", tmp_path / "lib") as store:
        present = {h.id for h in store.highlights()}
        assert set(committed) <= present  # every id printed after its commit is there
        assert store.add_bookmark(_article()).id.startswith("bm-")  # and still writable


def _article():
    from tuireader.articles.model import ParsedFields, build_article

    return build_article("after.txt", "text", ParsedFields(title="after", body="still works"))
