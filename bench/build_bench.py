"""Full-build benchmark: `tuireader index --rebuild` timed per phase, alternating checkouts.

    python bench/build_bench.py 2000 10000 [--runs 3] [--other /tmp/old/src] [--work DIR]

For each N it generates (once) the deterministic collection of gen_corpus.py, then rebuilds
its catalog and index `--runs` times with this checkout and, when `--other` names another
checkout's `src`, alternately with that one too (old, new, old, new...), so both see the
same load on a shared machine. Each build runs `tuireader index --rebuild --progress json`
in a child process with its own XDG folders; the JSON progress lines give the end of the
parse phase (catalog complete), of the index phase and of the duplicates phase after it; the child's CPU time (its own and
its workers') comes from getrusage. Peak memory is the whole process tree's: the RSS of the
child and every descendant (Whoosh's and the parser's workers) summed from /proc every 100 ms,
and the largest single process (getrusage maxrss). Prints one JSON line per build and the
medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate

SRC = Path(__file__).resolve().parent.parent / "src"


def _tree_rss_mb(root: int) -> float:
    """RSS (MB) of root and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # ppid
        rss[pid] = int(fields[21])  # pages
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total * os.sysconf("SC_PAGE_SIZE") / 1e6


class TreeSampler(threading.Thread):
    """The peak of `_tree_rss_mb(pid)`, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, _tree_rss_mb(self.pid))


def build(lib: Path, xdg: Path, src: Path) -> dict[str, float]:
    shutil.rmtree(xdg, ignore_errors=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(xdg / "cache"), XDG_DATA_HOME=str(xdg / "data"))
    env["XDG_CONFIG_HOME"] = str(xdg / "config")
    env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-m", "tuireader", "--library", str(lib), "index", "--rebuild"]
    cmd += ["--progress", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    parse_end = 0.0
    ends: dict[str, float] = {}  # phase -> when its last progress line came
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        sampler = TreeSampler(proc.pid)
        sampler.start()
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("phase") == "parse":
                parse_end = time.perf_counter() - started
            if "phase" in event:
                ends[event["phase"]] = time.perf_counter() - started
    total = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "total_s": total,
        "parse_s": parse_end,
        "index_s": ends.get("index", total) - parse_end,
        "dupes_s": total - ends.get("index", total),
        "cpu_s": cpu,
        "tree_rss_mb": sampler.peak,
        "max_proc_rss_mb": after.ru_maxrss / 1e3,  # the largest child process ever waited for
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--other", type=Path, help="another checkout's src, run alternately")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tuireader-bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    versions = [("other", args.other)] if args.other else []
    versions.append(("this", SRC))
    for n in args.sizes:
        lib = generate(args.work / f"c{n}", n)
        results: dict[str, list[dict[str, float]]] = {name: [] for name, _src in versions}
        for _ in range(args.runs):
            for name, src in versions:
                out = build(lib, args.work / f"build-xdg{n}", src)
                out["docs_per_s"] = n / out["total_s"]
                results[name].append(out)
                line = {"n": n, "version": name, "load": os.getloadavg()[0]} | out
                print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in line.items()}))  # fmt: skip
                sys.stdout.flush()
        for name, runs in results.items():
            med = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
            print(json.dumps({"n": n, "version": name, "median": med}))
        if args.other:
            ratio = statistics.median(r["total_s"] for r in results["other"]) / statistics.median(
                r["total_s"] for r in results["this"]
            )
            print(json.dumps({"n": n, "other/this total": round(ratio, 2)}))


if __name__ == "__main__":
    main()
