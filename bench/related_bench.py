"""Related articles on a labelled corpus: how many of the top 10 share the article's topic.

    python bench/related_bench.py [../shared/corpora/bbc] [--articles 200] [--limit 10]
                                  [--work DIR] [--seed 1]

The corpus is a folder of topic folders (BBC: business, entertainment, politics, sport,
tech). The library is indexed once into its own XDG folders (under --work), then for
`--articles` articles picked at random (fixed seed) `SearchService.related` is asked for the
top `--limit`; the score of one article is the share of its results from its own folder,
and the bench prints the mean, per topic, and the time per call (median, p95, max: the
postings cache warms over the run, as in the reader).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=str(HERE.parent.parent / "shared/corpora/bbc"))
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--work", default="/tmp/tuireader-related-bench")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ["XDG_CACHE_HOME"] = str(Path(args.work) / "cache")
    from tuireader.search import SearchService

    corpus = Path(args.corpus).resolve()
    svc = SearchService(corpus, Path(args.work) / "cache" / "related")
    started = time.perf_counter()
    summary = svc.refresh()
    print(f"index: {summary.line()} in {time.perf_counter() - started:.1f} s")
    entries = [e for e in svc.entries() if "/" in e.path]
    picked = random.Random(args.seed).sample(entries, min(args.articles, len(entries)))
    shares: dict[str, list[float]] = defaultdict(list)
    times: list[float] = []
    for entry in picked:
        topic = entry.path.split("/", 1)[0]
        t0 = time.perf_counter()
        results = svc.related(entry.id, limit=args.limit)
        times.append(time.perf_counter() - t0)
        hits = results.hits
        same = sum(1 for h in hits if h.path.split("/", 1)[0] == topic)
        shares[topic].append(same / len(hits) if hits else 0.0)
    every = [s for values in shares.values() for s in values]
    print(f"articles: {len(every)} of {len(entries)}, top {args.limit}")
    print(f"share from the article's own folder: {statistics.mean(every):.3f}")
    for topic in sorted(shares):
        print(f"  {topic:14} {statistics.mean(shares[topic]):.3f} ({len(shares[topic])})")
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"time per call: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
