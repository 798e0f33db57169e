"""The library: the catalog and marks shown at start, the indexer child process, files
changed elsewhere, and annotations that follow moved and edited articles."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import Worker, get_current_worker

from tuireader.library.live import LibraryWatch, Seen, snapshot, what_changed
from tuireader.tui.controllers.base import Controller, LibraryChanged, OpenRequested
from tuireader.tui.errors import describe_failure, explain

if TYPE_CHECKING:
    from pathlib import Path

    from tuireader.config import AppPaths
    from tuireader.tui.controllers.listing import ListingController
    from tuireader.tui.main_screen import MainScreen

FIRST_PAGE = 200  # rows shown before the whole catalog is loaded


class LibraryController(Controller):
    def __init__(self, screen: MainScreen, listing: ListingController) -> None:
        super().__init__(screen)
        self.state = screen.index_state
        self.list_state = screen.list_state
        self.listing = listing  # awaited after each load, so the rows follow in order
        self.state.last_check = time.monotonic()
        self.live: LibraryWatch | None = None  # the folder and catalog watch, once started

    def load(
        self,
        *,
        then_index: bool = True,
        settled: bool = False,
        before: dict[str, Seen] | None = None,
        quiet: bool = False,
    ) -> None:
        """Show the catalog; then index what is stale, or (`settled`) follow up on changes.
        With `before` (what the list showed) say what changed ("2 new, 1 changed"); `quiet`:
        only when something did."""
        job = partial(
            self._load, then_index=then_index, settled=settled, before=before, quiet=quiet
        )
        self.start(job, group="library", exclusive=True)

    async def _load(
        self, *, then_index: bool, settled: bool, before: dict[str, Seen] | None, quiet: bool
    ) -> None:
        core = self.bridge.core
        lists = self.list_state
        if not lists.entries:
            await self._first_page()
        try:
            generation = await self.bridge.compute(core.catalog.generation)
            entries = await self.bridge.compute(core.entries)
        except Exception as exc:
            self.app.notify(describe_failure("library", exc), severity="error", timeout=10)
            self.screen.article_list.empty_text = "The library could not be opened"
            return
        try:
            marks = await self.bridge.run(core.annotations.marks)
        except Exception as exc:  # reading still works without bookmarks and highlights
            marks = {}
            if not self.state.told_annotations:
                self.state.told_annotations = True
                self.app.notify(
                    f"Annotations are unavailable: {explain(exc)}", severity="error", timeout=15
                )
        lists.entries = {e.id: e for e in entries}
        lists.marks = dict(marks)
        self.state.generation = generation
        lists.feed_titles = await self.bridge.run(_feed_titles, core.paths, core.library_root)
        await self.listing.show()
        if before is not None:
            await self._tell(before, quiet=quiet)
        if then_index:  # the indexer process checks what changed, off this process
            self.run_indexer()
            return
        if settled:
            self.state.settled_once = True
            await self._reconcile_annotations()
            self._reopen_if_changed()

    async def _tell(self, before: dict[str, Seen], *, quiet: bool) -> None:
        delta = await self.bridge.compute(what_changed, before, dict(self.list_state.entries))
        if not delta.empty:
            self.app.notify(f"Library: {delta.describe()}", timeout=5)
        elif not quiet:
            count = len(self.list_state.entries)
            self.app.notify(f"Library: nothing new ({count:,} articles)", timeout=4)

    async def _first_page(self) -> None:
        """Show the top of the list at once; loading all of a big catalog takes seconds."""
        lists = self.list_state
        catalog = self.bridge.core.catalog
        try:
            count = await self.bridge.compute(catalog.count)
            first = await self.bridge.compute(catalog.first_page, lists.sort, FIRST_PAGE)
            marks = await self.bridge.run(self.bridge.core.annotations.marks)
        except Exception:
            return  # the full load below reports what is wrong
        if not first or lists.entries or lists.query or lists.filters.active:
            return
        lists.marks = dict(marks)
        lists.catalog_count = count
        lists.shown = list(first)
        rows = await self.bridge.compute(self.listing.row_maker.rows, first, lists.marks, {})
        self.screen.article_list.set_rows(rows)
        self.screen.update_status()

    async def _reconcile_annotations(self) -> None:
        """Annotations follow moved files and re-anchor in edited ones (never lost)."""
        from tuireader.library.annotation_sync import reconcile_with_catalog

        core = self.bridge.core
        lists = self.list_state
        try:
            report = await self.bridge.run(
                reconcile_with_catalog, core.annotations, core.search, list(lists.entries.values())
            )
        except Exception as exc:
            if not self.state.told_annotations:
                self.app.notify(f"Could not update annotations: {explain(exc)}", severity="error")
            return
        if not report.changed:
            return
        lists.marks = dict(await self.bridge.run(core.annotations.marks))
        await self.listing.show()
        said = []
        if report.moved:
            said.append(f"followed {len(report.moved)} moved article(s)")
        if report.reanchored or report.restored:
            said.append(f"re-anchored {report.reanchored + report.restored} annotation(s)")
        if report.orphaned:
            said.append(f"{report.orphaned} highlight(s) lost their text (kept, orphaned)")
        if report.missing:
            said.append(f"{len(report.missing)} annotated article(s) are gone (kept)")
        if said:
            self.app.notify("Annotations: " + "; ".join(said), timeout=8)

    def _reopen_if_changed(self) -> None:
        """The open article's file changed on disk: show the new text at the same place."""
        article = self.screen.reader_state.article
        if article is None:
            return
        entry = self.list_state.entries.get(article.id)
        if entry is None:
            self.app.notify("The open article's file is gone", severity="warning", timeout=8)
        elif entry.fingerprint != article.fingerprint:
            self.screen.post_message(OpenRequested(article.id, self.screen.reader.top_offset))

    # ----------------------------------------------------------------- live library
    def watch(self) -> None:
        """Follow the folder and the catalog from a thread: `follow` gets what it sees."""
        core = self.bridge.core
        catalog = core.paths.library_cache(core.library_root) / "catalog.sqlite3"
        self.live = LibraryWatch(core.library_root, catalog)
        self.start_thread(self._watch, group="live")

    def _watch(self) -> None:
        stop = _Cancelled(get_current_worker())
        assert self.live is not None
        for change in self.live.changes(stop):
            self.screen.post_message(LibraryChanged(change.files, change.generation))

    def follow(self, change: LibraryChanged) -> None:
        """Files changed: the indexer brings the catalog up to date (once more after a run
        in progress). Another process stored articles: show them, cursor and article kept."""
        state = self.state
        if change.files:
            if state.running:
                state.again = True
            else:
                self.run_indexer(quiet=True)
        elif change.generation != state.generation and not state.running:
            before = snapshot(self.list_state.entries)
            self.load(then_index=False, settled=True, before=before, quiet=True)

    # ----------------------------------------------------------------- the indexer
    def check_for_changes(self) -> None:
        """Files may have changed while the terminal was elsewhere (called on app focus).
        The indexer process finds out, off this process; it is quick when nothing changed."""
        if time.monotonic() - self.state.last_check < 5 or self.state.running:
            return
        self.state.last_check = time.monotonic()
        self.run_indexer()

    def refresh(self) -> None:
        """`r`: look for changes now and say what was found."""
        self.run_indexer(quiet=False)

    def run_indexer(self, rebuild: bool = False, *, quiet: bool | None = None) -> None:
        """Index what changed; with `quiet` set, say what the list gained (False: even
        that nothing did)."""
        job = partial(self._run_indexer, rebuild, quiet)
        self.start(job, group="indexer", exclusive=True)

    async def _run_indexer(self, rebuild: bool, quiet: bool | None) -> None:
        self.state.running = True
        self.state.again = False
        changed = False
        before = None if quiet is None else snapshot(self.list_state.entries)
        try:
            while True:
                busy, did_change = await self._index(rebuild)
                changed = changed or did_change or busy
                if not busy:
                    break
                await self._wait_for_other_indexer()  # another process holds the lock
                rebuild = False
                if not await self.bridge.run(self.bridge.core.search.stale):
                    break
        finally:
            self.state.running = False
            self.state.status = ""
        if self.state.again:  # files changed during the run: look again, then load
            self.screen.call_later(self.run_indexer, quiet=True if quiet is None else quiet)
            return
        catalog = self.bridge.core.catalog
        moved_on = await self.bridge.compute(catalog.generation) != self.state.generation
        if changed or moved_on or before is not None or not self.state.settled_once:
            self.load(then_index=False, settled=True, before=before, quiet=bool(quiet))
        else:
            self.screen.update_status()

    async def _index(self, rebuild: bool) -> tuple[bool, bool]:
        """Run the indexer process, showing its progress: (another was busy, anything changed).

        Not when nothing changed: the catalog's walk digest says so in one walk of the
        folder (50 ms at 10k files) instead of a new Python process importing Whoosh."""
        core = self.bridge.core
        if not rebuild and not await self.bridge.run(core.search.stale):
            return False, False
        self.state.status = "indexing…"
        self.screen.update_status()
        busy = changed = False
        async for event in self.bridge.index(rebuild=rebuild):
            if "error" in event:
                self.state.status = ""
                self.app.notify(f"Indexing failed: {event['error']}", severity="error", timeout=10)
            elif "summary" in event:
                self.state.status = ""
                summary = event["summary"]
                busy = bool(summary.get("busy"))
                changed = any(
                    summary.get(key) for key in ("added", "updated", "removed", "moved", "indexed")
                )
            elif event.get("total"):
                done, total = event.get("done", 0), event["total"]
                self.state.status = f"indexing {done:,}/{total:,}"
                self._reload_now_and_then()
            self.screen.update_status()
        return busy, changed

    async def _wait_for_other_indexer(self) -> None:
        """Another tuireader indexes this library: show its work as it lands, then go on."""
        self.state.status = "another tuireader is indexing…"
        self.screen.update_status()
        search = self.bridge.core.search
        while await self.bridge.run(search.indexing_elsewhere):
            await asyncio.sleep(0.5)
            self._reload_now_and_then()
        self.state.status = ""

    def _reload_now_and_then(self) -> None:
        if time.monotonic() - self.state.last_reload > 3:
            self.state.last_reload = time.monotonic()
            self.load(then_index=False)


def _feed_titles(paths: AppPaths, root: Path) -> dict[str, str]:
    """The subscriptions' titles, for the feed filter (none when the list is unreadable:
    the filter then shows the folder names)."""
    from tuireader.ingest.feeds.subscriptions import Subscriptions

    try:
        return {f.name: f.title for f in Subscriptions(paths.feeds_file(root)).feeds if f.title}
    except ValueError:
        return {}


class _Cancelled:
    """The watch's stop flag: the worker was cancelled (the screen or the app closes)."""

    def __init__(self, worker: Worker[None]) -> None:
        self.worker = worker

    def is_set(self) -> bool:
        return self.worker.is_cancelled
