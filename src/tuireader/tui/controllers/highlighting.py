"""Highlights in the open article: `h` makes, edits or merges one; `i` shows the note of the
highlight at the reading cursor. The store calls run on the core thread via the bridge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.annotations.overlap import HighlightPlan, apply_plan, plan_highlight
from tuireader.text.inert import clean_line
from tuireader.tui.controllers.base import Controller
from tuireader.tui.controllers.reading import ReadingController, highlight_spans
from tuireader.tui.screens.highlight_dialog import HighlightChoice, HighlightDialog
from tuireader.tui.typeahead import release_held_keys

if TYPE_CHECKING:
    from tuireader.annotations import Highlight
    from tuireader.articles.model import Article
    from tuireader.tui.main_screen import MainScreen


def _heading(plan: HighlightPlan) -> str:
    if plan.kind == "edit":
        return "Edit highlight"
    if plan.kind == "merge":
        n = len(plan.absorbed)
        return f"Highlight (merges {n} overlapping highlight{'s' if n > 1 else ''})"
    return "Highlight"


def _said(plan: HighlightPlan, choice: HighlightChoice) -> str:
    if choice.remove:
        return "Highlight removed"
    with_note = " with a note" if choice.note else " (no note)"
    if plan.kind == "edit":
        return "Highlight updated" + with_note
    if plan.kind == "merge":
        return f"Merged {len(plan.absorbed) + 1} highlights into one" + with_note
    return "Highlighted" + with_note


class HighlightingController(Controller):
    def __init__(self, screen: MainScreen, reading: ReadingController) -> None:
        super().__init__(screen)
        self.state = screen.reader_state
        self.reading = reading

    def highlight(self) -> None:
        self.start(self._highlight, group="annotate")

    async def _highlight(self) -> None:
        article = self.state.article
        if article is None:
            release_held_keys(self.screen)  # no dialog after all
            self.app.notify("Open an article first", timeout=2)
            return
        reader = self.screen.reader
        span = reader.selection or reader.mouse_selection_offsets() or reader.current_sentence()
        if not span or span[1] <= span[0]:
            release_held_keys(self.screen)
            self.app.notify("Nothing to highlight here", timeout=2)
            return
        store = self.bridge.core.annotations
        existing = await self.bridge.run(store.highlights, article.id)
        plan = plan_highlight(existing, span[0], span[1])
        dialog = HighlightDialog(
            article.body[plan.start : plan.end],
            plan.color or "yellow",
            note=plan.note,
            heading=_heading(plan),
            removable=plan.edit is not None,
        )
        choice: HighlightChoice | None = await self.app.push_screen_wait(dialog)
        if choice is None:
            return
        await self.bridge.run(self._write, article, plan, choice)
        highlights = await self.bridge.run(store.highlights, article.id)
        reader.clear_selection()
        reader.set_highlights(highlight_spans(highlights))
        self.reading.mark_changed(article.id, highlighted=bool(highlights))
        self.app.notify(_said(plan, choice), timeout=3)

    def _write(self, article: Article, plan: HighlightPlan, choice: HighlightChoice) -> None:
        """Runs on the core thread."""
        store = self.bridge.core.annotations
        if choice.remove and plan.edit is not None:
            store.remove_highlight(plan.edit.id)
            return
        apply_plan(store, article, plan, color=choice.color, note=choice.note or None)

    # ---------------------------------------------------------------- the note here
    def show_note(self) -> None:
        self.start(self._show_note, group="annotate")

    async def _show_note(self) -> None:
        article = self.state.article
        if article is None:
            self.app.notify("Open an article first", timeout=2)
            return
        store = self.bridge.core.annotations
        highlights = await self.bridge.run(store.highlights, article.id)
        found = _noted_near(highlights, self.screen.reader.cursor_offset)
        if found is None:
            self.app.notify("No highlight with a note here (h adds one)", timeout=3)
            return
        quote = clean_line(found.quote)
        quote = quote if len(quote) <= 80 else quote[:79] + "…"
        self.app.notify(clean_line(found.note or ""), title=f"“{quote}”", timeout=10, markup=False)


def _noted_near(highlights: list[Highlight], offset: int) -> Highlight | None:
    """The noted highlight under the cursor, else the next one after it."""
    noted = [h for h in highlights if h.note and not h.orphaned]
    for h in noted:
        if h.start <= offset < h.end:
            return h
    after = [h for h in noted if h.start >= offset]
    return min(after, key=lambda h: h.start) if after else None
