"""Saved searches in the reader: ctrl+s names what the list shows (query, sort, filters),
`S` lists them to run or forget. The file is shared with `tuireader saved`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.storage import saved_searches as saved
from tuireader.storage.saved_searches import SavedSearch, SavedSearchError
from tuireader.tui.controllers.base import Controller
from tuireader.tui.listing import ListFilters
from tuireader.tui.typeahead import release_held_keys

if TYPE_CHECKING:
    from tuireader.tui.controllers.listing import ListingController
    from tuireader.tui.main_screen import MainScreen


class SavedSearchController(Controller):
    def __init__(self, screen: MainScreen, listing: ListingController) -> None:
        super().__init__(screen)
        self.listing = listing
        self.state = screen.list_state

    @property
    def _file(self):  # -> Path
        return self.bridge.core.paths.saved_searches_file

    def save_current(self) -> None:
        self.start(self._save_current, group="saved")

    async def _save_current(self) -> None:
        from tuireader.tui.screens.dialogs import NotePrompt

        current = self.current()
        if not (current.query or self.state.filters.active):
            release_held_keys(self.screen)  # no dialog after all
            self.app.notify("Type a query or choose filters first, then save them", timeout=3)
            return
        prompt = NotePrompt(
            f"Save “{current.describe()[:50]}” as", current.query[:60], placeholder="Name"
        )
        name: str | None = await self.app.push_screen_wait(prompt)
        if not name:
            return
        try:
            kept = await self.bridge.run(saved.add, self._file, _named(current, name))
        except SavedSearchError as exc:
            self.app.notify(str(exc), severity="error", timeout=6)
            return
        number = next(i for i, s in enumerate(kept, 1) if s.name.casefold() == name.casefold())
        self.app.notify(f"Saved search {number}: S then {number} runs it", timeout=3)

    def current(self) -> SavedSearch:
        """What the list shows now, as a saved search (not yet named)."""
        state, f = self.state, self.state.filters
        return SavedSearch(
            "",
            state.query,
            state.current_sort,
            f.author,
            f.tag,
            None,
            f.bookmarked,
            f.unread,
            f.feed,
        )

    def choose(self) -> None:
        self.start(self._choose, group="saved")

    async def _choose(self) -> None:
        from tuireader.tui.screens.saved_searches import SavedChoice, SavedSearchesScreen

        try:
            searches = await self.bridge.run(saved.load, self._file)
        except SavedSearchError as exc:
            release_held_keys(self.screen)
            self.app.notify(str(exc), severity="error", timeout=8)
            return
        choice: SavedChoice | None = await self.app.push_screen_wait(SavedSearchesScreen(searches))
        if choice is None:
            return
        if choice.action == "delete":
            await self.bridge.run(saved.remove, self._file, choice.search.name)
            self.app.notify(f"Forgot the saved search “{choice.search.name}”", timeout=3)
        else:
            self.apply(choice.search)

    def apply(self, search: SavedSearch) -> None:
        """Show a saved search: its filters, sort and query, then the list."""
        state = self.state
        state.filters = ListFilters(
            author=search.author,
            tag=search.tag,
            bookmarked=search.bookmarked,
            unread=search.unread,
            feed=search.feed,
        )
        query = search.query + (f" format:{search.format}" if search.format else "")
        query = query.strip()
        if query:
            state.search_sort = search.sort
        elif search.sort != "relevance":
            state.sort = search.sort
        bar = self.screen.search_bar
        with bar.prevent(bar.Changed):
            bar.value = query
        bar.cursor_position = len(query)
        state.query_text = query
        self.listing.refresh()
        self.screen.set_focus(self.screen.article_list)
        self.app.notify(f"Saved search: {search.name}", timeout=2)


def _named(search: SavedSearch, name: str) -> SavedSearch:
    from dataclasses import replace

    return replace(search, name=name)
