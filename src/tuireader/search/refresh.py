"""Bring the catalog and the index up to date with the library folder.

Two phases, both resumable: (1) walk the folder, compare (size, mtime_ns) with the catalog,
parse only what changed (in spawned worker processes for big batches), follow moves by body
fingerprint and store each batch in the catalog, so the list is complete long before the
index is; (2) feed pending catalog rows to the full-text index in batches that each commit,
so search works on what is done. The caller holds the writer lock.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace

from tuireader.articles import scan
from tuireader.articles.scan import FileEntry, Skipped, parse_entries
from tuireader.search.catalog import (
    DIRTY,
    INDEXED,
    NEW,
    Catalog,
    Known,
    Stored,
    article_words,
    pack_body,
    to_article,
)
from tuireader.search.models import IndexProgress, RefreshSummary
from tuireader.search.whoosh_parallel import start_workers
from tuireader.search.whoosh_store import WhooshStore, is_damage

Progress = Callable[[IndexProgress], None]
CATALOG_BATCH = 1000


@dataclass
class Diff:
    """What the walk found that the catalog does not know yet."""

    to_parse: list[FileEntry] = field(default_factory=list)
    removed: dict[str, Known] = field(default_factory=dict)  # path -> what we knew
    skipped: list[tuple[str, str]] = field(default_factory=list)  # unchanged skipped files
    unskipped: list[str] = field(default_factory=list)  # skipped files that vanished

    @property
    def empty(self) -> bool:
        return not (self.to_parse or self.removed or self.unskipped)


def walk_digest(files: Iterable[FileEntry]) -> str:
    """A digest of a walk (paths, sizes, mtimes in walk order). The catalog keeps the digest
    of the walk it was last made to match, so an unchanged library is recognised without
    loading and comparing every row (0.3-0.5 s at 100k articles)."""
    text = "\n".join(f"{e.relpath}\0{e.size}\0{e.mtime_ns}" for e in files)
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def diff(files: Iterable[FileEntry], catalog: Catalog) -> Diff:
    known = catalog.stats()
    known_skipped = catalog.known_skipped()
    result = Diff()
    for entry in files:
        if known.pop(entry.relpath, None) == (entry.size, entry.mtime_ns):
            continue
        skip = known_skipped.pop(entry.relpath, None)
        if skip is not None and (skip[0], skip[1]) == (entry.size, entry.mtime_ns):
            result.skipped.append((entry.relpath, skip[2]))
            continue
        result.to_parse.append(entry)
    result.removed = catalog.details(known) if known else {}
    result.unskipped = list(known_skipped)
    return result


def parse_for_catalog(entry: FileEntry) -> Stored | Skipped:
    """Parse one file and do the rest of its per-article work (vocabulary words, compressed
    body) where it is parsed: in a worker process during big updates, leaving the storing
    process only the SQLite writes. Markdown `source` is not stored, so it is not sent."""
    item = scan.parse_entry(entry)  # looked up when called (tests replace it)
    if isinstance(item, Skipped):
        return item
    if item.source is not None:
        item = replace(item, source=None)
    return Stored(item, entry.size, entry.mtime_ns, article_words(item), pack_body(item.body))


def default_processes() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def update_catalog(
    catalog: Catalog,
    changes: Diff,
    summary: RefreshSummary,
    *,
    progress: Progress | None,
    processes: int,
) -> None:
    """Phase 1: parse what changed and store it batch by batch; removals and moves last."""
    gone_by_fp: dict[str, list[Known]] = {}
    for known in changes.removed.values():
        gone_by_fp.setdefault(known.fingerprint, []).append(known)
    known_paths = catalog.details(e.relpath for e in changes.to_parse)
    total = len(changes.to_parse)
    done = 0
    batch: list[Stored] = []
    skipped: list[tuple[str, int, int, str]] = []
    moved_ids: set[str] = set()
    stat = {e.relpath: e for e in changes.to_parse}

    def flush() -> None:
        catalog.store(batch, skipped=skipped, remove_ids=())
        batch.clear()
        skipped.clear()
        if progress:
            progress(IndexProgress("parse", done, total))

    if progress:
        progress(IndexProgress("parse", 0, total))
    for parsed in parse_entries(changes.to_parse, processes=processes, parse=parse_for_catalog):
        done += 1
        if isinstance(parsed, Skipped):
            entry = stat[parsed.path]
            skipped.append((parsed.path, entry.size, entry.mtime_ns, parsed.reason))
            summary.skipped.append((parsed.path, parsed.reason))
            if parsed.path in known_paths:  # was an article, is now unreadable
                changes.removed[parsed.path] = known_paths[parsed.path]
        else:
            item = parsed.article
            batch.append(parsed)
            if item.path in known_paths:
                summary.updated += 1
            elif gone_by_fp.get(item.fingerprint):
                old = gone_by_fp[item.fingerprint].pop()
                moved_ids.add(old.id)
                summary.moved.append((old.id, item.id))
            else:
                summary.added += 1
        if len(batch) + len(skipped) >= CATALOG_BATCH:
            flush()
    remove_ids = [k.id for k in changes.removed.values()]
    summary.removed += sum(1 for i in remove_ids if i not in moved_ids)
    catalog.store(batch, skipped=skipped, remove_ids=remove_ids, unskip=changes.unskipped)
    summary.skipped.extend(changes.skipped)
    if progress:
        progress(IndexProgress("parse", done, total))


FIRST_BATCH = 500
# Each batch is split between the index workers, and a worker's segment of n documents
# holds about 15 MB per 1,000 in memory (whoosh_pool): 24,000 keeps a worker under ~200 MB
# and a 100k build at 9 commits (18 segments, as before).
MAX_BATCH = 24_000


def batch_bounds(total: int) -> list[tuple[int, int]]:
    """Index batches that double in size: the first results are searchable after 500
    documents, and a 100k build commits only 9 times (each commit is a new segment)."""
    bounds, start, size = [], 0, FIRST_BATCH
    while start < total:
        bounds.append((start, min(total, start + size)))
        start += size
        size = min(MAX_BATCH, size * 2)
    return bounds


def writer_processes() -> int:
    """Index workers are spawned (whoosh_parallel), never forked: safe in a threaded
    process too."""
    return default_processes()


def update_index(
    catalog: Catalog,
    store: WhooshStore,
    summary: RefreshSummary,
    *,
    progress: Progress | None,
    procs: int,
) -> None:
    """Phase 2: delete tombstoned ids, then add/replace pending rows in committed batches."""
    try:
        _check(catalog, store, summary)
        _index_pending(catalog, store, summary, progress=progress, procs=procs)
    except Exception as exc:
        if not is_damage(exc):
            raise
        store.wipe()
        catalog.forget_index()
        summary.rebuilt = True
        _index_pending(catalog, store, summary, progress=progress, procs=procs)


def _check(catalog: Catalog, store: WhooshStore, summary: RefreshSummary) -> None:
    """Catch an index that lost or kept documents behind the catalog's back."""
    if not store.exists():
        if catalog.indexed_count() or any(s != NEW for _i, s in catalog.pending()):
            catalog.forget_index()
            summary.rebuilt = True
        return
    live = store.doc_count()
    indexed = catalog.indexed_count()
    dirty = sum(1 for _i, s in catalog.pending() if s == DIRTY)
    tombs = len(catalog.tombstones())
    if not indexed <= live <= indexed + dirty + tombs:
        catalog.reconcile(store.stored_ids())


def _index_pending(
    catalog: Catalog,
    store: WhooshStore,
    summary: RefreshSummary,
    *,
    progress: Progress | None,
    procs: int,
) -> None:
    tombs = catalog.tombstones()
    pending = catalog.pending()
    if not pending and not tombs:
        return
    total = len(pending)
    if progress:
        progress(IndexProgress("index", 0, total))
    if tombs and not pending:
        store.write(delete=tombs)
        catalog.clear_tombstones(tombs)
    workers: Executor | None = None
    done = 0
    try:
        for start, stop in batch_bounds(total):
            chunk = pending[start:stop]
            deletes = tombs if start == 0 else []

            def tick(n: int, done: int = done) -> None:
                if progress:
                    progress(IndexProgress("index", done + n, total))

            if procs > 1 and len(chunk) >= 200 and not deletes and all(s == NEW for _i, s in chunk):
                # new documents only: segments written by spawned workers (whoosh_parallel)
                if workers is None:
                    workers = start_workers(procs)
                summary.indexed += _index_in_workers(catalog, store, chunk, workers, procs, tick)
            else:
                summary.indexed += _index_here(catalog, store, chunk, deletes, tick)
            if deletes:
                catalog.clear_tombstones(deletes)
            done += len(chunk)
            if progress:
                progress(IndexProgress("index", done, total))
    finally:
        if workers is not None:
            workers.shutdown()


def _index_in_workers(
    catalog: Catalog,
    store: WhooshStore,
    chunk: list[tuple[str, int]],
    workers: Executor,
    procs: int,
    tick: Callable[[int], None],
) -> int:
    """One batch of new documents: the workers read them from the catalog, so this
    process never holds their texts. A worker that died costs the batch, redone here."""
    ids = [i for i, _s in chunk]
    catalog.set_state(ids, DIRTY)  # in flight: may land in the index
    try:
        added = store.write_segments(catalog, ids, workers, procs, tick=tick)
    except BrokenProcessPool:
        return _index_here(catalog, store, [(i, DIRTY) for i in ids], [], tick)
    catalog.set_state(ids, INDEXED)
    return added


def _index_here(
    catalog: Catalog,
    store: WhooshStore,
    chunk: list[tuple[str, int]],
    deletes: list[str],
    tick: Callable[[int], None],
) -> int:
    """One batch written by this process: additions, replacements and deletions."""
    ids = [i for i, _s in chunk]
    entries = catalog.entries_by_id(ids)
    bodies = catalog.bodies(ids)
    articles = {i: to_article(entries[i], bodies.get(i, "")) for i in ids if i in entries}
    new = [articles[i] for i, s in chunk if s == NEW and i in articles]
    dirty = [articles[i] for i, s in chunk if s != NEW and i in articles]
    catalog.set_state([a.id for a in new], DIRTY)  # in flight: may land in the index
    store.write(add=new, replace=dirty, delete=deletes, tick=tick)
    catalog.set_state(list(articles), INDEXED)
    return len(articles)


def run_refresh(
    catalog: Catalog,
    store: WhooshStore,
    files: list[FileEntry],
    *,
    rebuild: bool,
    progress: Progress | None,
    processes: int | None,
    index: bool = True,
) -> RefreshSummary:
    started = time.perf_counter()
    summary = RefreshSummary()
    if rebuild:
        store.wipe()
        catalog.clear()
        summary.rebuilt = True
    if progress:
        progress(IndexProgress("scan", len(files), len(files)))
    digest = walk_digest(files)
    if catalog.walk_digest() == digest:  # unchanged: report the skipped files it recorded
        known = catalog.known_skipped()
        summary.skipped.extend((p, known[p][2]) for p in sorted(known))
        if progress:
            progress(IndexProgress("parse", 0, 0))
    else:
        catalog.set_walk_digest(None)  # until the catalog matches this walk again
        procs = processes if processes is not None else default_processes()
        changes = diff(files, catalog)
        update_catalog(catalog, changes, summary, progress=progress, processes=procs)
        catalog.set_walk_digest(digest)
    if index:
        writer = writer_processes() if processes is None else min(processes, writer_processes())
        update_index(catalog, store, summary, progress=progress, procs=writer)
        tick = (lambda d, t: progress(IndexProgress("arrays", d, t))) if progress else None
        store.complete_arrays(tick)  # an older tuireader's index: once, then a read a segment
    summary.seconds = time.perf_counter() - started
    return summary
