"""Annotating: bookmarks and highlights of the open or selected article (the browser is
browsing_annotations, export is exporting). The store calls run on the core thread via the
bridge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.tui.controllers.base import Controller
from tuireader.tui.controllers.highlighting import HighlightingController
from tuireader.tui.controllers.reading import ReadingController
from tuireader.tui.screens.dialogs import NotePrompt
from tuireader.tui.typeahead import release_held_keys

if TYPE_CHECKING:
    from tuireader.articles.model import Article
    from tuireader.tui.main_screen import MainScreen


class AnnotatingController(Controller):
    def __init__(self, screen: MainScreen, reading: ReadingController) -> None:
        super().__init__(screen)
        self.state = screen.reader_state
        self.list_state = screen.list_state
        self.reading = reading  # which article an action is for; marks it changed
        self.highlighting = HighlightingController(screen, reading)

    async def _article_for_action(self) -> Article | None:
        article_id = self.reading.target_id()
        if article_id is None:
            self.app.notify("No article selected", timeout=2)
            return None
        article = self.state.article
        if article is not None and article.id == article_id:
            return article
        return await self.bridge.run(self.bridge.core.search.article, article_id)

    # ---------------------------------------------------------------- bookmarks
    def toggle_bookmark(self) -> None:
        self.start(self._toggle_bookmark, group="annotate")

    async def _toggle_bookmark(self) -> None:
        article = await self._article_for_action()
        if article is None:
            return
        store = self.bridge.core.annotations
        bookmark = await self.bridge.run(store.toggle_article_bookmark, article)
        still = bool(await self.bridge.run(store.bookmarks, article.id))
        self.reading.mark_changed(article.id, bookmarked=still)
        self.app.notify("Bookmarked" if bookmark else "Bookmark removed", timeout=2)

    def bookmark_with_note(self) -> None:
        self.start(self._bookmark_with_note, group="annotate")

    async def _bookmark_with_note(self) -> None:
        article = await self._article_for_action()
        if article is None:
            release_held_keys(self.screen)  # no dialog after all
            return
        prompt = NotePrompt(f"Bookmark “{article.title[:60]}” with a note")
        note: str | None = await self.app.push_screen_wait(prompt)
        if note is None:
            return
        await self.bridge.run(self.bridge.core.annotations.add_bookmark, article, note=note or None)
        self.reading.mark_changed(article.id, bookmarked=True)
        self.app.notify("Bookmarked with note", timeout=2)

    def bookmark_position(self) -> None:
        self.start(self._bookmark_position, group="annotate")

    async def _bookmark_position(self) -> None:
        article = self.state.article
        if article is None:
            self.app.notify("Open an article first", timeout=2)
            return
        reader = self.screen.reader
        offset = reader.top_offset
        await self.bridge.run(self.bridge.core.annotations.add_bookmark, article, offset=offset)
        self.reading.mark_changed(article.id, bookmarked=True)
        self.app.notify(f"Bookmarked this place ({reader.percent_read:.0f}%)", timeout=2)

    # ---------------------------------------------------------------- highlights
    def highlight(self) -> None:
        self.highlighting.highlight()

    def show_note(self) -> None:
        self.highlighting.show_note()
