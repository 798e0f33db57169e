"""`tuireader search` as a script runs it: one fresh process per query, wall-clock.

    python bench/cli_search_bench.py LIBRARY XDG_DIR [--runs 10] [--other OLD_SRC]
        [--words harbour,government,...]

XDG_DIR holds the library's cache (XDG_CACHE_HOME=XDG_DIR/cache, built beforehand with
`tuireader --library LIBRARY index`). Each run times `tuireader --library LIBRARY search WORD
--json` for every word (rare and common ones) as a child process; with --other (another
checkout's src, e.g. a `git worktree` of an older commit) the two alternate query by query,
so both see the same load. Prints per word the median and max ms, then the median over all
and the ratio, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
WORDS = "government,harbour,minister,zebra,election,guitarist,film,broadband"


def once(lib: Path, xdg: Path, src: Path, word: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(src), XDG_CACHE_HOME=str(xdg / "cache"))
    env["XDG_DATA_HOME"], env["XDG_CONFIG_HOME"] = str(xdg / "data"), str(xdg / "config")
    cmd = [sys.executable, "-m", "tuireader", "--library", str(lib), "search", word, "--json"]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True)
    took = (time.perf_counter() - started) * 1000
    if done.returncode not in (0, 1):  # 1: no hits
        raise SystemExit(f"search {word} failed: {done.stderr.decode()[-300:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", type=Path)
    parser.add_argument("xdg", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--other", type=Path, help="another checkout's src, run alternately")
    parser.add_argument("--words", default=WORDS)
    args = parser.parse_args()
    words = args.words.split(",")
    engines = {"this": SRC} | ({"other": args.other} if args.other else {})
    times: dict[str, dict[str, list[float]]] = {e: {w: [] for w in words} for e in engines}
    print("load before:", os.getloadavg())
    for src in engines.values():  # warm the page cache and the snapshot once
        once(args.library, args.xdg, src, words[0])
    for _ in range(args.runs):
        for word in words:
            for engine, src in engines.items():
                times[engine][word].append(once(args.library, args.xdg, src, word))
    print("load after:", os.getloadavg())
    for engine in engines:
        print(f"\n{engine} ({engines[engine]}):")
        for word in words:
            got = times[engine][word]
            print(f"  {word:<12} median {statistics.median(got):6.0f} ms  max {max(got):6.0f}")
    medians = {e: statistics.median([t for w in words for t in times[e][w]]) for e in engines}
    print("\nmedian over all:", {e: round(m) for e, m in medians.items()})
    if args.other:
        print(f"this / other: {medians['this'] / medians['other']:.2f}")


if __name__ == "__main__":
    main()
