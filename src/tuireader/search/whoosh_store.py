"""The Whoosh index on disk: open it, notice damage, write batches of documents.

Only this module and `whoosh_query` / `whoosh_schema` import Whoosh. Writers are only ever
created by the refresh code while it holds our cross-process writer lock, so Whoosh's own
lock never makes anyone wait or fail.

Damage (a `kill -9` can leave a half-written segment, a missing file, an unreadable TOC) is
detected when opening or reading; the caller then wipes the index folder and rebuilds from
the catalog.
"""

from __future__ import annotations

import pickle
import shutil
import struct
import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import whoosh
from whoosh import index

from tuireader.articles.model import Article
from tuireader.search import whoosh_buffers
from tuireader.search.catalog import Catalog
from tuireader.search.whoosh_codec import writer_options
from tuireader.search.whoosh_pool import FastSegmentWriter
from tuireader.search.whoosh_schema import document, make_schema

if TYPE_CHECKING:  # the parallel writer (multiprocessing, concurrent.futures): not for a search
    from concurrent.futures import Executor

whoosh_buffers.install()

INDEX_NAME = "main"
# What the index's terms mean: bump it whenever the analysers change (whoosh_schema), so an
# index written by an older version is rebuilt instead of silently missing words. Written
# before the index is created, so whoever sees an index also sees its format.
# 2: combining marks stay inside words and accents fold the same in NFC and NFD.
# Not bumped for the faster build (same terms; the sort columns lost their unused terms): an
# index of format 2 written before it stays valid, and updates to it use its own schema.
# 3: title and body positions keep the places of stop words and single letters and skip
# SENTENCE_GAP at each sentence break (exact phrases); an index of format 2 is rebuilt.
INDEX_FORMAT = "3"
FORMAT_FILE = "tuireader-format"
# What Whoosh raises reading a damaged or half-written index: I/O errors, truncated or garbled
# files (struct, zlib, pickle, bad values and lookups in its tables) and its own errors. They
# mean "rebuild" (see `is_damage`).
DAMAGE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    ValueError,
    KeyError,
    IndexError,
    index.IndexError,
)
# Whoosh also raises these on truncated files (`ord()` of an empty read), but from our own
# patches of its internals they mean a bug (a changed Whoosh), which must show as one and
# never wipe the index: they count as damage only when raised inside Whoosh's own code.
_DAMAGE_IN_WHOOSH = (TypeError, AttributeError)
_WHOOSH_DIR = str(Path(whoosh.__file__).resolve().parent)


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` says the index is damaged (rebuild it) rather than that we have a bug."""
    if isinstance(exc, (IndexDamaged, *DAMAGE)):
        return True
    if not isinstance(exc, _DAMAGE_IN_WHOOSH):
        return False
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(_WHOOSH_DIR)


MAX_SEGMENTS = 16


def merge_tiered(writer, segments):
    """Merge only when there are many segments, and then only the smallest ones.

    Whoosh rewrites merged postings in Python (merging a 100k index took minutes), and its
    default MERGE_SMALL sometimes merged everything in the middle of a build (52 s of a
    100 s build of 5k articles). Batches grow geometrically, so a build leaves few segments.
    """
    from whoosh.reading import SegmentReader

    if len(segments) <= MAX_SEGMENTS:
        return segments
    ordered = sorted(segments, key=lambda seg: seg.doc_count_all())
    cut = len(ordered) - MAX_SEGMENTS // 2
    for seg in ordered[:cut]:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return ordered[cut:]


class IndexDamaged(Exception):
    """The index cannot be opened or read: it must be rebuilt."""


class WhooshStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._ix: index.Index | None = None
        self._searcher = None
        self._lock = threading.RLock()

    # -- opening ----------------------------------------------------------------------

    def exists(self) -> bool:
        return index.exists_in(str(self.folder), indexname=INDEX_NAME)

    def open(self, *, create: bool = False) -> index.Index | None:
        """The index, or None when none exists yet (and create is False)."""
        with self._lock:
            if self._ix is not None:
                return self._ix
            try:
                if self.exists():
                    if self._format() != INDEX_FORMAT:
                        raise IndexDamaged("the index was built by another version")
                    ix = index.open_dir(str(self.folder), indexname=INDEX_NAME)
                    if sorted(ix.schema.names()) != sorted(make_schema().names()):
                        raise IndexDamaged("the index was built by another version")
                    self._ix = ix
                elif create:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    (self.folder / FORMAT_FILE).write_text(INDEX_FORMAT, encoding="ascii")
                    self._ix = index.create_in(str(self.folder), make_schema(), INDEX_NAME)
            except Exception as exc:
                if not is_damage(exc):
                    raise
                raise IndexDamaged(str(exc)) from exc
            return self._ix

    def _format(self) -> str | None:
        """The format the index was written in (None: before formats were recorded)."""
        try:
            return (self.folder / FORMAT_FILE).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None

    def wipe(self) -> None:
        """Delete the index files and start over (the catalog says what to re-add)."""
        with self._lock:
            self.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._ix = None

    def searcher(self):
        """A searcher on the latest commit (refreshed cheaply when another process wrote)."""
        with self._lock:
            ix = self.open()
            if ix is None:
                return None
            try:
                if self._searcher is None:
                    self._searcher = ix.searcher()
                else:
                    self._searcher = self._searcher.refresh()
            except Exception as exc:
                if not is_damage(exc):
                    raise
                self.close()
                raise IndexDamaged(str(exc)) from exc
            return self._searcher

    def doc_count(self) -> int:
        ix = self.open()
        if ix is None:
            return 0
        try:
            return ix.doc_count()
        except Exception as exc:
            if not is_damage(exc):
                raise
            raise IndexDamaged(str(exc)) from exc

    def stored_ids(self) -> set[str]:
        """Ids of all live documents (used to reconcile after a crash)."""
        ix = self.open()
        if ix is None:
            return set()
        with ix.reader() as reader:
            return {fields["id"] for _n, fields in reader.iter_docs()}

    # -- writing ------------------------------------------------------------------------

    def optimize(self) -> int:
        """Merge every segment into one (minutes at 100k); returns the segment count before."""
        ix = self.open()
        if ix is None:
            return 0
        (self.folder / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)
        with ix.reader() as reader:
            before = len(reader.leaf_readers()) if not reader.is_atomic() else 1
        if before > 1:
            FastSegmentWriter(ix, **writer_options()).commit(optimize=True)
        self.close()
        self.complete_arrays()
        return before

    def complete_arrays(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Give every segment its derived arrays (search.vector.derived.complete): an index
        of an older tuireader gets them at its next refresh. Under the writer lock."""
        from tuireader.search.vector import derived

        ix = self.open()
        if ix is None:
            return 0
        with ix.reader() as reader:
            return derived.complete(reader, progress)

    def write_segments(
        self,
        catalog: Catalog,
        ids: Sequence[str],
        workers: Executor,
        parts: int,
        tick: Callable[[int], None] | None = None,
    ) -> int:
        """Add catalog rows as `parts` new segments written by `workers` (whoosh_parallel)
        and commit; returns the documents added. Call only while holding the writer lock."""
        from tuireader.search.whoosh_parallel import write_segments

        ix = self.open(create=True)
        assert ix is not None
        (self.folder / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)  # see `write`
        try:
            return write_segments(
                ix, catalog, ids, workers, parts, mergetype=merge_tiered, tick=tick
            )
        finally:
            self._reopen()

    def _reopen(self) -> None:
        with self._lock:
            self._ix = None  # reopen to see the new TOC
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def write(
        self,
        *,
        add: Iterable[Article] = (),
        replace: Iterable[Article] = (),
        delete: Iterable[str] = (),
        procs: int = 1,
        limitmb: int = 128,
        tick: Callable[[int], None] | None = None,
    ) -> None:
        """Apply one batch and commit it. Call only while holding the writer lock."""
        ix = self.open(create=True)
        assert ix is not None
        # Our writer lock is held, so Whoosh's own lock can only be held by the orphaned
        # workers of a killed writer: a fresh lock file (new inode) sidesteps them.
        (self.folder / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)
        kwargs: dict = {"limitmb": limitmb}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
            writer = ix.writer(**kwargs, **writer_options())
        else:
            writer = FastSegmentWriter(ix, **kwargs, **writer_options())
        try:
            for article_id in delete:
                writer.delete_by_term("id", article_id)
            for article in replace:
                writer.update_document(**document(article))
            add = list(add)
            for n, article in enumerate(add, 1):
                writer.add_document(**document(article))
                if tick and n % 250 == 0 and n < len(add):  # len(add) is reported once committed
                    tick(n)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_tiered)
        self._reopen()
