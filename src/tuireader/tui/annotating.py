"""Annotation actions of the main screen: bookmarks, highlights, the browser, export."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work

from tuireader.tui.screens.annotations import AnnotationRow, AnnotationsScreen, JumpTarget
from tuireader.tui.screens.dialogs import (
    ExportChoice,
    ExportDialog,
    HighlightChoice,
    HighlightDialog,
    NotePrompt,
)
from tuireader.tui.typeahead import release_held_keys
from tuireader.tui.widgets.reader_view import ReaderView

if TYPE_CHECKING:
    from tuireader.tui.bridge import CoreBridge


class AnnotatingMixin:
    """Mixed into MainScreen; the store calls run on the core thread via the bridge."""

    bridge: CoreBridge
    article: Any
    entries: dict[str, Any]

    async def _article_for_action(self) -> Any:
        article_id = self._target_id()  # type: ignore[attr-defined]
        if article_id is None:
            self.app.notify("No article selected", timeout=2)  # type: ignore[attr-defined]
            return None
        if self.article is not None and self.article.id == article_id:
            return self.article
        return await self.bridge.run(self.bridge.core.search.article, article_id)

    # ---------------------------------------------------------------- bookmarks
    @work(exit_on_error=False, group="annotate")
    async def action_toggle_bookmark(self) -> None:
        article = await self._article_for_action()
        if article is None:
            return
        store = self.bridge.core.annotations
        bookmark = await self.bridge.run(store.toggle_article_bookmark, article)
        self._mark_changed(article.id, bookmarked=await self._still_bookmarked(article.id))  # type: ignore[attr-defined]
        self.app.notify("Bookmarked" if bookmark else "Bookmark removed", timeout=2)  # type: ignore[attr-defined]

    async def _still_bookmarked(self, article_id: str) -> bool:
        return bool(await self.bridge.run(self.bridge.core.annotations.bookmarks, article_id))

    @work(exit_on_error=False, group="annotate")
    async def action_bookmark_with_note(self) -> None:
        article = await self._article_for_action()
        if article is None:
            release_held_keys(self)  # no dialog after all
            return
        note = await self.app.push_screen_wait(
            NotePrompt(f"Bookmark “{article.title[:60]}” with a note")
        )  # type: ignore[attr-defined]
        if note is None:
            return
        await self.bridge.run(self.bridge.core.annotations.add_bookmark, article, note=note or None)
        self._mark_changed(article.id, bookmarked=True)  # type: ignore[attr-defined]
        self.app.notify("Bookmarked with note", timeout=2)  # type: ignore[attr-defined]

    @work(exit_on_error=False, group="annotate")
    async def action_bookmark_position(self) -> None:
        if self.article is None:
            self.app.notify("Open an article first", timeout=2)  # type: ignore[attr-defined]
            return
        reader = self.query_one(ReaderView)  # type: ignore[attr-defined]
        offset = reader.top_offset
        await self.bridge.run(
            self.bridge.core.annotations.add_bookmark, self.article, offset=offset
        )
        self._mark_changed(self.article.id, bookmarked=True)  # type: ignore[attr-defined]
        self.app.notify(f"Bookmarked this place ({reader.percent_read:.0f}%)", timeout=2)  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- highlights
    @work(exit_on_error=False, group="annotate")
    async def action_highlight(self) -> None:
        if self.article is None:
            release_held_keys(self)  # no dialog after all
            self.app.notify("Open an article first", timeout=2)  # type: ignore[attr-defined]
            return
        reader = self.query_one(ReaderView)  # type: ignore[attr-defined]
        span = reader.selection or reader.mouse_selection_offsets() or reader.current_sentence()
        if not span or span[1] <= span[0]:
            release_held_keys(self)
            self.app.notify("Nothing to highlight here", timeout=2)  # type: ignore[attr-defined]
            return
        article = self.article
        quote = article.body[span[0] : span[1]]
        choice: HighlightChoice | None = await self.app.push_screen_wait(HighlightDialog(quote))  # type: ignore[attr-defined]
        if choice is None:
            return
        store = self.bridge.core.annotations
        await self.bridge.run(
            store.add_highlight,
            article,
            span[0],
            span[1],
            color=choice.color,
            note=choice.note or None,
        )
        highlights = await self.bridge.run(store.highlights, article.id)
        reader.clear_selection()
        reader.set_highlights(self.highlight_spans(highlights))  # type: ignore[attr-defined]
        self._mark_changed(article.id, highlighted=True)  # type: ignore[attr-defined]
        self.app.notify("Highlighted", timeout=2)  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- browser
    @work(exit_on_error=False, group="annotate")
    async def action_annotations(self) -> None:
        store = self.bridge.core.annotations
        bookmarks = await self.bridge.run(store.bookmarks)
        highlights = await self.bridge.run(store.highlights)
        rows = [self._bookmark_row(b) for b in bookmarks] + [
            self._highlight_row(h) for h in highlights
        ]
        rows.sort(key=lambda r: (r.article_title.casefold(), r.offset or 0))
        target: JumpTarget | None = await self.app.push_screen_wait(AnnotationsScreen(rows))  # type: ignore[attr-defined]
        if target is not None:
            self.open_article(target.article_id, offset=target.offset)  # type: ignore[attr-defined]

    def _title(self, record: Any) -> str:
        entry = self.entries.get(record.article_id)
        return entry.title if entry else getattr(record, "title", "") or record.article_id

    def _bookmark_row(self, b: Any) -> AnnotationRow:
        return AnnotationRow(
            key=b.id,
            kind="bookmark",
            article_id=b.article_id,
            article_title=self._title(b),
            offset=b.offset,
            text=b.quote or "whole article",
            note=b.note or "",
        )

    def _highlight_row(self, h: Any) -> AnnotationRow:
        return AnnotationRow(
            key=h.id,
            kind="highlight",
            article_id=h.article_id,
            article_title=self._title(h),
            offset=h.start,
            text=h.quote,
            note=h.note or "",
            color=h.color,
            orphaned=bool(getattr(h, "orphaned", False)),
        )

    # ---------------------------------------------------------------- export
    @work(exit_on_error=False, group="annotate")
    async def action_export(self) -> None:
        settings = self.app.settings  # type: ignore[attr-defined]
        export_dir = settings.export_dir or self.bridge.core.paths.export_dir
        stem = f"tuireader-{datetime.now():%Y-%m-%d}"
        choice: ExportChoice | None = await self.app.push_screen_wait(
            ExportDialog(export_dir, stem)
        )  # type: ignore[attr-defined]
        if choice is None:
            return
        try:
            count = await self.bridge.run(self._export, choice)
        except OSError as exc:
            self.app.notify(f"Export failed: {exc.strerror or exc}", severity="error", timeout=8)  # type: ignore[attr-defined]
            return
        self.app.notify(f"Exported {count} annotations to {choice.path}", timeout=5)  # type: ignore[attr-defined]

    def _export(self, choice: ExportChoice) -> int:
        """Runs on the core thread."""
        from tuireader.annotations import export_annotations, write_atomically

        core = self.bridge.core
        store = core.annotations
        text = export_annotations(store, _lookup(core.search), choice.fmt)
        choice.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(choice.path, text)
        return len(store.bookmarks()) + len(store.highlights())


def _lookup(search: Any) -> Any:
    """id -> Article or None (a file may be gone; its annotations still export)."""

    def find(article_id: str) -> Any:
        try:
            return search.article(article_id)
        except Exception:
            return None

    return find
