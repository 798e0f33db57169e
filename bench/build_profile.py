"""Where a full build's CPU goes, per document: parse phase and index phase, in one process.

    python bench/build_profile.py /tmp/c2k [--share 2] [--work DIR] [--dump FILE]

Runs the same functions `tuireader index --rebuild` runs, but in-process and one at a time
so cProfile sees them: the parse of one worker's share of the files (1/--share of them, as
`parse_for_catalog` runs it in a worker), the pickling of the results between processes,
the catalog's SQLite writes, then the index phase on the whole catalog with one writer
process (Whoosh's forked workers are invisible to cProfile: with procs=2 each does about
half of the same work). Prints ms per document for each part, by the cumulative time of the
functions named in PARTS (a part's children are not subtracted from it; "other" is the rest
of the phase). Wall times also printed; profiling inflates Python-heavy parts ~1.5-2x.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tuireader.articles import scan
from tuireader.search import refresh
from tuireader.search.catalog import Catalog
from tuireader.search.models import RefreshSummary
from tuireader.search.whoosh_store import WhooshStore

# (label, file suffix, function name): cumulative time of that function in the phase.
PARSE_PARTS = [
    ("read file", "scan.py", "parse_entry"),  # includes everything below it
    ("  decode_bytes", "decode.py", "decode_bytes"),
    ("  parse_text", "plaintext.py", "parse_text"),
    ("    dates (parse_date)", "dates.py", "parse_date"),
    ("    normalise/reflow", "textnorm.py", "normalise_text"),
    ("    reflow", "textnorm.py", "reflow"),
    ("  build_article", "model.py", "build_article"),
    ("    summary", "model.py", "make_summary"),
    ("    count_words", "model.py", "count_words"),
    ("    fingerprint", "model.py", "fingerprint"),
    ("    _nfc", "model.py", "_nfc"),
    ("article_words (vocab)", "catalog.py", "article_words"),
    ("pack_body (zlib)", "catalog.py", "pack_body"),
]
INDEX_PARTS = [
    ("catalog reads", "refresh.py", "<dictcomp>"),
    ("  entries_by_id", "catalog.py", "entries_by_id"),
    ("  bodies (unzip)", "catalog.py", "bodies"),
    ("set_state", "catalog.py", "set_state"),
    ("document()", "whoosh_schema.py", "document"),
    ("add_document", "writing.py", "add_document"),
    ("  StemmedText.index", "whoosh_schema.py", "index"),
    ("    token_positions", "whoosh_schema.py", "token_positions"),
    ("    index_term (misses)", "whoosh_schema.py", "index_term"),
    ("    Positions.encode", "formats.py", "encode"),
    ("  other fields' index", "fields.py", "index"),
    ("  pool add", "whoosh_codec.py", "add"),
    ("  per-doc columns/lengths", "writing.py", "_add_to_columns"),
    ("commit", "writing.py", "commit"),
    ("  pool sort/spill (save)", "writing.py", "save"),
    ("  pool merge (iter_postings)", "writing.py", "iter_postings"),
    ("  add_postings", "whoosh_codec.py", "add_postings"),
    ("  segment merge (add_reader)", "writing.py", "add_reader"),
]


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    total = 0.0
    for (filename, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and filename.endswith(suffix):
            total += row[3]  # cumulative time; recursion is counted once by cProfile
    return total


def table(title: str, stats: pstats.Stats, parts: list, docs: int, wall: float) -> None:
    total = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"\n{title}: {docs} docs, profiled {total:.2f} s = {1000 * total / docs:.2f} ms/doc"
        f" (wall unprofiled {1000 * wall / docs:.2f} ms/doc)"
    )
    for label, suffix, name in parts:
        t = cumulative(stats, suffix, name)
        print(f"  {label:32s} {1000 * t / docs:7.3f} ms/doc  {100 * t / total:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--share", type=int, default=2, help="workers sharing the parse")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--dump", type=Path, help="prefix for .pstats files")
    parser.add_argument("--top", type=int, default=0, help="also print the top N functions")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="build-profile-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    entries = list(scan.walk_library(args.library))
    share = entries[:: args.share]
    print(
        f"{len(entries)} files; parse profiled on {len(share)} (1/{args.share}); "
        f"load {os.getloadavg()[0]:.2f}"
    )

    # -- parse phase: one worker's share --------------------------------------------------
    t0 = time.process_time()
    for e in share:
        refresh.parse_for_catalog(e)
    parse_wall = time.process_time() - t0
    prof = cProfile.Profile()
    prof.enable()
    parsed = [refresh.parse_for_catalog(e) for e in share]
    prof.disable()
    table("parse (one worker)", pstats.Stats(prof), PARSE_PARTS, len(share), parse_wall)
    t0 = time.process_time()
    blobs = [pickle.dumps(p, pickle.HIGHEST_PROTOCOL) for p in parsed]
    dumps = time.process_time() - t0
    t0 = time.process_time()
    for b in blobs:
        pickle.loads(b)
    loads = time.process_time() - t0
    size = sum(map(len, blobs)) / len(blobs)
    print(
        f"  pickle between processes: dumps {1000 * dumps / len(share):.3f} + loads "
        f"{1000 * loads / len(share):.3f} ms/doc, {size / 1e3:.1f} KB/doc"
    )

    # -- catalog writes (all docs, as the parent does) ------------------------------------
    all_parsed = [refresh.parse_for_catalog(e) for e in entries]
    catalog = Catalog(work / "catalog.sqlite")
    summary = RefreshSummary()
    changes = refresh.diff(entries, catalog)
    prof = cProfile.Profile()
    t0 = time.process_time()
    original = scan.parse_entries
    refresh.parse_entries = lambda es, **kw: iter(all_parsed)  # type: ignore[assignment]
    try:
        prof.enable()
        refresh.update_catalog(catalog, changes, summary, progress=None, processes=1)
        prof.disable()
    finally:
        refresh.parse_entries = original  # type: ignore[assignment]
    store_wall = time.process_time() - t0
    stats = pstats.Stats(prof)
    table(
        "catalog store (parent)",
        stats,
        [
            ("Catalog.store", "catalog.py", "store"),
            ("  _upsert", "catalog.py", "_upsert"),
            ("  _count_words", "catalog.py", "_count_words"),
            ("  _old_words", "catalog.py", "_old_words"),
        ],
        len(entries),
        store_wall,
    )

    # -- index phase, one process ---------------------------------------------------------
    store = WhooshStore(work / "index")
    prof = cProfile.Profile()
    t0 = time.process_time()
    prof.enable()
    refresh.update_index(catalog, store, summary, progress=None, procs=1)
    prof.disable()
    index_wall = time.process_time() - t0
    stats = pstats.Stats(prof)
    table("index (one process)", stats, INDEX_PARTS, len(entries), index_wall)
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)
    if args.dump:
        stats.dump_stats(f"{args.dump}.index.pstats")
    print(f"index files {sum(f.stat().st_size for f in (work / 'index').iterdir()) / 1e6:.1f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
