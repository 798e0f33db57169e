"""Search benchmark: build, re-open, query latency by kind, snippets, RSS; rg and FTS5 ratios.

    python bench/search_bench.py 1000 10000 [--work /tmp/tuireader-bench] [--reuse]
    PYTHONPATH=<checkout>/src python bench/search_bench.py 100000 --quick   # A/B on a build

For each N it generates (once) a deterministic collection with gen_corpus.py, builds the
catalog + index with `tuireader index` in a child process (so its peak RSS is its own), then
measures in-process: re-opening the unchanged library (stale check + entries) next to the
`find -printf` floor, search p50/p95 per query kind (parse + search + top 20 with snippets and
offsets), the snippet part alone, and the same words with `rg -l` and SQLite FTS5.
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
}
RG_WORDS = ["government", "shinjuku", "chief executive", "music"]
REPEAT = 5


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


def search_times(
    svc: SearchService,
) -> tuple[dict[str, list[float]], list[float], list[float], int]:
    by_kind: dict[str, list[float]] = {}
    estimated = 0
    snippets: list[float] = []
    engine: list[float] = []
    svc.search("warm up")
    for kind, queries in QUERIES.items():
        for q in queries:
            for _ in range(REPEAT):
                t = time.perf_counter()
                results = svc.search(q, limit=20)
                by_kind.setdefault(kind, []).append(time.perf_counter() - t)
                assert results.error is None, (q, results.error)
            estimated += getattr(results, "total_is_estimate", False)  # older versions lack it
            parsed = svc._parse(q)
            searcher = svc.store.searcher()
            t = time.perf_counter()
            _total, raw = whoosh_query.run(
                searcher, parsed, limit=20, sort="relevance", filters=None
            )
            engine.append(time.perf_counter() - t)
            t = time.perf_counter()
            svc._hits(raw, whoosh_query.match_plan(parsed))
            snippets.append(time.perf_counter() - t)
    return by_kind, snippets, engine, estimated


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


def fts5(svc: SearchService, work: Path) -> tuple[float, float]:
    """(build seconds, median query seconds) of SQLite FTS5 on the same titles + bodies."""
    db_path = work / "fts5.sqlite3"
    db_path.unlink(missing_ok=True)
    entries = svc.entries()
    bodies = svc.catalog.bodies([e.id for e in entries])
    db = sqlite3.connect(db_path)
    t = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO t VALUES (?, ?, ?)", ((e.id, e.title, bodies[e.id]) for e in entries)
    )
    db.commit()
    built = time.perf_counter() - t
    times = []
    for q in ["government", "shinjuku", '"chief executive"', "mobile phone", "music"]:
        t = time.perf_counter()
        db.execute(
            "SELECT id, snippet(t, 2, '[', ']', '…', 20) FROM t WHERE t MATCH ? "
            "ORDER BY bm25(t, 3.0, 1.0) LIMIT 20",
            (q,),
        ).fetchall()
        times.append(time.perf_counter() - t)
    db.close()
    return built, statistics.median(times)


def quick(n: int, work: Path) -> None:
    """Re-open and query medians of an existing build as one JSON line: run it alternately
    with two versions of the code (PYTHONPATH=<other checkout>/src) for a fair comparison
    on a shared machine."""
    lib = work / f"c{n}"
    cache = next((work / f"xdg{n}" / "cache" / "tuireader" / "libraries").iterdir())
    floor, walk, stale, full = reopen(lib, cache)
    by_kind, _snippets, _engine, estimated = search_times(SearchService(lib, cache))
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
    by_kind, snippets, engine, estimated = search_times(svc)
    everything = [x for v in by_kind.values() for x in v]
    search_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # before FTS5 loads
    tool, rg = rg_times(lib)
    fts_build, fts_query = fts5(svc, work)
    segments = len(svc.store.searcher().reader().leaf_readers()) if n else 0
    print(f"\n## N = {n:,} ({text_mb:.0f} MB of files)")
    print(f"build (tuireader index, 2 cores): {seconds:.1f} s = {n / seconds:.0f} docs/s; "
          f"peak RSS {rss / 1e6:.0f} MB; index {index_mb:.0f} MB ({segments} segments), "
          f"catalog {catalog_mb:.0f} MB")  # fmt: skip
    print(f"re-open unchanged (medians): walk_library {ms(walk)} ms, stale() {ms(stale)} ms, "
          f"stale()+entries() {ms(full)} ms; find -printf floor {ms(floor)} ms")  # fmt: skip
    print("| query kind | p50 ms | p95 ms |\n|---|---|---|")
    for kind, values in by_kind.items():
        print(f"| {kind} | {ms(pct(values, 0.5))} | {ms(pct(values, 0.95))} |")
    print(f"| all | {ms(pct(everything, 0.5))} | {ms(pct(everything, 0.95))} |")
    print(
        f"engine only (search, top 20): p50 {ms(pct(engine, 0.5))} ms, p95 {ms(pct(engine, 0.95))} ms"
    )
    print(
        f"top-20 snippets + offsets: p50 {ms(pct(snippets, 0.5))} ms, p95 {ms(pct(snippets, 0.95))} ms"
    )
    print(f"queries whose total was an estimate: {estimated} of {sum(map(len, QUERIES.values()))}")
    print(f"search process peak RSS (before the FTS5 comparison): {search_rss / 1e6:.0f} MB")
    print(f"{tool} -l median {ms(rg)} ms = {rg / pct(everything, 0.5):.1f}x our p50")
    print(f"SQLite FTS5: build {fts_build:.1f} s ({seconds / fts_build:.0f}x faster than ours), "
          f"query+snippet median {ms(fts_query)} ms")  # fmt: skip
    sys.stdout.flush()


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
