"""`tuireader search` as a script runs it: one fresh process per query, wall-clock.

    python bench/cli_search_bench.py LIBRARY XDG_DIR [--runs 10] [--full] [--plain]
        [--other OLD_SRC] [--server] [--words harbour,government,...]

XDG_DIR holds the library's cache (XDG_CACHE_HOME=XDG_DIR/cache, built beforehand with
`tuireader --library LIBRARY index`). Each run times `tuireader --library LIBRARY search WORD
--json` (--plain: the plain listing, piped) for every word (rare and common ones) as a child
process. --full alternates, query by query, with the walking path of this same checkout: the
folder snapshot (search.freshness) is deleted before each of those runs, so the search walks
every file as it did before the snapshot, and the walk writes it again for the next quick run
(which is also why quick runs never meet a snapshot older than FULL_WALK_AFTER here). --other
(another checkout's src, e.g. a `git worktree` of an older commit) alternates with that one.
--server alternates with this checkout's resident search server (tuireader.server: started
before the runs, stopped after; the other engines run with TUIREADER_SERVER=off); its first
run of each word is reported apart, since the server's posting cache has not seen it then.
Alternating means every engine sees the same load. Prints per word the median and max ms,
the median over all, the ratios, the median CPU time a process (user + system: what the
load inflates least) and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
WORDS = "government,harbour,minister,zebra,election,guitarist,film,broadband"


def snapshots(xdg: Path) -> list[Path]:
    return list((xdg / "cache" / "tuireader" / "libraries").glob("*/folders.json"))


def environment(xdg: Path, src: Path, *, server: bool) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), XDG_CACHE_HOME=str(xdg / "cache"))
    env["XDG_DATA_HOME"], env["XDG_CONFIG_HOME"] = str(xdg / "data"), str(xdg / "config")
    env["XDG_RUNTIME_DIR"] = str(xdg / "run")
    env["TUIREADER_SERVER"] = "auto" if server else "off"
    return env


def server_command(xdg: Path, what: str) -> str:
    env = environment(xdg, SRC, server=True)
    cmd = [sys.executable, "-m", "tuireader", "server", what]
    return subprocess.run(cmd, env=env, capture_output=True, text=True).stdout.strip()


def once(
    lib: Path, xdg: Path, src: Path, word: str, *, full: bool, plain: bool, server: bool = False
) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) ms of one search process."""
    if full:
        for path in snapshots(xdg):
            path.unlink(missing_ok=True)
    env = environment(xdg, src, server=server)
    cmd = [sys.executable, "-m", "tuireader", "--library", str(lib), "search", word]
    cmd.append("--plain" if plain else "--json")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True)
    took = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    if done.returncode not in (0, 1):  # 1: no hits
        raise SystemExit(f"search {word} failed: {done.stderr.decode()[-300:]}")
    return took, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", type=Path)
    parser.add_argument("xdg", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--full", action="store_true", help="alternate with the walking path")
    parser.add_argument("--plain", action="store_true", help="--plain output instead of --json")
    parser.add_argument("--other", type=Path, help="another checkout's src, run alternately")
    parser.add_argument("--server", action="store_true", help="alternate with the server")
    parser.add_argument("--words", default=WORDS)
    args = parser.parse_args()
    words = args.words.split(",")
    (args.xdg / "run").mkdir(mode=0o700, exist_ok=True)
    engines: dict[str, tuple[Path, bool, bool]] = {"quick": (SRC, False, False)}
    if args.full:
        engines["full walk"] = (SRC, True, False)
    if args.other:
        engines["other"] = (args.other, False, False)
    if args.server:
        engines["server"] = (SRC, False, True)
    times: dict[str, dict[str, list[float]]] = {e: {w: [] for w in words} for e in engines}
    cpus: dict[str, list[float]] = {e: [] for e in engines}
    print("load before:", os.getloadavg(), "output:", "plain" if args.plain else "json")
    for src, full, _server in engines.values():  # warm the page cache; leave a snapshot
        once(args.library, args.xdg, src, words[0], full=full, plain=args.plain)
    once(args.library, args.xdg, SRC, words[0], full=False, plain=args.plain)
    if args.server:  # started by a search (as a user's first one starts it), then waited for
        once(args.library, args.xdg, SRC, "harbour", full=False, plain=args.plain, server=True)
        deadline = time.monotonic() + 60
        while "running" not in server_command(args.xdg, "status"):
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
    try:
        for _ in range(args.runs):
            for word in words:
                for engine, (src, full, server) in engines.items():
                    took, cpu = once(
                        args.library,
                        args.xdg,
                        src,
                        word,
                        full=full,
                        plain=args.plain,
                        server=server,
                    )
                    times[engine][word].append(took)
                    cpus[engine].append(cpu)
    finally:
        if args.server:
            print(server_command(args.xdg, "status").splitlines()[0])
            server_command(args.xdg, "stop")
    print("load after:", os.getloadavg())
    if args.server:
        first = [times["server"][w][0] for w in words]
        again = [t for w in words for t in times["server"][w][1:]]
        print(
            f"server: first run of each word median {statistics.median(first):.0f} ms "
            f"(max {max(first):.0f}); later runs median "
            f"{statistics.median(again) if again else float('nan'):.0f} ms"
        )
    for engine, (src, full, _server) in engines.items():
        print(f"\n{engine} ({src}{', snapshot deleted first' if full else ''}):")
        for word in words:
            got = times[engine][word]
            print(f"  {word:<12} median {statistics.median(got):6.0f} ms  max {max(got):6.0f}")
    every = {e: [t for w in words for t in times[e][w]] for e in engines}
    medians = {e: statistics.median(got) for e, got in every.items()}
    print("\nmedian over all:", {e: round(m) for e, m in medians.items()})
    print("max over all:", {e: round(max(got)) for e, got in every.items()})
    print(
        "CPU ms a process, median (less load-bound than wall):",
        {e: round(statistics.median(c)) for e, c in cpus.items()},
    )
    for engine in engines:
        if engine != "quick":
            print(f"quick / {engine}: {medians['quick'] / medians[engine]:.2f}")


if __name__ == "__main__":
    main()
