"""Cold search: one query per fresh process, ours beside SQLite FTS5 and tantivy (issue 23).

    python bench/cold_bench.py LIBRARY XDG_DIR [--work /tmp/cold-bench] [--runs 3]
        [--engines ours,fts5,fts5-2,tantivy] [--profile QUERY]

XDG_DIR holds our cache (XDG_CACHE_HOME=XDG_DIR/cache, built beforehand with `tuireader
--library LIBRARY index`). FTS5 and tantivy indexes of the same titles, authors and bodies
(read from our catalog) are built once into --work and kept.

Every (run, query, engine) is a child process that imports its engine, opens the index (timed
apart: "open"), runs the one query once (cold: the first run in the process) and then five
times more (warm: their median), and prints the times. Engines alternate query by query, so
all see the same load. The OS page cache is not dropped (no root): cold here means a fresh
process over files the kernel may already hold, which is what a CLI search or a new reader
sees. Every engine runs the same query set; a kind an engine cannot express is n/a.

What a query includes, per engine: ours `SearchService.search(q, limit=20)` (parse, expand,
rank, top 20 with snippets and match offsets); fts5 one statement (MATCH, bm25 with title
weight 3, LIMIT 20, snippet()); fts5-2 the two-step form (ids of the top 20, then the
snippets of those 20 rows); tantivy parse (or a prefix/fuzzy query object), top 20, the
stored documents and a body snippet for each.

`--profile QUERY` runs QUERY cold in one fresh process under cProfile and prints the top.
tantivy is a bench-only extra (`pip install tantivy`), never imported by tuireader.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
# kind -> queries in our syntax; every engine gets the same ones (see `fts5_form`, `tantivy_query`)
QUERIES: dict[str, list[str]] = {
    "rare word": ["shinjuku", "kinnarees", "hansard", "pornographic", "camara"],
    "common word": ["government", "people", "year", "market", "music"],
    "two words": ["mobile phone", "chief executive", "election campaign", "film award"],
    "phrase": ['"chief executive"', '"prime minister"', '"mobile phone"', '"world cup"'],
    "prefix": ["gov*", "tele*", "champion*", "econom*"],
    "fuzzy": ["govermnent~", "musik~", "electoin~2", "champoin~2"],
    "field": ["title:music", "title:election", "author:okafor", "title:government"],
}
ENGINES = ("ours", "fts5", "fts5-2", "tantivy")
# also: "ours-blocks", ours with the derived arrays ignored (Whoosh's blocks decoded: the
# code before them, on the same index)
WARM = 5


def fts5_form(q: str) -> str | None:
    """FTS5's MATCH form of one of our queries (None: FTS5 has no fuzzy search)."""
    if q.endswith("~") or "~" in q:
        return None
    if q.startswith('"') or ":" in q or q.endswith("*"):
        return q
    return " OR ".join(q.split())  # ours OR the words (with a bonus for all of them)


# ---------------------------------------------------------------- children (one query each)


def open_ours(lib: Path, cache: Path):
    """Our service with its searcher and catalog open and the search modules imported
    (the first search imports numpy and the array scorer: process start, not the query)."""
    import importlib

    from tuireader.search import SearchService

    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    svc = SearchService(lib, cache)
    svc.store.searcher()
    svc.catalog.pending_count()
    return svc


# what the first search imports (a module missing here is skipped: another version's layout)
PRELOAD = ("numpy", "tuireader.search.vector.run", "tuireader.search.ranking")


def child_ours(lib: Path, cache: Path, q: str, *, blocks: bool = False) -> dict:
    t = time.perf_counter()
    svc = open_ours(lib, cache)
    if blocks:  # the derived arrays ignored: Whoosh's blocks decoded, as before them
        from tuireader.search.vector import derived

        derived.for_reader = lambda _reader: None
    opened = time.perf_counter() - t
    t = time.perf_counter()
    first = svc.search(q, limit=20)
    cold = time.perf_counter() - t
    assert first.error is None, first.error
    warm = []
    for _ in range(WARM):
        t = time.perf_counter()
        svc.search(q, limit=20)
        warm.append(time.perf_counter() - t)
    return {"open": opened, "cold": cold, "warm": statistics.median(warm), "hits": first.total}


def _fts5_once(db, form: str, two_step: bool) -> int:
    if not two_step:
        rows = db.execute(
            "SELECT id, snippet(t, 3, '[', ']', '…', 20) FROM t WHERE t MATCH ? "
            "ORDER BY bm25(t, 0.0, 3.0, 0.0, 1.0) LIMIT 20",
            (form,),
        ).fetchall()
        return len(rows)
    ids = [
        r[0]
        for r in db.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 0.0, 3.0, 0.0, 1.0) LIMIT 20",
            (form,),
        )
    ]
    if ids:
        marks = ",".join("?" * len(ids))
        db.execute(
            f"SELECT id, snippet(t, 3, '[', ']', '…', 20) FROM t WHERE t MATCH ? "
            f"AND rowid IN ({marks})",
            (form, *ids),
        ).fetchall()
    return len(ids)


def child_fts5(path: Path, q: str, two_step: bool) -> dict:
    t = time.perf_counter()
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("SELECT count(*) FROM t_config").fetchone()  # read the schema and config
    opened = time.perf_counter() - t
    form = fts5_form(q)
    assert form is not None
    t = time.perf_counter()
    n = _fts5_once(db, form, two_step)
    cold = time.perf_counter() - t
    warm = []
    for _ in range(WARM):
        t = time.perf_counter()
        _fts5_once(db, form, two_step)
        warm.append(time.perf_counter() - t)
    return {"open": opened, "cold": cold, "warm": statistics.median(warm), "hits": n}


def tantivy_query(index, schema, q: str):
    import tantivy

    if q.endswith("*"):  # tantivy's parser has no wildcard: a regex query on the stemmed body
        return tantivy.Query.regex_query(schema, "body", q[:-1].lower() + ".*")
    if "~" in q:
        word, _sep, dist = q.partition("~")
        return tantivy.Query.fuzzy_term_query(
            schema, "body", word.lower(), distance=int(dist or 1), transposition_cost_one=True
        )
    return index.parse_query(q, ["title", "body"], field_boosts={"title": 3.0})


def _tantivy_once(index, schema, searcher, q: str) -> int:
    import tantivy

    query = tantivy_query(index, schema, q)
    found = searcher.search(query, 20)
    gen = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
    for _score, address in found.hits:
        doc = searcher.doc(address)
        gen.snippet_from_doc(doc).to_html()
    return found.count if found.count is not None else len(found.hits)


def child_tantivy(path: Path, q: str) -> dict:
    t = time.perf_counter()
    import tantivy

    index = tantivy.Index.open(str(path))
    schema = index.schema
    searcher = index.searcher()
    opened = time.perf_counter() - t
    t = time.perf_counter()
    n = _tantivy_once(index, schema, searcher, q)
    cold = time.perf_counter() - t
    warm = []
    for _ in range(WARM):
        t = time.perf_counter()
        _tantivy_once(index, schema, searcher, q)
        warm.append(time.perf_counter() - t)
    return {"open": opened, "cold": cold, "warm": statistics.median(warm), "hits": n}


# ---------------------------------------------------------------- the other engines' builds


def build_others(lib: Path, cache: Path, work: Path) -> tuple[Path, Path]:
    """FTS5 and tantivy indexes of our catalog's titles, authors and bodies (built once)."""
    work.mkdir(parents=True, exist_ok=True)
    fts, tv = work / "fts5.sqlite3", work / "tantivy"
    if fts.exists() and tv.exists():
        return fts, tv
    import sqlite3

    from tuireader.search import SearchService

    svc = SearchService(lib, cache)
    entries = svc.entries()
    bodies = svc.catalog.bodies([e.id for e in entries])
    rows = [(e.id, e.title, e.author or "", bodies.get(e.id, "")) for e in entries]
    svc.close()
    if not fts.exists():
        t = time.perf_counter()
        db = sqlite3.connect(fts.with_suffix(".part"))
        db.execute(
            "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, author, body, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
        db.commit()
        db.close()
        fts.with_suffix(".part").rename(fts)
        print(f"FTS5 built in {time.perf_counter() - t:.1f} s", flush=True)
    if not tv.exists():
        import shutil

        import tantivy

        t = time.perf_counter()
        part = work / "tantivy.part"
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("author", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
        index = tantivy.Index(builder.build(), path=str(part))
        writer = index.writer(heap_size=200_000_000, num_threads=2)
        for doc_id, title, author, body in rows:
            writer.add_document(tantivy.Document(id=doc_id, title=title, author=author, body=body))
        writer.commit()
        writer.wait_merging_threads()
        part.rename(tv)
        print(f"tantivy built in {time.perf_counter() - t:.1f} s", flush=True)
    return fts, tv


# ---------------------------------------------------------------- the parent


def spawn(args: list[str], env: dict) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def supports(engine: str, q: str) -> bool:
    return not engine.startswith("fts5") or fts5_form(q) is not None


def report(times: dict[str, dict[str, dict[str, list[float]]]], engines: list[str]) -> None:
    """times[engine][kind][measure] -> seconds; one table of cold and warm by kind."""
    head = ["kind"]
    for e in engines:
        head += [f"{e} cold p50", f"{e} cold p95", f"{e} warm p50"]
    others = [e for e in engines if e != "ours"]
    head += [f"ours/{e} cold" for e in others]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    kinds = [*QUERIES, "all"]
    for kind in kinds:
        row = [kind]
        p50: dict[str, float | None] = {}
        for e in engines:
            if kind == "all":
                cold = [x for k in QUERIES for x in times[e].get(k, {}).get("cold", [])]
                warm = [x for k in QUERIES for x in times[e].get(k, {}).get("warm", [])]
            else:
                cold = times[e].get(kind, {}).get("cold", [])
                warm = times[e].get(kind, {}).get("warm", [])
            if not cold:
                row += ["n/a"] * 3
                p50[e] = None
                continue
            p50[e] = pct(cold, 0.5)
            row += [f"{pct(cold, 0.5) * 1000:.1f}", f"{pct(cold, 0.95) * 1000:.1f}"]
            row.append(f"{pct(warm, 0.5) * 1000:.2f}")
        for e in others:
            ours, theirs = p50.get("ours"), p50.get(e)
            row.append(f"{ours / theirs:.2f}x" if ours and theirs else "n/a")
        print("| " + " | ".join(row) + " |")
    if "fts5" in engines:  # the same query set as FTS5's: the kinds it can express
        both = [k for k in QUERIES if times["fts5"].get(k)]
        ours = [x for k in both for x in times["ours"].get(k, {}).get("cold", [])]
        fts = [x for k in both for x in times["fts5"][k]["cold"]]
        if ours and fts:
            print(
                f"\nover FTS5's kinds only ({', '.join(both)}): ours cold p50 "
                f"{pct(ours, 0.5) * 1000:.1f} ms vs FTS5 {pct(fts, 0.5) * 1000:.1f} ms = "
                f"{pct(ours, 0.5) / pct(fts, 0.5):.2f}x"
            )
    for e in engines:
        opens = [x for k in QUERIES for x in times[e].get(k, {}).get("open", [])]
        if opens:
            print(
                f"open ({e}, import + open, excluded above): p50 {pct(opens, 0.5) * 1000:.1f} "
                f"ms, p95 {pct(opens, 0.95) * 1000:.1f} ms"
            )


def profile(lib: Path, cache: Path, q: str) -> None:
    import cProfile
    import pstats

    svc = open_ours(lib, cache)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    svc.search(q, limit=20)
    prof.disable()
    print(f"cold {q!r}: {(time.perf_counter() - t) * 1000:.1f} ms (under cProfile)")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    pstats.Stats(prof).sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("xdg", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cold-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--kinds", default=",".join(QUERIES))
    parser.add_argument("--profile", metavar="QUERY")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = next((args.xdg / "cache" / "tuireader" / "libraries").iterdir())
    if args.child:
        engine, q = args.child
        if engine.startswith("ours"):
            out = child_ours(args.library, cache, q, blocks=engine == "ours-blocks")
        elif engine == "tantivy":
            out = child_tantivy(args.work / "tantivy", q)
        else:
            out = child_fts5(args.work / "fts5.sqlite3", q, engine == "fts5-2")
        print(json.dumps(out))
        return
    if args.profile:
        profile(args.library, cache, args.profile)
        return
    engines = args.engines.split(",")
    kinds = args.kinds.split(",")
    if set(engines) - {"ours"}:
        build_others(args.library, cache, args.work)
    env = dict(os.environ, XDG_CACHE_HOME=str(args.xdg / "cache"))
    env["XDG_DATA_HOME"], env["XDG_CONFIG_HOME"] = str(args.xdg / "data"), str(args.xdg / "config")
    env["PYTHONPATH"] = str(SRC)
    base = ["--work", str(args.work)]
    print(f"load before: {os.getloadavg()}", flush=True)
    started = time.perf_counter()
    times: dict[str, dict[str, dict[str, list[float]]]] = {e: {} for e in engines}
    hits: dict[tuple[str, str], int] = {}
    for _run in range(args.runs):
        for kind in kinds:
            for q in QUERIES[kind]:
                for e in engines:
                    if not supports(e, q):
                        continue
                    out = spawn([str(args.library), str(args.xdg), *base, "--child", e, q], env)
                    for measure in ("open", "cold", "warm"):
                        times[e].setdefault(kind, {}).setdefault(measure, []).append(out[measure])
                    hits[(e, q)] = out["hits"]
    print(f"load after: {os.getloadavg()} ({time.perf_counter() - started:.0f} s)")
    print(f"\n{args.library}: {args.runs} fresh processes per query and engine; ms")
    report(times, engines)


if __name__ == "__main__":
    main()
