"""SIGKILL at random moments: is the search index still usable and is every committed
annotation still there? (run by hand, prints a table)

    .venv/bin/python bench/kill_loop.py [--rounds 50] [--articles 400] [--seed 1]
        [--target index|import-articles|feed-update|all] [--entries 200] [--feeds 4] [--new 15]

--target index (the default) is described here; import-articles and feed-update kill those
commands instead (bench/kill_ingest.py says what each checks); all runs the three.

Each round starts, at the same time, `tuireader index --rebuild` and a child process that
adds bookmarks and highlights through AnnotationStore, printing each id after its commit.
Both are killed with SIGKILL at independent random moments. Then:
- `tuireader search harbour --json` must exit 0 and find every article (each one contains
  "harbour"): the index is usable, or is brought up to date by the search itself;
- every id the writer printed before it died must be in the store, and
  `PRAGMA integrity_check` must say ok (annotation DB and catalog);
- no process of the round (a parse worker, the resource tracker) is left two seconds later.
State lives in a temporary XDG home; the library is generated (`--articles` files).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kill_ingest  # bench/ beside this script

_WORDS = [
    "tide",
    "gull",
    "pier",
    "ferry",
    "lantern",
    "rope",
    "quay",
    "salt",
    "net",
    "keel",
    "mast",
    "chart",
    "buoy",
    "storm",
    "bread",
    "flour",
    "oven",
    "tram",
    "rail",
    "station",
    "ticket",
    "market",
    "stall",
    "lamp",
    "river",
    "bridge",
]

WRITER = r"""
import sys
from pathlib import Path
from tuireader.annotations import AnnotationStore
from tuireader.articles.scan import FileEntry, parse_entry
db, root = Path(sys.argv[1]), Path(sys.argv[2])
paths = sorted(p for p in root.rglob("*.txt"))[:20]
articles = []
for p in paths:
    st = p.stat()
    articles.append(parse_entry(FileEntry(p.relative_to(root).as_posix(), str(p), st.st_size, st.st_mtime_ns)))
store = AnnotationStore(db, root)
print("ready", flush=True)
i = 0
while True:
    a = articles[i % len(articles)]
    word = a.body.split()[i % 7]
    start = a.body.index(word)
    if i % 3 == 0:
        item = store.add_bookmark(a, offset=start, note=f"note {i}", tags=["kill"])
    else:
        item = store.add_highlight(a, start, start + len(word), note=f"hl {i}")
    if i % 5 == 0:
        store.save_reading_state(a, position=start, percent=i % 100)
    print(item.id, flush=True)
    i += 1
"""


@dataclass
class Round:
    number: int
    index_kill_s: float
    index_state: str  # "killed" or "finished"
    writer_kill_s: float
    committed: int
    present: int
    search_exit: int
    search_total: int
    search_s: float
    integrity: str
    orphans: int

    @property
    def ok(self) -> bool:
        return (
            self.orphans == 0
            and self.present == self.committed
            and self.search_exit == 0
            and self.search_total == EXPECTED[0]
            and self.integrity == "ok"
        )


EXPECTED = [0]  # articles in the library (set in main)


def make_library(root: Path, count: int, rng: random.Random) -> None:
    for i in range(count):
        folder = root / f"part{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(150, 600)))
        text = (
            f"Harbour note {i}\n\nThe harbour at dawn. {words}.\n\nMore about the {words[:200]}.\n"
        )
        (folder / f"note-{i:04d}.txt").write_text(text)


def _cli(env: dict[str, str], library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tuireader", "--library", str(library), *args]


def _integrity(db: Path) -> str:
    if not db.exists():
        return "ok"
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def one_round(
    number: int, library: Path, env: dict[str, str], rng: random.Random, index_time: float
) -> Round:
    data_db = Path(env["XDG_DATA_HOME"]) / "tuireader" / "annotations.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_db), str(library)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    committed: list[str] = []
    reader = threading.Thread(
        target=lambda: committed.extend(line.strip() for line in writer.stdout if line.strip())
    )
    reader.start()
    indexer = subprocess.Popen(
        _cli(env, library, "index", "--rebuild"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    index_kill = rng.uniform(0.05, index_time * 1.1)
    writer_kill = rng.uniform(0.05, index_time * 1.1)
    start = time.monotonic()
    state = "killed"
    for when, proc in sorted([(index_kill, indexer), (writer_kill, writer)], key=lambda x: x[0]):
        time.sleep(max(0.0, when - (time.monotonic() - start)))
        if proc is indexer and indexer.poll() is not None:
            state = "finished"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    reader.join()
    time.sleep(2.0)  # the workers' PR_SET_PDEATHSIG, the resource tracker's own exit
    orphans = kill_ingest.orphans(env["KILL_LOOP_TAG"])
    before = time.monotonic()
    search = subprocess.run(
        _cli(env, library, "search", "--json", "--limit", "1", "harbour"),
        capture_output=True,
        env=env,
        timeout=600,
        check=False,
    )
    search_s = time.monotonic() - before
    total = json.loads(search.stdout)["total"] if search.returncode in (0, 1) else -1
    from tuireader.annotations import AnnotationStore

    with AnnotationStore(data_db, library) as store:
        ids = {b.id for b in store.bookmarks()} | {h.id for h in store.highlights()}
    cache = Path(env["XDG_CACHE_HOME"]) / "tuireader" / "libraries"
    checks = [_integrity(data_db), *(_integrity(p) for p in cache.glob("*/catalog.sqlite3"))]
    return Round(
        number,
        index_kill,
        state,
        writer_kill,
        len(committed),
        len(set(committed) & ids),
        search.returncode,
        total,
        search_s,
        next((c for c in checks if c != "ok"), "ok"),
        orphans,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--target", choices=["index", "import-articles", "feed-update", "all"], default="index"
    )
    parser.add_argument("--entries", type=int, default=200, help="import-articles: entries")
    parser.add_argument("--feeds", type=int, default=4, help="feed-update: feeds served")
    parser.add_argument("--new", type=int, default=15, help="feed-update: new entries a round")
    args = parser.parse_args()
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    failed = 0
    if args.target in ("index", "all"):
        failed += index_loop(args)
    if args.target in ("import-articles", "all"):
        failed += ingest_loop(args, "import-articles")
    if args.target in ("feed-update", "all"):
        failed += ingest_loop(args, "feed-update")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(1 if failed else 0)


def ingest_loop(args: argparse.Namespace, target: str) -> int:
    """Kill import-articles or feed update; the rounds' failures."""
    rng = random.Random(args.seed)

    def show(line: str) -> None:
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        done: list[Any]
        if target == "import-articles":
            done = kill_ingest.import_rounds(Path(tmp), args.rounds, args.entries, rng, show)
            bad = [r for r in done if not r.ok(args.entries, 2 * args.entries)]
        else:
            done = kill_ingest.feed_rounds(Path(tmp), args.rounds, args.feeds, args.new, rng, show)
            bad = [r for r in done if not r.ok]
        killed = sum(r.state == "killed" for r in done)
        orphans = sum(r.orphans for r in done)
        temps_kill = sum(r.temps_after_kill for r in done)
        show(
            f"\n{target}: {len(done)} rounds, {len(bad)} failed; killed mid-run in {killed}; "
            f"orphans {orphans}; temp files left by the kills {temps_kill}, after the next run "
            f"{sum(r.temps_left for r in done)}; partial files {sum(r.partials for r in done)}\n"
        )
    return len(bad)


def index_loop(args: argparse.Namespace) -> int:
    """The original loop: kill `index --rebuild` and an annotation writer; its failures."""
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        library = base / "library"
        make_library(library, args.articles, rng)
        EXPECTED[0] = args.articles
        env = {**os.environ, "KILL_LOOP_TAG": uuid.uuid4().hex}  # its processes' mark
        for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            env[name] = str(base / name.lower())
        start = time.monotonic()
        subprocess.run(_cli(env, library, "index", "--rebuild"), env=env, check=True,
                       capture_output=True)  # fmt: skip
        index_time = time.monotonic() - start
        print(
            f"library: {args.articles} articles; a full `index --rebuild` takes {index_time:.1f} s"
        )
        print(
            f"{'round':>5} {'index kill':>10} {'index':>8} {'writer kill':>11} {'committed':>9} "
            f"{'present':>7} {'search':>6} {'hits':>5} {'search s':>8} {'integrity':>9} {'orphans':>7}"
        )
        rounds = []
        for number in range(1, args.rounds + 1):
            r = one_round(number, library, env, rng, index_time)
            rounds.append(r)
            print(
                f"{r.number:>5} {r.index_kill_s:>9.2f}s {r.index_state:>8} {r.writer_kill_s:>10.2f}s "
                f"{r.committed:>9} {r.present:>7} {r.search_exit:>6} {r.search_total:>5} "
                f"{r.search_s:>8.2f} {r.integrity:>9} {r.orphans:>7}  {'ok' if r.ok else 'FAIL'}",
                flush=True,
            )
        failed = [r for r in rounds if not r.ok]
        lost = sum(r.committed - r.present for r in rounds)
        times = [r.search_s for r in rounds]
        print(
            f"\n{len(rounds)} rounds, {len(failed)} failed; indexer killed mid-run in "
            f"{sum(r.index_state == 'killed' for r in rounds)}; annotations committed "
            f"{sum(r.committed for r in rounds)}, lost {lost}; orphans "
            f"{sum(r.orphans for r in rounds)}; search after kill: median "
            f"{statistics.median(times):.2f} s, max {max(times):.2f} s"
        )
        return len(failed)


if __name__ == "__main__":
    main()
