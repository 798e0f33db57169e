"""The main screen: search bar, article list, reading pane, status line.

State flows down (the screen sets rows, documents and matches on its widgets); events flow
up (widgets post messages). Every core call goes through `CoreBridge.run` inside a worker.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tuireader.textsafe import clean_line
from tuireader.tui.annotating import AnnotatingMixin
from tuireader.tui.bridge import CoreBridge
from tuireader.tui.errors import describe_failure, explain
from tuireader.tui.keys import app_bindings, footer_ranks
from tuireader.tui.listing import ListFilters, RowMaker, browse, next_sort
from tuireader.tui.reading import ReadingMixin
from tuireader.tui.search_bar import SearchBar, SuggestionLine
from tuireader.tui.typeahead import release_held_keys
from tuireader.tui.widgets.article_list import ArticleList, ListRow
from tuireader.tui.widgets.key_footer import KeyFooter
from tuireader.tui.widgets.reader_view import ReaderView
from tuireader.wording import counted

NARROW = 100  # below this width one pane takes the screen
SEARCH_LIMIT = 300
FIRST_PAGE = 200  # rows shown before the whole catalog is loaded
DEBOUNCE = 0.2


class MainScreen(ReadingMixin, AnnotatingMixin, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = app_bindings()

    def __init__(self, bridge: CoreBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.query_text = ""
        self.sort = "date"  # when browsing
        self.search_sort = "relevance"  # when a query is typed
        self.filters = ListFilters()
        self.entries: dict[str, Any] = {}
        self.marks: dict[str, Any] = {}
        self.shown: list[Any] = []
        self.hits: dict[str, Any] = {}
        self.total = 0
        self.total_is_estimate = False  # a big index counts part of it and scales
        self.index_status = ""
        self.search_note = ""
        self.shown_query = ""  # the query the listed rows answer
        self._row_maker = RowMaker()
        self._catalog_count = 0  # shown before every entry is loaded
        self._debounce: Timer | None = None
        self._suggestion: str | None = None
        self._last_reload = 0.0
        self._last_check = time.monotonic()
        self._indexing = False
        self._settled_once = False  # annotations reconciled after the first indexing
        self._told_annotations = False
        self._last_error = ("", 0.0)
        self.init_reading()

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield SearchBar(
                placeholder='/ search — words, "phrases", author:, tag:, date:2023…', id="search"
            )
            yield SuggestionLine(id="suggestion")
        with Horizontal(id="panes"):
            yield ArticleList(id="list")
            yield ReaderView(id="reader")
        yield Static(id="status", markup=False)
        yield KeyFooter(footer_ranks())

    def on_screen_resume(self) -> None:
        """Back from a dialog: the keys typed as it closed come here (see typeahead.py)."""
        self.call_after_refresh(release_held_keys, self)

    def on_mount(self) -> None:
        self.query_one("#suggestion", SuggestionLine).display = False
        reader = self.query_one(ReaderView)
        reader.reading_width = self.app.settings.reading_width  # type: ignore[attr-defined]
        self.query_one(ArticleList).empty_text = "Loading the library…"
        self.query_one(ArticleList).focus()
        self._apply_width(self.size.width)
        self.load_library()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers do not exit the app on error: a failure is said in one line instead."""
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        message = describe_failure(event.worker.group, error)
        said, when = self._last_error
        if message != said or time.monotonic() - when > 30:  # no flood while scrolling
            self._last_error = (message, time.monotonic())
            self.app.notify(message, severity="error", timeout=10)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")

    def show_reader(self, show: bool) -> None:
        """In narrow terminals only one pane is visible: the list or the reader."""
        self.set_class(show, "-reading")

    # ----------------------------------------------------------------- library
    @work(exit_on_error=False, exclusive=True, group="library")
    async def load_library(self, *, then_index: bool = True, settled: bool = False) -> None:
        """Show the catalog; then index what is stale, or (`settled`) follow up on changes."""
        core = self.bridge.core
        if not self.entries:
            await self._first_page()
        try:
            entries = await self.bridge.compute(core.entries)
        except Exception as exc:
            self.app.notify(describe_failure("library", exc), severity="error", timeout=10)
            self.query_one(ArticleList).empty_text = "The library could not be opened"
            return
        try:
            marks = await self.bridge.run(core.annotations.marks)
        except Exception as exc:  # reading still works without bookmarks and highlights
            marks = {}
            if not self._told_annotations:
                self._told_annotations = True
                self.app.notify(
                    f"Annotations are unavailable: {explain(exc)}", severity="error", timeout=15
                )
        self.entries = {e.id: e for e in entries}
        self.marks = dict(marks)
        await self._show_listing()
        if then_index:  # the indexer process checks what changed, off this process
            self.run_indexer()
            return
        if settled:
            self._settled_once = True
            await self._reconcile_annotations()
            self._reopen_if_changed()

    async def _first_page(self) -> None:
        """Show the top of the list at once; loading all of a big catalog takes seconds."""
        catalog = self.bridge.core.catalog
        try:
            count = await self.bridge.compute(catalog.count)
            first = await self.bridge.compute(catalog.first_page, self.sort, FIRST_PAGE)
            marks = await self.bridge.run(self.bridge.core.annotations.marks)
        except Exception:
            return  # the full load below reports what is wrong
        if not first or self.entries or self.query_text.strip() or self.filters.active:
            return
        self.marks = dict(marks)
        self._catalog_count = count
        self.shown = first
        rows = await self.bridge.compute(self._row_maker.rows, first, self.marks, {})
        self.query_one(ArticleList).set_rows(rows)
        self.update_status()

    async def _reconcile_annotations(self) -> None:
        """Annotations follow moved files and re-anchor in edited ones (never lost)."""
        from tuireader.annotation_sync import reconcile_with_catalog

        core = self.bridge.core
        try:
            report = await self.bridge.run(
                reconcile_with_catalog, core.annotations, core.search, list(self.entries.values())
            )
        except Exception as exc:
            if not self._told_annotations:
                self.app.notify(f"Could not update annotations: {explain(exc)}", severity="error")
            return
        if not report.changed:
            return
        self.marks = dict(await self.bridge.run(core.annotations.marks))
        await self._show_listing()
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
        article = self.article
        if article is None:
            return
        entry = self.entries.get(article.id)
        if entry is None:
            self.app.notify("The open article's file is gone", severity="warning", timeout=8)
        elif entry.fingerprint != article.fingerprint:
            self.open_article(article.id, offset=self.query_one(ReaderView).top_offset)

    def check_for_changes(self) -> None:
        """Files may have changed while the terminal was elsewhere (called on app focus).
        The indexer process finds out, off this process; it is quick when nothing changed."""
        if time.monotonic() - self._last_check < 5 or self._indexing:
            return
        self._last_check = time.monotonic()
        self.run_indexer()

    @work(exit_on_error=False, exclusive=True, group="indexer")
    async def run_indexer(self, rebuild: bool = False) -> None:
        self._indexing = True
        changed = False
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
            self._indexing = False
            self.index_status = ""
        if changed or not self._settled_once:
            self.load_library(then_index=False, settled=True)
        else:
            self.update_status()

    async def _index(self, rebuild: bool) -> tuple[bool, bool]:
        """Run the indexer process, showing its progress: (another was busy, anything changed)."""
        self.index_status = "indexing…"
        self.update_status()
        busy = changed = False
        async for event in self.bridge.index(rebuild=rebuild):
            if "error" in event:
                self.index_status = ""
                self.app.notify(f"Indexing failed: {event['error']}", severity="error", timeout=10)
            elif "summary" in event:
                self.index_status = ""
                summary = event["summary"]
                busy = bool(summary.get("busy"))
                changed = any(
                    summary.get(key) for key in ("added", "updated", "removed", "moved", "indexed")
                )
            elif event.get("total"):
                done, total = event.get("done", 0), event["total"]
                self.index_status = f"indexing {done:,}/{total:,}"
                self._reload_now_and_then()
            self.update_status()
        return busy, changed

    async def _wait_for_other_indexer(self) -> None:
        """Another tuireader indexes this library: show its work as it lands, then go on."""
        self.index_status = "another tuireader is indexing…"
        self.update_status()
        search = self.bridge.core.search
        while await self.bridge.run(search.indexing_elsewhere):
            await asyncio.sleep(0.5)
            self._reload_now_and_then()
        self.index_status = ""

    def _reload_now_and_then(self) -> None:
        if time.monotonic() - self._last_reload > 3:
            self._last_reload = time.monotonic()
            self.load_library(then_index=False)

    def action_refresh(self) -> None:
        self.run_indexer()

    # ----------------------------------------------------------------- search
    @on(SearchBar.Changed, "#search")
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.value
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self.refresh_listing)

    @on(SearchBar.HandOff)
    async def _search_hand_off(self, event: SearchBar.HandOff) -> None:
        """Enter shows this query's results with the first selected; escape goes back to the
        list; tab (and enter when nothing was found) accepts a did-you-mean. Then the keys
        typed meanwhile go on to whatever has focus (see typeahead.py)."""
        try:
            if event.kind == "submit":
                await self._submit_search()
            elif event.kind == "tab" and self.query_one(SearchBar).suggestion_visible:
                self._accept_suggestion()
            else:
                self.set_focus(self.query_one(ArticleList))
        finally:
            release_held_keys(self)

    async def _submit_search(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self.query_text = self.query_one(SearchBar).value
        if self.shown_query != self.query_text.strip():
            await self._show_listing()  # enter must act on this query's results, not the last
        if self.total == 0 and self._suggestion:
            self._accept_suggestion()
            return
        article_list = self.query_one(ArticleList)
        article_list.cursor_index = 0
        self.set_focus(article_list)

    def _accept_suggestion(self) -> None:
        if self._suggestion:
            bar = self.query_one(SearchBar)
            bar.value = self._suggestion
            bar.cursor_position = len(bar.value)

    def refresh_listing(self) -> None:
        self._show_listing_worker()

    @work(exit_on_error=False, exclusive=True, group="listing")
    async def _show_listing_worker(self) -> None:
        await self._show_listing()

    async def _show_listing(self) -> None:
        """Recompute the rows: catalog order with filters, or search results."""
        query = self.query_text.strip()
        suggestion = error = None
        if query:
            from tuireader.search import Filters

            ids = self._ids_for_mark_filters()
            filters = Filters(author=self.filters.author, tag=self.filters.tag, ids=ids)
            results = await self.bridge.run(
                self.bridge.core.search.search,
                query,
                limit=SEARCH_LIMIT,
                sort=self.search_sort,
                filters=filters,
            )
            if query != self.query_text.strip():
                return  # the user typed on; a newer search is coming
            self.hits = {h.id: h for h in results.hits}
            shown = [self.entries.get(h.id) or h for h in results.hits]
            self.total = results.total
            self.total_is_estimate = results.total_is_estimate
            suggestion, error = results.suggestion, results.error
        else:
            entries = list(self.entries.values())
            shown = await self.bridge.compute(browse, entries, self.filters, self.marks, self.sort)
            if self.query_text.strip():
                return  # the user started typing; the search will list
            self.hits = {}
            self.total = len(shown)
            self.total_is_estimate = False
        # 100,000 rows take a while to build: off the UI thread
        rows = await self.bridge.compute(self._row_maker.rows, shown, self.marks, self.hits)
        if query != self.query_text.strip():
            return
        self.shown = shown
        self._suggestion = suggestion
        self.query_one(SuggestionLine).show_suggestion(suggestion)
        self.query_one(SearchBar).suggestion_visible = bool(suggestion)
        self.search_note = clean_line(error)
        article_list = self.query_one(ArticleList)
        article_list.empty_text = self.search_note or (
            "No articles match" if query or self.filters.active else "The library is empty"
        )
        article_list.set_rows(rows)
        self.shown_query = query
        self.update_status()

    def _ids_for_mark_filters(self) -> frozenset[str] | None:
        if not (self.filters.bookmarked or self.filters.unread):
            return None
        ids = set(self.entries)
        if self.filters.bookmarked:
            ids &= {i for i, m in self.marks.items() if m.bookmarked}
        if self.filters.unread:
            ids -= {i for i, m in self.marks.items() if m.read}
        return frozenset(ids)

    def row_for(self, entry: Any) -> ListRow:
        return self._row_maker.row(entry, self.marks, self.hits)

    def refresh_row(self, article_id: str) -> None:
        """Re-render one row after its marks changed (all rows when a marks filter is on:
        the row may have to leave the list)."""
        article_list = self.query_one(ArticleList)
        entry = self.entries.get(article_id) or self.hits.get(article_id)
        marks_filter = self.filters.bookmarked or self.filters.unread
        if entry is not None and not marks_filter and article_list.replace_row(self.row_for(entry)):
            return
        article_list.set_rows(
            [self.row_for(e) for e in self.shown],
            keep_id=article_list.cursor_row.id if article_list.cursor_row else article_id,
        )

    @property
    def current_sort(self) -> str:
        return self.search_sort if self.query_text.strip() else self.sort

    def action_cycle_sort(self) -> None:
        if self.query_text.strip():
            self.search_sort = next_sort(self.search_sort, True)
        else:
            self.sort = next_sort(self.sort, False)
        self.app.notify(f"Sorted by {self.current_sort}", timeout=2)
        self.refresh_listing()

    def action_filters(self) -> None:
        from tuireader.tui.screens.dialogs import FilterDialog

        authors = sorted(
            {clean_line(e.author) for e in self.entries.values() if e.author}, key=str.casefold
        )
        tags = sorted(
            {clean_line(t) for e in self.entries.values() for t in e.tags}, key=str.casefold
        )

        def apply(filters: ListFilters | None) -> None:
            if filters is not None:
                self.filters = filters
                self.refresh_listing()

        self.app.push_screen(FilterDialog(self.filters, authors, tags), apply)

    # ----------------------------------------------------------------- focus & panes
    def action_focus_search(self) -> None:
        """Runs as a priority binding and moves focus at once: keys typed right after "/"
        are routed to the focused widget as they arrive, and `Widget.focus` waits a turn, so
        "/tram" typed fast sent "tram" to the list ("r" re-scanned, "a" opened annotations).
        In the search bar itself "/" is an ordinary character."""
        bar = self.query_one(SearchBar)
        if self.focused is bar:
            bar.insert_text_at_cursor("/")
            return
        self.show_reader(False)
        self.set_focus(bar)

    def _panes(self) -> list[Any]:
        panes: list[Any] = [self.query_one(SearchBar), self.query_one(ArticleList)]
        if self.article is not None:
            panes.append(self.query_one(ReaderView))
        return panes

    def _cycle(self, step: int) -> None:
        panes = self._panes()
        focused = self.focused
        index = panes.index(focused) if focused in panes else 0
        target = panes[(index + step) % len(panes)]
        self.show_reader(isinstance(target, ReaderView))
        target.focus()

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    def action_quit_app(self) -> None:
        self.app.exit()

    def action_help(self) -> None:
        from tuireader.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def current_list_id(self) -> str | None:
        row = self.query_one(ArticleList).cursor_row
        return row.id if row is not None else None

    # ----------------------------------------------------------------- status line
    def update_status(self) -> None:
        parts = [counted(len(self.entries) or self._catalog_count, "article")]
        if self.query_text.strip():
            shown = len(self.shown)
            parts.append(
                ("about " if self.total_is_estimate else "")
                + counted(self.total, "result")
                + (f" (top {shown})" if shown < self.total else "")
            )
        elif self.filters.active:
            parts.append(f"{len(self.shown):,} shown")
        if self.filters.active:
            parts.append(f"filter: {self.filters.describe()}")
        parts.append(f"sort: {self.current_sort}")
        if self.index_status:
            parts.append(self.index_status)
        parts.extend(self.reading_status())
        if self.search_note:
            parts.append(self.search_note)
        self.query_one("#status", Static).update(Text(" · ".join(parts)))
