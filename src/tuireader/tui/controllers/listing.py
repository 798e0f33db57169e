"""The list pane: the query typed (debounced), search results or the filtered catalog,
sort and filters, did-you-mean, and redrawing rows whose marks changed.

While typing, the query is searched live (its last word also as a prefix of the library's
words) without did-you-mean; a suggestion is looked for only when the user submits (enter)
or stops typing for IDLE seconds and the query found nothing, since a half-typed word is
not a misspelling. Results come without snippets: the list asks for the snippets of the
rows it draws (`ArticleList.DetailsWanted`)."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from textual.timer import Timer

from tuireader.library.mark_filters import mark_filter_ids
from tuireader.text.inert import clean_line
from tuireader.tui.controllers.base import Controller
from tuireader.tui.listing import ListFilters, RowMaker, browse, feed_choices, next_sort
from tuireader.tui.widgets.article_list import ArticleList, ListRow, RowDetail

if TYPE_CHECKING:
    from tuireader.search.models import CatalogEntry, Hit
    from tuireader.tui.main_screen import MainScreen

SEARCH_LIMIT = 300
_ANNOTATION_TERM = re.compile(r"(?<![\w:])-?(?:has|note):", re.IGNORECASE)
DEBOUNCE = 0.12  # a pause this long between keys searches; faster typing waits
IDLE = 1.0  # seconds without a key before a query that found nothing gets a did-you-mean


class ListingController(Controller):
    def __init__(self, screen: MainScreen) -> None:
        super().__init__(screen)
        self.state = screen.list_state
        self.row_maker = RowMaker()
        self._debounce: Timer | None = None
        self._idle: Timer | None = None

    # ----------------------------------------------------------------- the query
    def query_changed(self, value: str) -> None:
        self.state.query_text = value
        for timer in (self._debounce, self._idle):
            if timer is not None:
                timer.stop()
        self._debounce = self.screen.set_timer(DEBOUNCE, self.refresh)
        self._idle = self.screen.set_timer(IDLE, self._idle_suggestion)

    def _idle_suggestion(self) -> None:
        state = self.state
        if state.query and state.shown_query == state.query and state.total == 0:
            self.start(partial(self.show, suggest=True), group="listing", exclusive=True)

    async def submit(self) -> None:
        """Enter: this query's results with the first selected; a query that found nothing
        stays in the bar, with its did-you-mean if there is one."""
        for timer in (self._debounce, self._idle):
            if timer is not None:
                timer.stop()
        self._debounce = self._idle = None
        self.state.query_text = self.screen.search_bar.value
        if self.state.shown_query != self.state.query or (
            self.state.query and self.state.total == 0
        ):
            await self.show(suggest=True)  # enter acts on this query's results, not the last
        if self.state.query and self.state.total == 0:
            return  # nothing to go to: the bar keeps focus, the line says why
        article_list = self.screen.article_list
        article_list.cursor_index = 0
        self.screen.set_focus(article_list)

    def accept_suggestion(self) -> bool:
        """ctrl+y: the did-you-mean replaces the query (False when there is none)."""
        if not self.state.suggestion:
            return False
        bar = self.screen.search_bar
        bar.value = self.state.suggestion
        bar.cursor_position = len(bar.value)
        return True

    # ----------------------------------------------------------------- the rows
    def refresh(self) -> None:
        """Recompute the rows in a worker (a newer one replaces it)."""
        self.start(self.show, group="listing", exclusive=True)

    async def show(self, *, suggest: bool = False) -> None:
        """Recompute the rows: catalog order with filters, or search results (with a
        did-you-mean only when `suggest`: the query is submitted or idle)."""
        state = self.state
        query = state.query
        suggestion = error = None
        details: dict[str, RowDetail] | None = None
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
                live=True,
                suggest=suggest,
                details=False,
                fold_copies=True,  # one row per story; the row says "+2 copies"
            )
            if query != state.query:
                return  # the user typed on; a newer search is coming
            state.hits = {h.id: h for h in results.hits}
            # annotation hits come with their note as snippet; the rest are asked for
            details = {h.id: _detail(h) for h in results.hits if h.snippet}
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
        state.search_note = clean_line(error)
        article_list = self.screen.article_list
        article_list.empty_text = state.search_note or self._empty_text(query)
        article_list.set_rows(rows, details=details)
        state.shown_query = query
        self.screen.update_status()

    def _empty_text(self, query: str) -> str:
        if query:
            return "No articles match"
        if self.state.filters.active:
            return "No articles match the filters (f changes them, escape clears them)"
        root = self.bridge.core.library_root
        return (
            f"The library is empty: {root}\n\n"
            "Fill it from the command line:\n"
            "  tuireader add URL                 save a web page\n"
            "  tuireader feed add URL            subscribe to a feed (U updates)\n"
            "  tuireader import-articles FILE    a Pocket, Instapaper, wallabag… export\n"
            "or copy article files (.txt .md .html .epub …) into the folder and press r,\n"
            "or open another folder: tuireader --library DIR"
        )

    # ----------------------------------------------------------------- snippets on screen
    def details_wanted(self, event: ArticleList.DetailsWanted) -> None:
        query = self.state.shown_query
        if query:
            self.start(partial(self._details, query, event.ids), group="details")

    async def _details(self, query: str, ids: list[str]) -> None:
        found = await self.bridge.run(self.bridge.core.search.hit_details, query, ids, live=True)
        if query != self.state.shown_query:
            return  # the rows have changed meanwhile
        self.screen.article_list.set_details({i: _detail(h) for i, h in found.items()})

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
        feeds = feed_choices(entries, self.state.marks, self.state.feed_titles)

        def apply(filters: ListFilters | None) -> None:
            if filters is not None:
                self.state.filters = filters
                self.refresh()

        self.app.push_screen(FilterDialog(self.state.filters, authors, tags, feeds), apply)

    def clear_filters(self) -> None:
        said = self.state.filters.describe()
        self.state.filters = ListFilters()
        self.app.notify(f"Filters cleared ({said})", timeout=2)
        self.refresh()


def _detail(hit: Hit) -> RowDetail:
    return RowDetail(hit.snippet, tuple(hit.snippet_matches), len(hit.matches))
