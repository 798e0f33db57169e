"""Near-duplicate groups on a corpus: what is grouped, how it compares with byte-identical
files, and how long signatures and grouping take.

    python bench/duplicates_bench.py [../shared/corpora/bbc] [--work DIR] [--examples 8]

Indexes the corpus into its own XDG folders (under --work), then times the duplicate
store's work from nothing (every signature, then the groups) and prints: the groups and
their sizes; the byte-identical files (sha1 of the bytes) and how many of those pairs are
grouped; the groups whose bodies are equal once normalised (the catalog's fingerprint:
whitespace and case) and the near-duplicate ones, with examples (paths, titles, the exact
Jaccard similarity of their 5-word shingles and the signatures' estimate).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=str(HERE.parent.parent / "shared/corpora/bbc"))
    parser.add_argument("--work", default="/tmp/tuireader-duplicates-bench")
    parser.add_argument("--examples", type=int, default=8)
    args = parser.parse_args()
    from tuireader.search import SearchService
    from tuireader.search.dedupe.minhash import shingles, signature, similarity

    corpus = Path(args.corpus).resolve()
    svc = SearchService(corpus, Path(args.work) / "cache")
    svc.refresh()
    svc.duplicates.close()
    (Path(args.work) / "cache" / "duplicates.sqlite3").unlink(missing_ok=True)
    started = time.perf_counter()
    svc.update_duplicates()
    seconds = time.perf_counter() - started
    groups = svc.duplicate_groups()
    articles = len(svc.entries())
    print(f"{articles} articles: signatures and groups in {seconds:.2f} s")
    sizes = Counter(len(g) for g in groups)
    copies = sum(len(g) - 1 for g in groups)
    print(f"groups: {len(groups)} (sizes {dict(sorted(sizes.items()))}), copies: {copies}")

    by_bytes: dict[str, list[str]] = defaultdict(list)
    for e in svc.entries():
        by_bytes[hashlib.sha1((corpus / e.path).read_bytes()).hexdigest()].append(e.id)
    identical = [ids for ids in by_bytes.values() if len(ids) > 1]
    group_of = {i: n for n, g in enumerate(groups) for i in (e.id for e in g)}
    found = sum(
        1 for ids in identical for i in ids[1:] if group_of.get(i, -1) == group_of.get(ids[0], -2)
    )
    print(f"byte-identical files: {sum(len(i) - 1 for i in identical)} copies, grouped: {found}")
    exact = [g for g in groups if len({e.fingerprint for e in g}) == 1]
    near = [g for g in groups if len({e.fingerprint for e in g}) > 1]
    in_bytes = {i for ids in identical for i in ids}
    normalised = [g for g in exact if not all(e.id in in_bytes for e in g)]
    print(f"same body once normalised: {len(exact)} groups ({len(normalised)} not byte-identical)")
    print(f"near-duplicates (bodies differ): {len(near)} groups")
    for g in near[: args.examples]:
        a, b = g[0], g[1]
        bodies = svc.catalog.bodies([a.id, b.id])
        sa, sb = set(shingles(bodies[a.id]).tolist()), set(shingles(bodies[b.id]).tolist())
        sig_a, sig_b = signature(bodies[a.id]), signature(bodies[b.id])
        est = similarity(sig_a, sig_b) if sig_a is not None and sig_b is not None else 0.0
        print(f"  J={len(sa & sb) / len(sa | sb):.2f} (est {est:.2f})  {a.path} | {b.path}")
        print(f"      {a.title[:60]!r} | {b.title[:60]!r}")


if __name__ == "__main__":
    main()
