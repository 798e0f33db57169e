"""Reading actions of the main screen: open an article, jump between hits, remember the
place, open the source, edit the file, copy."""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from tuireader.tui.errors import describe_failure
from tuireader.tui.widgets.article_list import ArticleList
from tuireader.tui.widgets.reader_view import HighlightSpan, ReaderDocument, ReaderView

if TYPE_CHECKING:
    from tuireader.tui.bridge import CoreBridge


class ReadingMixin:
    """Handlers use on_* names, not @on: Textual collects @on handlers per class body only.

    Mixed into MainScreen (which provides bridge, marks, hits, query_text...)."""

    bridge: CoreBridge
    article: Any
    marks: dict[str, Any]
    hits: dict[str, Any]
    query_text: str

    def init_reading(self) -> None:
        self.article = None
        self.hit_counter = ""
        self.percent = 0.0

    # ---------------------------------------------------------------- opening
    def on_article_list_selected(self, event: ArticleList.Selected) -> None:
        self.open_article(event.row.id)

    def action_open_selected(self) -> None:
        article_id = self.current_list_id()  # type: ignore[attr-defined]
        if article_id:
            self.open_article(article_id)

    @work(exit_on_error=False, exclusive=True, group="open")
    async def open_article(self, article_id: str, offset: int | None = None) -> None:
        core = self.bridge.core
        try:
            article = await self.bridge.run(core.search.article, article_id)
        except Exception as exc:
            self.app.notify(describe_failure("open", exc), severity="error")  # type: ignore[attr-defined]
            return
        try:  # a broken annotation store must not stop reading
            highlights = await self.bridge.run(core.annotations.highlights, article.id)
            state = await self.bridge.run(core.annotations.reading_state, article.id)
        except Exception:
            highlights, state = [], None
        query = self.query_text.strip()
        matches = await self.bridge.run(core.search.matches_in, article, query) if query else []
        reader = self.query_one(ReaderView)  # type: ignore[attr-defined]
        self.article = article
        start = offset
        if start is None and not matches and state is not None:
            start = state.position
        document = await self.bridge.run(ReaderDocument.from_article, article)
        reader.show(document, offset=start)
        reader.set_highlights(self.highlight_spans(highlights))
        reader.set_matches(matches)
        self.hit_counter = f"hit 0/{len(matches)}" if matches else ""
        if matches and offset is None:
            current, total = reader.next_match()
            self.hit_counter = f"hit {current}/{total}"
        self.show_reader(True)  # type: ignore[attr-defined]
        reader.focus()
        self.percent = reader.percent_read
        self.update_status()  # type: ignore[attr-defined]
        try:
            await self.bridge.run(core.annotations.set_read, article.id, True)
        except Exception:
            return  # said once by the library loader; the article is open all the same
        self._mark_changed(article.id, read=True)

    def highlight_spans(self, highlights: list[Any]) -> list[HighlightSpan]:
        return [
            HighlightSpan(h.start, h.end, h.color, h.note or None, h.id)
            for h in highlights
            if not getattr(h, "orphaned", False)
        ]

    def _mark_changed(self, article_id: str, **changes: Any) -> None:
        """Update one article's marks in place and redraw the list rows."""
        from dataclasses import replace

        from tuireader.annotations import ArticleMarks

        mark = self.marks.get(article_id) or ArticleMarks()
        self.marks[article_id] = replace(mark, **changes)
        self.refresh_row(article_id)  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- hits
    def action_next_hit(self) -> None:
        self._hit(+1)

    def action_previous_hit(self) -> None:
        self._hit(-1)

    def _hit(self, step: int) -> None:
        reader = self.query_one(ReaderView)  # type: ignore[attr-defined]
        if self.article is None or not self.hit_counter:
            self.app.notify("No search hits in this article", timeout=2)  # type: ignore[attr-defined]
            return
        current, total = reader.next_match() if step > 0 else reader.prev_match()
        self.hit_counter = f"hit {current}/{total}"
        self.update_status()  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- position
    def on_reader_view_scrolled(self, event: ReaderView.Scrolled) -> None:
        self.percent = event.percent
        self.update_status()  # type: ignore[attr-defined]
        if self.article is not None:
            self._save_position(self.article, event.top_offset, event.percent)

    @work(exit_on_error=False, exclusive=True, group="position")
    async def _save_position(self, article: Any, position: int, percent: float) -> None:
        save = partial(
            self.bridge.core.annotations.save_reading_state,
            article,
            position=position,
            percent=percent,
        )
        self.bridge.at_close("position", save)  # saved even if `q` comes first
        await self.bridge.run(save)
        self.bridge.done_at_close("position", save)

    def reading_status(self) -> list[str]:
        if self.article is None:
            return []
        parts = [f"{self.percent:.0f}% read"]
        if self.hit_counter:
            parts.append(self.hit_counter)
        return parts

    # ---------------------------------------------------------------- read state
    @work(exit_on_error=False, group="marks")
    async def action_toggle_read(self) -> None:
        article_id = self._target_id()
        if article_id is None:
            return
        mark = self.marks.get(article_id)
        read = not (mark and mark.read)
        await self.bridge.run(self.bridge.core.annotations.set_read, article_id, read)
        self._mark_changed(article_id, read=read)
        self.app.notify("Marked read" if read else "Marked unread", timeout=2)  # type: ignore[attr-defined]

    def _target_id(self) -> str | None:
        """The article an action applies to: the open one when reading, else the list cursor."""
        if self.article is not None and isinstance(self.focused, ReaderView):  # type: ignore[attr-defined]
            return self.article.id
        return self.current_list_id() or (self.article.id if self.article else None)  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- outside world
    def action_start_selection(self) -> None:
        if self.article is None:
            self.app.notify("Open an article first", timeout=2)  # type: ignore[attr-defined]
            return
        reader = self.query_one(ReaderView)  # type: ignore[attr-defined]
        self.show_reader(True)  # type: ignore[attr-defined]
        reader.focus()
        reader.start_selection()

    def action_open_url(self) -> None:
        if self.article is None:
            self.app.notify("Open an article first", timeout=2)  # type: ignore[attr-defined]
            return
        url = self.article.url or self._file_path().as_uri()
        self._open_browser(url)

    @work(exit_on_error=False, thread=True)
    def _open_browser(self, url: str) -> None:
        if not url.startswith(("http://", "https://", "file://")):
            self.app.call_from_thread(self.app.notify, "Not a web link", severity="warning")  # type: ignore[attr-defined]
            return
        if not webbrowser.open(url):
            self.app.call_from_thread(self.app.notify, "No browser available", severity="warning")  # type: ignore[attr-defined]

    def _file_path(self) -> Path:
        return (self.bridge.core.library_root / self.article.path).resolve()

    def action_edit_file(self) -> None:
        if self.article is None:
            self.app.notify("Open an article first", timeout=2)  # type: ignore[attr-defined]
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():  # type: ignore[attr-defined]
                subprocess.call([*shlex.split(editor), str(self._file_path())])
        except SuspendNotSupported:
            self.app.notify("This terminal cannot hand over to an editor", severity="warning")  # type: ignore[attr-defined]
            return
        except OSError as exc:
            self.app.notify(f"Cannot start {editor}: {exc}", severity="error")  # type: ignore[attr-defined]
            return
        self.run_indexer()  # type: ignore[attr-defined]
        self.open_article(self.article.id, offset=self.query_one(ReaderView).top_offset)  # type: ignore[attr-defined]

    def action_copy(self) -> None:
        reader = self.query_one(ReaderView)  # type: ignore[attr-defined]
        text = reader.selected_text() if self.article is not None else ""
        if not text and self.article is not None:
            text = self.article.url or self._file_path().as_uri()
        if not text:
            self.app.notify("Nothing to copy", timeout=2)  # type: ignore[attr-defined]
            return
        self.app.copy_to_clipboard(text)  # type: ignore[attr-defined]
        self.app.notify("Copied", timeout=2)  # type: ignore[attr-defined]
