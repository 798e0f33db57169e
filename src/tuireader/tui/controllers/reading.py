"""Reading: open an article, jump between hits, remember the place, mark read, open the
source, edit the file, copy."""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.tui.controllers.base import (
    Controller,
    MarksChanged,
    OpenRequested,
    RescanRequested,
)
from tuireader.tui.errors import describe_failure
from tuireader.tui.widgets.reader_view import HighlightSpan, ReaderDocument, ReaderView

if TYPE_CHECKING:
    from tuireader.annotations import Highlight
    from tuireader.articles.model import Article
    from tuireader.tui.main_screen import MainScreen


class ReadingController(Controller):
    def __init__(self, screen: MainScreen) -> None:
        super().__init__(screen)
        self.state = screen.reader_state
        self.list_state = screen.list_state

    # ---------------------------------------------------------------- opening
    def open_article(self, article_id: str, offset: int | None = None) -> None:
        self.start(partial(self._open, article_id, offset), group="open", exclusive=True)

    async def _open(self, article_id: str, offset: int | None) -> None:
        core = self.bridge.core
        try:
            article = await self.bridge.run(core.search.article, article_id)
        except Exception as exc:
            self.app.notify(describe_failure("open", exc), severity="error")
            return
        try:  # a broken annotation store must not stop reading
            highlights = await self.bridge.run(core.annotations.highlights, article.id)
            state = await self.bridge.run(core.annotations.reading_state, article.id)
        except Exception:
            highlights, state = [], None
        query = self.list_state.query
        matches = (
            await self.bridge.run(partial(core.search.matches_in, article, query, live=True))
            if query
            else []
        )
        reader = self.screen.reader
        self.state.article = article
        start = offset
        if start is None and not matches and state is not None:
            start = state.position
        document = await self.bridge.run(
            partial(
                ReaderDocument.from_article,
                article,
                images=core.settings.images,
                root=core.library_root,
            )
        )
        reader.show(document, offset=start)
        reader.set_highlights(highlight_spans(highlights))
        reader.set_matches(matches)
        self.state.hit_counter = f"hit 0/{len(matches)}" if matches else ""
        if matches and offset is None:
            current, total = reader.next_match()
            self.state.hit_counter = f"hit {current}/{total}"
        self.screen.show_reader(True)
        reader.focus()
        self.state.percent = reader.percent_read
        self.screen.update_status()
        try:
            await self.bridge.run(core.annotations.set_read, article.id, True)
        except Exception:
            return  # said once by the library loader; the article is open all the same
        self.mark_changed(article.id, read=True)

    def mark_changed(self, article_id: str, **changes: bool) -> None:
        """Update one article's marks in place; the screen redraws its row."""
        from tuireader.annotations import ArticleMarks

        marks = self.list_state.marks
        marks[article_id] = replace(marks.get(article_id) or ArticleMarks(), **changes)
        self.screen.post_message(MarksChanged(article_id))

    def target_id(self) -> str | None:
        """The article an action applies to: the open one when reading, else the list cursor."""
        article = self.state.article
        if article is not None and isinstance(self.screen.focused, ReaderView):
            return article.id
        return self.screen.current_list_id() or (article.id if article else None)

    def close_article(self) -> None:
        """Back to the list alone (the reading position was saved as it scrolled)."""
        self.state.article = None
        self.state.hit_counter = ""
        self.state.percent = 0.0
        self.screen.reader.clear()
        self.screen.update_status()

    def _open_article(self) -> Article | None:
        """The open article, or None after saying one must be opened first."""
        if self.state.article is None:
            self.app.notify("Open an article first", timeout=2)
        return self.state.article

    # ---------------------------------------------------------------- hits
    def hit(self, step: int) -> None:
        reader = self.screen.reader
        if self.state.article is None or not self.state.hit_counter:
            self.app.notify("No search hits in this article", timeout=2)
            return
        current, total = reader.next_match() if step > 0 else reader.prev_match()
        self.state.hit_counter = f"hit {current}/{total}"
        self.screen.update_status()

    # ---------------------------------------------------------------- position
    def scrolled(self, top_offset: int, percent: float) -> None:
        self.state.percent = percent
        self.screen.update_status()
        if self.state.article is not None:
            job = partial(self._save_position, self.state.article, top_offset, percent)
            self.start(job, group="position", exclusive=True)

    async def _save_position(self, article: Article, position: int, percent: float) -> None:
        save = partial(
            self.bridge.core.annotations.save_reading_state,
            article,
            position=position,
            percent=percent,
        )
        self.bridge.at_close("position", save)  # saved even if `q` comes first
        await self.bridge.run(save)
        self.bridge.done_at_close("position", save)

    def status(self) -> list[str]:
        if self.state.article is None:
            return []
        parts = [f"{self.state.percent:.0f}% read"]
        if self.state.hit_counter:
            parts.append(self.state.hit_counter)
        return parts

    # ---------------------------------------------------------------- read state
    def toggle_read(self) -> None:
        self.start(self._toggle_read, group="marks")

    async def _toggle_read(self) -> None:
        article_id = self.target_id()
        if article_id is None:
            return
        mark = self.list_state.marks.get(article_id)
        read = not (mark and mark.read)
        await self.bridge.run(self.bridge.core.annotations.set_read, article_id, read)
        self.mark_changed(article_id, read=read)
        self.app.notify("Marked read" if read else "Marked unread", timeout=2)

    # ---------------------------------------------------------------- outside world
    def start_selection(self) -> None:
        if self._open_article() is None:
            return
        reader = self.screen.reader
        self.screen.show_reader(True)
        reader.focus()
        reader.start_selection()

    def open_url(self) -> None:
        article = self._open_article()
        if article is None:
            return
        url = article.url or self._file_path(article).as_uri()
        self.start_thread(partial(self._open_browser, url))

    def _open_browser(self, url: str) -> None:
        """On a thread: a browser may take its time to start."""
        app = self.app
        if not url.startswith(("http://", "https://", "file://")):
            app.call_from_thread(app.notify, "Not a web link", severity="warning")
            return
        if not webbrowser.open(url):
            app.call_from_thread(app.notify, "No browser available", severity="warning")

    def _file_path(self, article: Article) -> Path:
        return (self.bridge.core.library_root / article.path).resolve()

    def edit_file(self) -> None:
        article = self._open_article()
        if article is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():
                subprocess.call([*shlex.split(editor), str(self._file_path(article))])
        except SuspendNotSupported:
            self.app.notify("This terminal cannot hand over to an editor", severity="warning")
            return
        except OSError as exc:
            self.app.notify(f"Cannot start {editor}: {exc}", severity="error")
            return
        self.screen.post_message(RescanRequested())
        self.screen.post_message(OpenRequested(article.id, self.screen.reader.top_offset))

    def copy(self) -> None:
        article = self.state.article
        text = self.screen.reader.selected_text() if article is not None else ""
        if not text and article is not None:
            text = article.url or self._file_path(article).as_uri()
        if not text:
            self.app.notify("Nothing to copy", timeout=2)
            return
        self.app.copy_to_clipboard(text)
        self.app.notify("Copied", timeout=2)


def highlight_spans(highlights: list[Highlight]) -> list[HighlightSpan]:
    return [
        HighlightSpan(h.start, h.end, h.color, h.note or None, h.id)
        for h in highlights
        if not h.orphaned
    ]
