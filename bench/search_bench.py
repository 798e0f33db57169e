"""Search benchmark: build, re-open, query latency by kind, snippets, RSS; rg and FTS5 ratios.

    python bench/search_bench.py 1000 10000 [--work /tmp/tuireader-bench] [--reuse]
    PYTHONPATH=<checkout>/src python bench/search_bench.py 100000 --quick   # A/B on a build

For each N it generates (once) a deterministic collection with gen_corpus.py, builds the
catalog + index with `tuireader index` in a child process (so its peak RSS is its own), then
measures in-process: re-opening the unchanged library (stale check + entries) next to the
`find -printf` floor; search p50/p95 per query kind (parse + search + top 20 with snippets and
offsets), run alternately on the array scorer (today's path), on Whoosh's own searcher (the
old path, `whoosh_query.run_whoosh`) and on SQLite FTS5 over the same titles and bodies (with
its snippet()), so all three see the same machine load; the first run of each query (cold
caches) apart; the snippet part alone; `rg -l`; the search process's memory (a child process
running only the array path) and the CLI's start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate

from tuireader.articles.scan import walk_library
from tuireader.search import SearchService, whoosh_query

QUERIES = {
    "common word": ["government", "people", "year", "market", "music"],
    "rare word": ["shinjuku", "kinnarees", "hansard", "pornographic", "camara"],
    "two words": ["mobile phone", "chief executive", "election campaign", "film award"],
    "phrase": ['"chief executive"', '"prime minister"', '"mobile phone"', '"world cup"'],
    "field": ["title:music", "title:election", "author:okafor", "date:2020"],
    "wildcard": ["gov*", "tele*", "champion*", "econom*"],
    "fuzzy": ["govermnent~", "musik~", "electoin~2", "champoin~2"],
    # questions of 9 words or more (stop and question words aside): expanded by feedback
    "question": [
        "what did the government ministers say about the election campaign and the economy "
        "with higher taxes this year",
        "how are mobile phone companies and internet firms competing for the music fans who "
        "download songs",
        "why do people think the film award ceremony and the world cup final matter to "
        "television viewers",
    ],
}
# the same queries for SQLite FTS5 (None: FTS5 has no such query); several words are OR-ed,
# as ours are (ours add a bonus for all of them)
FTS5 = {
    "title:music": "title:music",
    "title:election": "title:election",
    "author:okafor": "author:okafor",
    "date:2020": None,
    "govermnent~": None,
    "musik~": None,
    "electoin~2": None,
    "champoin~2": None,
}
RG_WORDS = ["government", "shinjuku", "chief executive", "music"]
REPEAT = 5


def fts5_form(q: str) -> str | None:
    if q in FTS5:
        return FTS5[q]
    if q.startswith('"') or " " not in q:
        return q
    return " OR ".join(q.split())


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(lib: Path, xdg: Path) -> tuple[float, int]:
    env = dict(os.environ, XDG_CACHE_HOME=str(xdg / "cache"), XDG_DATA_HOME=str(xdg / "data"))
    env["XDG_CONFIG_HOME"] = str(xdg / "config")
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "tuireader", "--library", str(lib), "index", "--progress", "none"]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def reopen(lib: Path, cache: Path) -> tuple[float, float, float, float]:
    """(find floor, folder walk, stale check, stale + entries) in seconds, median of 5 (the
    machine is shared: a median says more than a best run)."""
    floor, walk, stale, full = [], [], [], []
    lib = lib.resolve()  # find does not follow a symlinked collection folder
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(["find", str(lib), "-type", "f", "-printf", "%s %T@ %p\n"],
                       stdout=subprocess.DEVNULL, check=True)  # fmt: skip
        floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        list(walk_library(lib))
        walk.append(time.perf_counter() - t)
        svc = SearchService(lib, cache)
        t = time.perf_counter()
        assert not svc.stale()
        stale.append(time.perf_counter() - t)
        svc.entries()
        full.append(time.perf_counter() - t)
        svc.close()
    med = statistics.median
    return med(floor), med(walk), med(stale), med(full)


@dataclass
class Times:
    """Seconds per query kind for each engine, and the first (cold) run of each query."""

    new: dict[str, list[float]] = field(default_factory=dict)
    old: dict[str, list[float]] = field(default_factory=dict)
    fts: dict[str, list[float]] = field(default_factory=dict)
    cold: dict[str, list[float]] = field(default_factory=dict)
    snippets: list[float] = field(default_factory=list)
    engine: list[float] = field(default_factory=list)
    estimated: int = 0
    differ: list[str] = field(default_factory=list)


def search_times(svc: SearchService, db: sqlite3.Connection | None, old: bool = True) -> Times:
    """Each query REPEAT times; each time on the array path, then Whoosh's, then FTS5."""
    times = Times()
    arrays = whoosh_query.run
    svc.search("warm up")
    for kind, queries in QUERIES.items():
        for q in queries:
            for i in range(REPEAT):
                t = time.perf_counter()
                results = svc.search(q, limit=20)
                spent = time.perf_counter() - t
                assert results.error is None, (q, results.error)
                (times.cold if i == 0 else times.new).setdefault(kind, []).append(spent)
                if old:
                    whoosh_query.run = whoosh_query.run_whoosh
                    try:
                        t = time.perf_counter()
                        before = svc.search(q, limit=20)
                        times.old.setdefault(kind, []).append(time.perf_counter() - t)
                    finally:
                        whoosh_query.run = arrays
                    if i == 0 and [h.id for h in before.hits] != [h.id for h in results.hits]:
                        times.differ.append(q)
                form = fts5_form(q)
                if db is not None and form is not None:
                    t = time.perf_counter()
                    fts5_query(db, form)
                    times.fts.setdefault(kind, []).append(time.perf_counter() - t)
            times.estimated += results.total_is_estimate
            parsed = svc._parse(q)
            searcher = svc.store.searcher()
            t = time.perf_counter()
            _total, raw = whoosh_query.run(
                searcher, parsed, limit=20, sort="relevance", filters=None
            )
            times.engine.append(time.perf_counter() - t)
            t = time.perf_counter()
            svc._hits(raw, whoosh_query.match_plan(parsed))
            times.snippets.append(time.perf_counter() - t)
    return times


def fts5_query(db: sqlite3.Connection, form: str) -> list:
    return db.execute(
        "SELECT id, snippet(t, 3, '[', ']', '…', 20) FROM t WHERE t MATCH ? "
        "ORDER BY bm25(t, 0.0, 3.0, 0.0, 1.0) LIMIT 20",
        (form,),
    ).fetchall()


def rg_times(lib: Path) -> tuple[str, float]:
    tool = "rg" if shutil.which("rg") else "grep"
    times = []
    for word in RG_WORDS:
        cmd = (
            ["rg", "-l", "-i", word, str(lib)] if tool == "rg" else ["grep", "-rli", word, str(lib)]
        )
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return tool, statistics.median(times)


def fts5(svc: SearchService, work: Path, n: int) -> tuple[float | None, sqlite3.Connection]:
    """SQLite FTS5 on the same titles, authors and bodies (built once per N and kept):
    (build seconds, or None when reused; the open database)."""
    db_path = work / f"fts5-{n}.sqlite3"
    if db_path.exists():
        return None, sqlite3.connect(db_path)
    entries = svc.entries()
    bodies = svc.catalog.bodies([e.id for e in entries])
    db = sqlite3.connect(db_path)
    t = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, author, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)",
        ((e.id, e.title, e.author or "", bodies[e.id]) for e in entries),
    )
    db.commit()
    return time.perf_counter() - t, db


def memory(n: int, work: Path) -> dict[str, float]:
    """The search process's memory: a child that opens the library and runs every query on
    the array path (MB: peak resident, private and file-backed pages at the end), then the
    same plus the catalog's entries (what the reader also holds)."""
    code = (
        "import sys, json\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "from search_bench import QUERIES, status_mb\n"
        "from tuireader.search import SearchService\n"
        "from pathlib import Path\n"
        f"lib = Path({str(work / f'c{n}')!r})\n"
        f"cache = next(Path({str(work / f'xdg{n}' / 'cache' / 'tuireader' / 'libraries')!r}).iterdir())\n"
        "svc = SearchService(lib, cache)\n"
        "svc.stale()\n"
        "for qs in QUERIES.values():\n"
        "    for q in qs:\n"
        "        svc.search(q, limit=20)\n"
        "out = {'search': status_mb()}\n"
        "svc.entries()\n"
        "out['search+entries'] = status_mb()\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def status_mb() -> dict[str, float]:
    wanted = {"VmHWM": "peak", "RssAnon": "private", "RssFile": "file"}
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in wanted:
            out[wanted[name]] = int(value.split()[0]) / 1000
    return out


def cli_start(n: int, work: Path) -> dict[str, float]:
    """Medians of 9 process runs (ms): bare Python, `tuireader --version`, a search."""
    xdg = work / f"xdg{n}"
    env = dict(os.environ, XDG_CACHE_HOME=str(xdg / "cache"), XDG_DATA_HOME=str(xdg / "data"))
    env["XDG_CONFIG_HOME"] = str(xdg / "config")
    tool = [sys.executable, "-m", "tuireader"]
    runs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "tuireader --version": [*tool, "--version"],
        "tuireader search government": [
            *tool,
            "--library",
            str(work / f"c{n}"),
            "search",
            "government",
        ],
    }
    out = {}
    for name, cmd in runs.items():
        spent = []
        for _ in range(9):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True)
            spent.append(time.perf_counter() - t)
        out[name] = statistics.median(spent) * 1000
    return out


def quick(n: int, work: Path) -> None:
    """Re-open and query medians of an existing build as one JSON line: run it alternately
    with two versions of the code (PYTHONPATH=<other checkout>/src) for a fair comparison
    on a shared machine."""
    lib = work / f"c{n}"
    cache = next((work / f"xdg{n}" / "cache" / "tuireader" / "libraries").iterdir())
    floor, walk, stale, full = reopen(lib, cache)
    times = search_times(SearchService(lib, cache), None, old=False)
    by_kind, estimated = times.new, times.estimated
    everything = [x for v in by_kind.values() for x in v]
    out = {"n": n, "walk_ms": walk * 1000, "stale_ms": stale * 1000, "find_ms": floor * 1000}
    out["stale_entries_ms"] = full * 1000
    out |= {kind: pct(v, 0.5) * 1000 for kind, v in by_kind.items()}
    out |= {"p50": pct(everything, 0.5) * 1000, "p95": pct(everything, 0.95) * 1000}
    out["estimated"] = estimated
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}))


def run(n: int, work: Path, reuse: bool) -> None:
    lib = generate(work / f"c{n}", n)
    xdg = work / f"xdg{n}"
    saved = work / f"build{n}.json"
    text_mb = du(lib) / 1e6
    if reuse and saved.exists():  # measure searching again without rebuilding
        seconds, rss = json.loads(saved.read_text())
    else:
        shutil.rmtree(xdg, ignore_errors=True)
        seconds, rss = build(lib, xdg)
        saved.write_text(json.dumps([seconds, rss]))
    cache = next((xdg / "cache" / "tuireader" / "libraries").iterdir())  # the CLI's cache
    svc = SearchService(lib, cache)
    index_mb, catalog_mb = (
        du(cache / "index") / 1e6,
        (cache / "catalog.sqlite3").stat().st_size / 1e6,
    )
    floor, walk, stale, full = reopen(lib, cache)
    fts_build, db = fts5(svc, work, n)
    times = search_times(svc, db)
    db.close()
    tool, rg = rg_times(lib)
    mem = memory(n, work)
    start = cli_start(n, work)
    segments = len(svc.store.searcher().reader().leaf_readers()) if n else 0
    print(f"\n## N = {n:,} ({text_mb:.0f} MB of files)")
    print(f"build (tuireader index, 2 cores): {seconds:.1f} s = {n / seconds:.0f} docs/s; "
          f"peak RSS {rss / 1e6:.0f} MB; index {index_mb:.0f} MB ({segments} segments), "
          f"catalog {catalog_mb:.0f} MB")  # fmt: skip
    print(f"re-open unchanged (medians): walk_library {ms(walk)} ms, stale() {ms(stale)} ms, "
          f"stale()+entries() {ms(full)} ms; find -printf floor {ms(floor)} ms")  # fmt: skip
    print("\nSearch, ms (parse + search + top 20 with snippets and offsets); warm runs, the "
          f"first run of each query apart; {REPEAT - 1} warm runs per query, alternating")  # fmt: skip
    print("| query kind | arrays p50 | arrays p95 | first run (median) | Whoosh p50 | Whoosh p95 "
          "| FTS5 p50 | arrays / FTS5 (p50) |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for kind in QUERIES:
        print("| " + " | ".join(_row(kind, times)) + " |")
    print("| all | " + " | ".join(_row(None, times)[1:]) + " |")
    every_run = [x for v in (*times.new.values(), *times.cold.values()) for x in v]
    print(f"every run incl. the first: p50 {ms(pct(every_run, 0.5))} ms, "
          f"p95 {ms(pct(every_run, 0.95))} ms")  # fmt: skip
    print(f"engine only (arrays, top 20): p50 {ms(pct(times.engine, 0.5))} ms, "
          f"p95 {ms(pct(times.engine, 0.95))} ms")  # fmt: skip
    print(f"top-20 snippets + offsets: p50 {ms(pct(times.snippets, 0.5))} ms, "
          f"p95 {ms(pct(times.snippets, 0.95))} ms")  # fmt: skip
    print(f"queries whose total was an estimate: {times.estimated} of "
          f"{sum(map(len, QUERIES.values()))}; top 20 differing from Whoosh's: "
          f"{times.differ or 'none'}")  # fmt: skip
    for name, m in mem.items():
        print(f"memory, {name}: peak {m['peak']:.0f} MB (private {m['private']:.0f} MB, "
              f"file-backed {m['file']:.0f} MB at the end)")  # fmt: skip
    print("process start, medians of 9: " + ", ".join(f"{k} {v:.0f} ms" for k, v in start.items()))
    all_new = [x for v in times.new.values() for x in v]
    print(f"{tool} -l median {ms(rg)} ms = {rg / pct(all_new, 0.5):.1f}x our p50")
    if fts_build is not None:
        print(f"SQLite FTS5 build {fts_build:.1f} s ({seconds / fts_build:.0f}x faster than ours)")
    sys.stdout.flush()


def _row(kind: str | None, times: Times) -> list[str]:
    def values(d: dict[str, list[float]]) -> list[float]:
        return d.get(kind, []) if kind else [x for v in d.values() for x in v]

    new, old, fts, cold = (
        values(times.new),
        values(times.old),
        values(times.fts),
        values(times.cold),
    )
    ratio = f"{pct(new, 0.5) / pct(fts, 0.5):.1f}x" if fts else "n/a"
    return [
        kind or "all",
        ms(pct(new, 0.5)),
        ms(pct(new, 0.95)),
        ms(statistics.median(cold)),
        ms(pct(old, 0.5)),
        ms(pct(old, 0.95)),
        ms(pct(fts, 0.5)) if fts else "n/a",
        ratio,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tuireader-bench"))
    parser.add_argument("--reuse", action="store_true", help="keep a previous build")
    parser.add_argument("--quick", action="store_true", help="only re-open + query medians")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        if args.quick:
            quick(n, args.work)
        else:
            run(n, args.work, args.reuse)


if __name__ == "__main__":
    main()
