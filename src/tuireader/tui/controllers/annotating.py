"""Annotating: bookmarks, highlights, the annotations browser, export. The store calls run
on the core thread via the bridge."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tuireader.tui.controllers.base import Controller, OpenRequested
from tuireader.tui.controllers.highlighting import HighlightingController
from tuireader.tui.controllers.reading import ReadingController
from tuireader.tui.screens.annotations import AnnotationRow, AnnotationsScreen, JumpTarget
from tuireader.tui.screens.dialogs import (
    ExportChoice,
    ExportDialog,
    NotePrompt,
)
from tuireader.tui.typeahead import release_held_keys

if TYPE_CHECKING:
    from collections.abc import Callable

    from tuireader.annotations import Bookmark, Highlight
    from tuireader.articles.model import Article
    from tuireader.search import SearchService
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

    # ---------------------------------------------------------------- browser
    def browse(self) -> None:
        self.start(self._browse, group="annotate")

    async def _browse(self) -> None:
        store = self.bridge.core.annotations
        bookmarks = await self.bridge.run(store.bookmarks)
        highlights = await self.bridge.run(store.highlights)
        rows = [self._bookmark_row(b) for b in bookmarks] + [
            self._highlight_row(h) for h in highlights
        ]
        rows.sort(key=lambda r: (r.article_title.casefold(), r.offset or 0))
        target: JumpTarget | None = await self.app.push_screen_wait(AnnotationsScreen(rows))
        if target is not None:
            self.screen.post_message(OpenRequested(target.article_id, target.offset))

    def _title(self, record: Bookmark | Highlight) -> str:
        entry = self.list_state.entries.get(record.article_id)
        return entry.title if entry else record.title or record.article_id

    def _bookmark_row(self, b: Bookmark) -> AnnotationRow:
        return AnnotationRow(
            key=b.id,
            kind="bookmark",
            article_id=b.article_id,
            article_title=self._title(b),
            offset=b.offset,
            text=b.quote or "whole article",
            note=b.note or "",
            tags=b.tags,
            created=b.created,
            updated=b.updated,
        )

    def _highlight_row(self, h: Highlight) -> AnnotationRow:
        return AnnotationRow(
            key=h.id,
            kind="highlight",
            article_id=h.article_id,
            article_title=self._title(h),
            offset=h.start,
            text=h.quote,
            note=h.note or "",
            color=h.color,
            orphaned=h.orphaned,
            tags=h.tags,
            created=h.created,
            updated=h.updated,
        )

    # ---------------------------------------------------------------- export
    def export(self) -> None:
        self.start(self._export_dialog, group="annotate")

    async def _export_dialog(self) -> None:
        core = self.bridge.core
        export_dir = core.settings.export_dir or core.paths.export_dir
        stem = f"tuireader-{datetime.now():%Y-%m-%d}"
        choice: ExportChoice | None = await self.app.push_screen_wait(
            ExportDialog(export_dir, stem)
        )
        if choice is None:
            return
        try:
            count = await self.bridge.run(self._export, choice)
        except OSError as exc:
            self.app.notify(f"Export failed: {exc.strerror or exc}", severity="error", timeout=8)
            return
        self.app.notify(f"Exported {count} annotations to {choice.path}", timeout=5)

    def _export(self, choice: ExportChoice) -> int:
        """Runs on the core thread."""
        from tuireader.annotations import export_annotations, write_atomically

        core = self.bridge.core
        store = core.annotations
        text = export_annotations(store, _lookup(core.search), choice.fmt)
        choice.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(choice.path, text)
        return len(store.bookmarks()) + len(store.highlights())


def _lookup(search: SearchService) -> Callable[[str], Article | None]:
    """id -> Article or None (a file may be gone; its annotations still export)."""

    def find(article_id: str) -> Article | None:
        try:
            return search.article(article_id)
        except Exception:
            return None

    return find
