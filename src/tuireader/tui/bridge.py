"""The TUI's only door into the headless core.

Every core call (SQLite catalog and annotation store, Whoosh search, file parsing) runs on one
dedicated thread: the UI thread never blocks, and SQLite connections are only ever used from
the thread that opened them. Screens `await bridge.run(fn, ...)` from Textual workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tuireader.config import AppPaths, Settings

if TYPE_CHECKING:  # each loads late, on the core thread: Whoosh alone takes ~0.3 s
    from tuireader.annotations import AnnotationStore
    from tuireader.library.annotation_texts import StoreAnnotations
    from tuireader.search import CatalogEntry, SearchResults, SearchService
    from tuireader.search.catalog import Catalog

T = TypeVar("T")
CLOSE_WAIT = 3.0


@dataclass
class Core:
    """The core objects of one library, created lazily on the core thread."""

    library_root: Path
    paths: AppPaths
    settings: Settings
    _entries: tuple[tuple[int, int], list[CatalogEntry]] | None = field(
        default=None, init=False, repr=False
    )

    @cached_property
    def search(self) -> SearchService:
        from tuireader.search import SearchService

        return SearchService(self.library_root, self.paths.library_cache(self.library_root))

    @cached_property
    def catalog(self) -> Catalog:
        """The list's own connection to the catalog (no Whoosh), used only on the compute
        thread: loading 100,000 entries there leaves the core thread free to open articles."""
        from tuireader.search.catalog import Catalog

        return Catalog(self.paths.library_cache(self.library_root) / "catalog.sqlite3")

    def entries(self) -> list[CatalogEntry]:
        """Every catalogued article; reloaded only when the catalog changed (any process)."""
        version = self.catalog.version()
        cached = self._entries
        if cached is None or cached[0] != version:
            cached = self._entries = (version, self.catalog.entries())
        return cached[1]

    def find(self, query: str, **options: Any) -> SearchResults:
        """A search that also looks at the user's annotations (has:, note:, notes)."""
        return self.search.search(query, annotations=self.annotation_texts, **options)

    @cached_property
    def annotation_texts(self) -> StoreAnnotations:
        from tuireader.library.annotation_texts import StoreAnnotations

        return StoreAnnotations(lambda: self.annotations)

    @cached_property
    def annotations(self) -> AnnotationStore:
        from tuireader.annotations import AnnotationStore

        return AnnotationStore(self.paths.annotations_db, self.library_root, allow_read_only=True)


class CoreBridge:
    """Runs core calls on a single worker thread and the indexer as a child process."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tuireader-core")
        self._compute = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tuireader-rows")
        self._indexer: asyncio.subprocess.Process | None = None
        self._at_close: dict[str, Callable[[], Any]] = {}

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A call that touches the core (SQLite, Whoosh, files): on the core thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    async def compute(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Pure work on plain data (sorting and formatting 100,000 rows): on its own
        thread, so it never queues an article's opening behind it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._compute, partial(fn, *args, **kwargs))

    def at_close(self, key: str, job: Callable[[], Any]) -> None:
        """Core work that must still run if the app quits first (the latest job per key):
        quitting cancels the workers and drops queued core calls, which would lose, say, the
        reading position of a scroll made just before `q`."""
        self._at_close[key] = job

    def done_at_close(self, key: str, job: Callable[[], Any]) -> None:
        """`job` ran: nothing to redo at close unless a newer job replaced it."""
        if self._at_close.get(key) is job:
            del self._at_close[key]

    async def aclose(self) -> None:
        """On quit: run what `at_close` kept (behind whatever the core thread is doing, for
        at most CLOSE_WAIT seconds each), stop a running indexer (what it committed stays;
        the next start goes on from there) and wait for it, so no child outlives the app."""
        jobs, self._at_close = list(self._at_close.values()), {}
        for job in jobs:
            # quitting: nowhere left to show a failure, and the data stays as last saved
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.run(job), CLOSE_WAIT)
        proc = self._indexer
        if proc is not None and proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 3)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._compute.shutdown(wait=False, cancel_futures=True)

    async def index(self, *, rebuild: bool = False) -> AsyncIterator[dict[str, Any]]:
        """Run `tuireader index --progress json` as a child process and yield its lines.

        A separate process (not a fork of this threaded app) is what Whoosh needs to index
        safely; its stderr is captured so nothing it prints can scribble over the screen.
        """
        args = [sys.executable, "-m", "tuireader", "--library", str(self.core.library_root)]
        args += ["index", "--progress", "json"] + (["--rebuild"] if rebuild else [])
        proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        self._indexer = proc
        assert proc.stdout is not None and proc.stderr is not None
        stderr_task = asyncio.ensure_future(proc.stderr.read())
        try:
            import json

            while line := await proc.stdout.readline():
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if isinstance(data, dict):
                    yield data
            code = await proc.wait()
            err = (await stderr_task).decode("utf-8", "replace")
            if code != 0:
                last = [x for x in err.strip().splitlines() if not x.startswith("warning:")]
                yield {"error": (last[-1] if last else f"indexer exited with {code}")[:300]}
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
