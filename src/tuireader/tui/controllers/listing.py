"""The list pane: the query typed (debounced), search results or the filtered catalog,
sort and filters, did-you-mean, and redrawing rows whose marks changed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.timer import Timer

from tuireader.library.mark_filters import mark_filter_ids
from tuireader.text.inert import clean_line
from tuireader.tui.controllers.base import Controller
from tuireader.tui.listing import ListFilters, RowMaker, browse, feed_names, next_sort
from tuireader.tui.widgets.article_list import ListRow

if TYPE_CHECKING:
    from tuireader.search.models import CatalogEntry, Hit
    from tuireader.tui.main_screen import MainScreen

SEARCH_LIMIT = 300
_ANNOTATION_TERM = re.compile(r"(?<![\w:])-?(?:has|note):", re.IGNORECASE)
DEBOUNCE = 0.2


class ListingController(Controller):
    def __init__(self, screen: MainScreen) -> None:
        super().__init__(screen)
        self.state = screen.list_state
        self.row_maker = RowMaker()
        self._debounce: Timer | None = None

    # ----------------------------------------------------------------- the query
    def query_changed(self, value: str) -> None:
        self.state.query_text = value
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.screen.set_timer(DEBOUNCE, self.refresh)

    async def submit(self) -> None:
        """Enter: this query's results with the first selected (or its did-you-mean)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self.state.query_text = self.screen.search_bar.value
        if self.state.shown_query != self.state.query:
            await self.show()  # enter must act on this query's results, not the last
        if self.state.total == 0 and self.state.suggestion:
            self.accept_suggestion()
            return
        article_list = self.screen.article_list
        article_list.cursor_index = 0
        self.screen.set_focus(article_list)

    def accept_suggestion(self) -> None:
        if self.state.suggestion:
            bar = self.screen.search_bar
            bar.value = self.state.suggestion
            bar.cursor_position = len(bar.value)

    # ----------------------------------------------------------------- the rows
    def refresh(self) -> None:
        """Recompute the rows in a worker (a newer one replaces it)."""
        self.start(self.show, group="listing", exclusive=True)

    async def show(self) -> None:
        """Recompute the rows: catalog order with filters, or search results."""
        state = self.state
        query = state.query
        suggestion = error = None
        shown: list[CatalogEntry | Hit]
        if query:
            from tuireader.search import Filters

            ids = self._ids_for_mark_filters()
            filters = Filters(author=state.filters.author, tag=state.filters.tag, ids=ids)
            results = await self.bridge.run(
                self.bridge.core.find,
                query,
                limit=SEARCH_LIMIT,
                sort=state.search_sort,
                filters=filters,
            )
            if query != state.query:
                return  # the user typed on; a newer search is coming
            state.hits = {h.id: h for h in results.hits}
            shown = [state.entries.get(h.id) or h for h in results.hits]
            state.total = results.total
            state.total_is_estimate = results.total_is_estimate
            suggestion, error = results.suggestion, results.error
        else:
            entries = list(state.entries.values())
            shown = await self.bridge.compute(
                browse, entries, state.filters, state.marks, state.sort
            )
            if state.query:
                return  # the user started typing; the search will list
            state.hits = {}
            state.total = len(shown)
            state.total_is_estimate = False
        # 100,000 rows take a while to build: off the UI thread
        rows = await self.bridge.compute(self.row_maker.rows, shown, state.marks, state.hits)
        if query != state.query:
            return
        state.shown = shown
        state.suggestion = suggestion
        self.screen.suggestion_line.show_suggestion(suggestion)
        self.screen.search_bar.suggestion_visible = bool(suggestion)
        state.search_note = clean_line(error)
        article_list = self.screen.article_list
        article_list.empty_text = state.search_note or (
            "No articles match" if query or state.filters.active else "The library is empty"
        )
        article_list.set_rows(rows)
        state.shown_query = query
        self.screen.update_status()

    def _ids_for_mark_filters(self) -> frozenset[str] | None:
        filters = self.state.filters
        return mark_filter_ids(
            self.state.entries.values(),
            self.state.marks,
            bookmarked=filters.bookmarked,
            unread=filters.unread,
            folder=filters.feed_folder(),
        )

    def row_for(self, entry: CatalogEntry | Hit) -> ListRow:
        return self.row_maker.row(entry, self.state.marks, self.state.hits)

    def refresh_row(self, article_id: str) -> None:
        """Re-render one row after its marks changed (all rows when a marks filter is on:
        the row may have to leave the list)."""
        state = self.state
        if state.query and _ANNOTATION_TERM.search(state.query):
            self.refresh()  # has:/note: results depend on the annotation that just changed
            return
        article_list = self.screen.article_list
        entry = state.entries.get(article_id) or state.hits.get(article_id)
        marks_filter = state.filters.bookmarked or state.filters.unread
        if entry is not None and not marks_filter and article_list.replace_row(self.row_for(entry)):
            return
        article_list.set_rows(
            [self.row_for(e) for e in state.shown],
            keep_id=article_list.cursor_row.id if article_list.cursor_row else article_id,
        )

    # ----------------------------------------------------------------- sort & filters
    def cycle_sort(self) -> None:
        state = self.state
        if state.query:
            state.search_sort = next_sort(state.search_sort, True)
        else:
            state.sort = next_sort(state.sort, False)
        self.app.notify(f"Sorted by {state.current_sort}", timeout=2)
        self.refresh()

    def choose_filters(self) -> None:
        from tuireader.tui.screens.dialogs import FilterDialog

        entries = self.state.entries.values()
        authors = sorted({clean_line(e.author) for e in entries if e.author}, key=str.casefold)
        tags = sorted({clean_line(t) for e in entries for t in e.tags}, key=str.casefold)
        feeds = feed_names(e.path for e in entries)

        def apply(filters: ListFilters | None) -> None:
            if filters is not None:
                self.state.filters = filters
                self.refresh()

        self.app.push_screen(FilterDialog(self.state.filters, authors, tags, feeds), apply)
