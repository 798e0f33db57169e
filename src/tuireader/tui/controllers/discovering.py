"""`O` lists the open article's outline and jumps to a heading; `R` lists the articles
most like the open one (or the one under the list cursor) and opens the one picked; `C`
lists the copies of that story (the rows a search folds into one, "+2 copies").

The related search runs on the core thread (`SearchService.related`: the article's
strongest terms over the library, itself and its copies left out)."""

from __future__ import annotations

from functools import partial

from tuireader.library import ArticleNotFound
from tuireader.text.inert import clean_line
from tuireader.tui.controllers.base import Controller, OpenRequested
from tuireader.tui.screens.picker import Choice, PickerScreen
from tuireader.tui.typeahead import release_held_keys

RELATED_LIMIT = 10  # the closest few; the rest of a small library shares only common words


class DiscoverController(Controller):
    def outline(self) -> None:
        self.start(self._outline, group="discover", exclusive=True)

    async def _outline(self) -> None:
        article = self.screen.reader_state.article
        if article is None:
            self._say("Open an article first: O lists its headings")
            return
        if not article.headings:
            self._say("This article has no headings")
            return
        top = min(h.level for h in article.headings)
        length = max(1, len(article.body))
        choices = [
            Choice(h.title, f"{100 * h.offset // length}%", h.offset, indent=h.level - top)
            for h in article.headings
        ]
        title = f"Outline · {clean_line(article.title)}"
        hint = "enter: go there · escape: close"
        offset = await self.app.push_screen_wait(PickerScreen(title, choices, hint))
        if offset is None or self.screen.reader_state.article is not article:
            return
        reader = self.screen.reader
        reader.scroll_to_offset(offset, center=False)
        self.screen.set_focus(reader)

    def related(self) -> None:
        self.start(self._related, group="discover", exclusive=True)

    async def _related(self) -> None:
        article_id = self.screen.reading.target_id()
        if article_id is None:
            self._say("No article here: R lists the articles like the one open or selected")
            return
        search = self.bridge.core.search
        try:
            results = await self.bridge.run(
                partial(search.related, article_id, limit=RELATED_LIMIT)
            )
        except ArticleNotFound:
            self._say("That article is no longer in the library")
            return
        if results.error:
            self._say(clean_line(results.error))
            return
        entry = self.screen.list_state.entries.get(article_id)
        name = entry.title if entry is not None else article_id
        choices = [Choice(hit.title, _byline(hit.author, hit.date), hit.id) for hit in results.hits]
        if not choices:
            self._say("No other article shares its strongest words")
            return
        title = f"Like · {clean_line(name)}"
        hint = "enter: open · escape: close"
        chosen = await self.app.push_screen_wait(PickerScreen(title, choices, hint))
        if chosen is not None:
            self.screen.post_message(OpenRequested(chosen))

    def copies(self) -> None:
        self.start(self._copies, group="discover", exclusive=True)

    async def _copies(self) -> None:
        article_id = self.screen.reading.target_id()
        entries = self.screen.list_state.entries
        entry = entries.get(article_id) if article_id else None
        if entry is None:
            self._say("No article here: C lists the copies of the one open or selected")
            return
        ids = await self.bridge.run(self.bridge.core.search.copies_of, entry)
        copies = [entries[i] for i in sorted(ids) if i != entry.id and i in entries]
        if not copies:
            self._say("No other copy of this article in the library")
            return
        choices = [Choice(c.title, f"{c.path}", c.id) for c in copies]
        title = f"Copies · {clean_line(entry.title)}"
        chosen = await self.app.push_screen_wait(
            PickerScreen(title, choices, "enter: open · escape: close")
        )
        if chosen is not None:
            self.screen.post_message(OpenRequested(chosen))

    def _say(self, message: str) -> None:
        release_held_keys(self.screen)  # no dialog after all
        self.app.notify(message, timeout=3)


def _byline(author: str | None, date: object) -> str:
    parts = [author or ""]
    if date is not None and hasattr(date, "date"):
        parts.append(date.date().isoformat())
    return " · ".join(p for p in parts if p)
