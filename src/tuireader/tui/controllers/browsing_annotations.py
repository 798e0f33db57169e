"""The annotations browser (`a`): builds its rows from the store and carries out its edits,
deletes and undos on the core thread, keeping the list's marks and the open article's
highlights in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.tui.controllers.base import Controller, OpenRequested
from tuireader.tui.controllers.reading import ReadingController, highlight_spans
from tuireader.tui.screens.annotations import AnnotationRow, AnnotationsScreen, JumpTarget

if TYPE_CHECKING:
    from tuireader.annotations import Bookmark, Highlight
    from tuireader.tui.main_screen import MainScreen
    from tuireader.tui.screens.annotation_edit import AnnotationEdit


class BrowsingController(Controller):
    def __init__(self, screen: MainScreen, reading: ReadingController) -> None:
        super().__init__(screen)
        self.list_state = screen.list_state
        self.reading = reading
        self._records: dict[str, Bookmark | Highlight] = {}  # row key -> what undo restores

    def browse(self) -> None:
        self.start(self._browse, group="annotate")

    async def _browse(self) -> None:
        store = self.bridge.core.annotations
        bookmarks = await self.bridge.run(store.bookmarks)
        highlights = await self.bridge.run(store.highlights)
        records: list[Bookmark | Highlight] = [*bookmarks, *highlights]
        self._records = {r.id: r for r in records}
        rows = [self._row(r) for r in self._records.values()]
        rows.sort(key=lambda r: (r.article_title.casefold(), r.offset or 0))
        screen = AnnotationsScreen(rows, actions=self)
        target: JumpTarget | None = await self.app.push_screen_wait(screen)
        if target is not None:
            self.screen.post_message(OpenRequested(target.article_id, target.offset))

    # ------------------------------------------------------------ BrowserActions
    async def edit(self, row: AnnotationRow, change: AnnotationEdit) -> AnnotationRow:
        store = self.bridge.core.annotations
        record: Bookmark | Highlight
        if row.kind == "bookmark":
            record = await self.bridge.run(
                lambda: store.update_bookmark(row.key, note=change.note or None, tags=change.tags)
            )
        else:
            color = change.color or row.color
            record = await self.bridge.run(
                lambda: store.update_highlight(
                    row.key, note=change.note or None, tags=change.tags, color=color
                )
            )
        self._records[record.id] = record
        await self._refresh_article(row.article_id)
        return self._row(record)

    async def delete(self, row: AnnotationRow) -> None:
        store = self.bridge.core.annotations
        remove = store.remove_bookmark if row.kind == "bookmark" else store.remove_highlight
        await self.bridge.run(remove, row.key)
        await self._refresh_article(row.article_id)

    async def restore(self, row: AnnotationRow) -> None:
        from tuireader.annotations.undo import restore

        await self.bridge.run(restore, self.bridge.core.annotations, self._records[row.key])
        await self._refresh_article(row.article_id)

    async def _refresh_article(self, article_id: str) -> None:
        """The list's ★/✎ marks and, when it is open, the article's highlights."""
        store = self.bridge.core.annotations
        bookmarks = await self.bridge.run(store.bookmarks, article_id)
        highlights = await self.bridge.run(store.highlights, article_id)
        live = [h for h in highlights if not h.orphaned]
        self.reading.mark_changed(article_id, bookmarked=bool(bookmarks), highlighted=bool(live))
        article = self.screen.reader_state.article
        if article is not None and article.id == article_id:
            self.screen.reader.set_highlights(highlight_spans(highlights))

    # ------------------------------------------------------------ rows
    def _row(self, record: Bookmark | Highlight) -> AnnotationRow:
        entry = self.list_state.entries.get(record.article_id)
        title = entry.title if entry else record.title or record.article_id
        from tuireader.annotations import Bookmark

        if isinstance(record, Bookmark):
            return AnnotationRow(
                key=record.id, kind="bookmark", article_id=record.article_id,
                article_title=title, offset=record.offset, text=record.quote or "whole article",
                note=record.note or "", tags=record.tags, orphaned=record.orphaned,
                created=record.created, updated=record.updated,
            )  # fmt: skip
        return AnnotationRow(
            key=record.id, kind="highlight", article_id=record.article_id, article_title=title,
            offset=record.start, text=record.quote, note=record.note or "", color=record.color,
            orphaned=record.orphaned, tags=record.tags, created=record.created,
            updated=record.updated,
        )  # fmt: skip
