"""Big index batches written by spawned worker processes, one new segment each.

Whoosh's own multi-process writer (`procs=2`) forks a fresh pair of workers for every batch
(unsafe in a threaded process), the parent pickles every document into temporary files for
them, and its workers use Whoosh's tuple pool (see whoosh_pool). Here a pool of *spawned*
workers lives for the whole refresh; each job names a slice of catalog ids, and the worker
reads those rows from the catalog itself (read-only), indexes them with `FastSegmentWriter`
and finishes a segment, returning only the segment's description. The parent, which holds
the index lock, adds the segments to the table of contents in one commit, as Whoosh's
`multisegment=True` writer does: each batch becomes `procs` segments, searchable together.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from whoosh import index

from tuireader.search.catalog import Catalog, to_article
from tuireader.search.whoosh_codec import writer_options
from tuireader.search.whoosh_pool import FastSegmentWriter
from tuireader.search.whoosh_schema import document


@dataclass(frozen=True)
class SegmentJob:
    """Index these catalog rows into one new segment of the index in `folder`."""

    folder: str
    indexname: str
    catalog: str
    ids: tuple[str, ...]


def read_only_catalog(path: str) -> Catalog:
    """The catalog opened only to read (no schema set-up, so no write lock is taken)."""
    catalog = Catalog.__new__(Catalog)
    catalog.path = Path(path)
    catalog._writes = 0
    catalog.read_only_error = "opened to read by an index worker"
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    catalog.db = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
    return catalog


def index_segment(job: SegmentJob) -> tuple[object | None, int]:
    """In a worker: the new segment (Whoosh's segment object, None if no row was found)
    holding the job's rows, and their count. Runs without Whoosh's lock: the parent holds
    it, and only the parent commits."""
    catalog = read_only_catalog(job.catalog)
    try:
        ix = index.open_dir(job.folder, indexname=job.indexname)
        writer = FastSegmentWriter(ix, _lk=False, **writer_options())
        try:
            for start in range(0, len(job.ids), 500):  # a slice at a time: bounded memory
                ids = list(job.ids[start : start + 500])
                entries, bodies = catalog.entries_by_id(ids), catalog.bodies(ids)
                for article_id in ids:
                    entry = entries.get(article_id)
                    if entry is not None:
                        article = to_article(entry, bodies.get(article_id, ""))
                        writer.add_document(**document(article))
            if not writer._added:
                writer._close_segment()
                return None, 0
            return writer._finalize_segment(), writer.doc_count()
        except BaseException:
            writer.cancel()
            raise
    finally:
        catalog.close()


def start_workers(processes: int) -> ProcessPoolExecutor:
    from multiprocessing import get_context

    from tuireader.storage.orphans import die_with_parent

    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=get_context("spawn"),
        initializer=die_with_parent,  # no orphaned workers after a kill -9 of the indexer
        initargs=(os.getpid(),),
    )


def split(ids: Sequence[str], parts: int) -> list[tuple[str, ...]]:
    """`parts` contiguous slices of nearly equal size (none empty)."""
    size, extra = divmod(len(ids), parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        if stop > start:
            out.append(tuple(ids[start:stop]))
        start = stop
    return out


def write_segments(
    ix,
    catalog: Catalog,
    ids: Sequence[str],
    workers: Executor,
    parts: int,
    *,
    mergetype: Callable,
    tick: Callable[[int], None] | None = None,
) -> int:
    """Add the catalog rows `ids` to the index as `parts` new segments written by
    `workers`, and commit; returns how many documents were added (ids no longer in the
    catalog are left out). Call only while holding the writer lock. A worker's failure
    cancels the whole batch (nothing is committed) and is raised."""
    writer = FastSegmentWriter(ix, **writer_options())  # takes Whoosh's lock for the commit
    try:
        jobs = [
            SegmentJob(str(ix.storage.folder), ix.indexname, str(catalog.path), part)
            for part in split(ids, parts)
        ]
        futures = [workers.submit(index_segment, job) for job in jobs]
        segments, done, added = [], 0, 0
        for job, future in zip(jobs, futures, strict=True):
            segment, count = future.result()
            done += len(job.ids)
            added += count
            if segment is not None:
                segments.append(segment)
            if tick and done < len(ids):
                tick(done)
        # What MpWriter._commit does with multisegment=True: merge the old segments (the
        # policy may fold small ones into this writer's own segment), then add the new.
        final = writer._merge_segments(mergetype, False, True)
        final += segments
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    return added
