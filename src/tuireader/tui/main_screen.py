"""The main screen: search bar, article list, reading pane, status line.

State flows down: the screen owns the typed state (tui/main_state.py) and the widgets, and
its controllers (tui/controllers/) set rows, documents and matches on them. Events flow up:
widgets and controllers post messages that the screen routes. Every core call goes through
`CoreBridge.run` inside a worker. Key bindings name the `action_*` methods below, each a
one-line hand-over to the controller that owns the feature (see tui/controllers/__init__.py).
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tuireader.storage.layout_prefs import LayoutPrefs, load_layout, save_layout
from tuireader.text.inert import clean_line
from tuireader.text.wording import counted
from tuireader.tui.bridge import CoreBridge
from tuireader.tui.controllers.annotating import AnnotatingController
from tuireader.tui.controllers.base import (
    LibraryChanged,
    MarksChanged,
    OpenRequested,
    RescanRequested,
)
from tuireader.tui.controllers.browsing_annotations import BrowsingController
from tuireader.tui.controllers.discovering import DiscoverController
from tuireader.tui.controllers.exporting import ExportController
from tuireader.tui.controllers.ingesting import IngestController
from tuireader.tui.controllers.library import LibraryController
from tuireader.tui.controllers.listing import ListingController
from tuireader.tui.controllers.reading import ReadingController
from tuireader.tui.controllers.saved import SavedSearchController
from tuireader.tui.errors import describe_failure
from tuireader.tui.keys import app_bindings, footer_panes, footer_ranks
from tuireader.tui.main_state import IndexState, ListState, ReaderState
from tuireader.tui.search_bar import SearchBar, SuggestionLine
from tuireader.tui.typeahead import release_held_keys
from tuireader.tui.widgets.article_list import ArticleList
from tuireader.tui.widgets.key_footer import KeyFooter
from tuireader.tui.widgets.reader_view import ReaderView

NARROW = 100  # below this width one pane takes the screen
LIST_MIN = 36  # beside an article the list keeps at least this many cells (38 at 120)


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(app_bindings())

    def __init__(self, bridge: CoreBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.list_state = ListState()
        self.reader_state = ReaderState()
        self.index_state = IndexState()
        self._last_error = ("", 0.0)
        self.layout_prefs = LayoutPrefs()
        self.listing = ListingController(self)
        self.library = LibraryController(self, self.listing)
        self.reading = ReadingController(self)
        self.annotating = AnnotatingController(self, self.reading)
        self.browsing = BrowsingController(self, self.reading)
        self.ingesting = IngestController(self)
        self.saved = SavedSearchController(self, self.listing)
        self.exporting = ExportController(self)
        self.discovering = DiscoverController(self)

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield SearchBar(
                placeholder='/ search — words, "phrases", author:, tag:, date:2023…', id="search"
            )
            yield SuggestionLine(id="suggestion")
        with Horizontal(id="panes"):
            yield ArticleList(id="list")
            yield ReaderView(id="reader")
        yield Static(id="status", markup=False)
        yield KeyFooter(footer_ranks(), footer_panes())

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def suggestion_line(self) -> SuggestionLine:
        return self.query_one("#suggestion", SuggestionLine)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reader(self) -> ReaderView:
        return self.query_one(ReaderView)

    def on_screen_resume(self) -> None:
        """Back from a dialog: the keys typed as it closed come here (see typeahead.py)."""
        self.call_after_refresh(release_held_keys, self)

    def on_mount(self) -> None:
        self.suggestion_line.display = False
        self.reader.reading_width = self.bridge.core.settings.reading_width
        self.article_list.empty_text = "Loading the library…"
        self.article_list.focus()
        self._apply_width(self.size.width)
        self.run_worker(self._load_layout(), group="layout", exit_on_error=False)
        self.library.load()
        self.library.watch()

    async def _load_layout(self) -> None:
        """The remembered pane share, read on the core thread (a file: never on this one)."""
        prefs = await self.bridge.run(load_layout, self.bridge.core.paths.layout_file)
        if prefs != self.layout_prefs and self.layout_prefs == LayoutPrefs():  # not resized yet
            self.layout_prefs = prefs
            self._apply_layout()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers do not exit the app on error: a failure is said in one line instead."""
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        message = describe_failure(event.worker.group, error)
        said, when = self._last_error
        if message != said or time.monotonic() - when > 30:  # no flood while scrolling
            self._last_error = (message, time.monotonic())
            self.app.notify(message, severity="error", timeout=10)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        self._apply_layout()

    def _apply_layout(self) -> None:
        """With no article open the list takes the whole width (an empty reading pane is of
        no use); beside an article the reading pane gets its whole reading column and the
        list the rest (at least LIST_MIN cells), until the user sets a share with `<` / `>`."""
        has_article = self.reader_state.article is not None
        self.set_class(has_article, "-article")
        split = has_article and not self.has_class("-narrow")
        share = self.layout_prefs.list_share
        if not split:
            self.article_list.styles.width = "1fr"
        elif share is not None:
            self.article_list.styles.width = f"{share}%"
        else:
            reader = self.reader.reading_width + self._reader_chrome()
            self.article_list.styles.width = max(LIST_MIN, self.size.width - reader)

    def _reader_chrome(self) -> int:
        """Cells of the reading pane around its text: padding, border, scrollbar."""
        styles = self.reader.styles
        return styles.gutter.width + styles.scrollbar_size_vertical

    def show_reader(self, show: bool) -> None:
        """In narrow terminals only one pane is visible: the list or the reader."""
        self.set_class(show, "-reading")
        self._apply_layout()

    def resize_list(self, steps: int) -> None:
        if self.has_class("-narrow"):
            self.app.notify(
                f"One pane at a time below {NARROW} columns: tab switches list and article",
                timeout=3,
            )
            return
        if self.reader_state.article is None:
            self.app.notify("Open an article to set the list's width beside it", timeout=3)
            return
        current = self.article_list.outer_size.width * 100 // max(1, self.size.width)
        prefs = self.layout_prefs.resized(steps, current)
        if prefs == self.layout_prefs:
            return
        self.layout_prefs = prefs
        self._apply_layout()
        path = self.bridge.core.paths.layout_file
        self.run_worker(lambda: save_layout(path, prefs), thread=True, group="layout")

    # ----------------------------------------------------------------- events up
    def on_marks_changed(self, event: MarksChanged) -> None:
        self.listing.refresh_row(event.article_id)

    def on_open_requested(self, event: OpenRequested) -> None:
        self.reading.open_article(event.article_id, offset=event.offset)

    def on_rescan_requested(self, event: RescanRequested) -> None:
        self.library.run_indexer()

    def on_library_changed(self, event: LibraryChanged) -> None:
        self.library.follow(event)

    def on_article_list_selected(self, event: ArticleList.Selected) -> None:
        self.reading.open_article(event.row.id)

    def on_article_list_details_wanted(self, event: ArticleList.DetailsWanted) -> None:
        self.listing.details_wanted(event)

    def on_reader_view_scrolled(self, event: ReaderView.Scrolled) -> None:
        self.reading.scrolled(event.top_offset, event.percent)

    @on(SearchBar.Changed, "#search")
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self.listing.query_changed(event.value)

    @on(SearchBar.HandOff)
    async def _search_hand_off(self, event: SearchBar.HandOff) -> None:
        """Enter shows this query's results with the first selected; escape and tab go to
        the list (tab never edits the query: ctrl+y accepts a did-you-mean). Then the keys
        typed meanwhile go on to whatever has focus (see typeahead.py)."""
        try:
            if event.kind == "submit":
                await self.listing.submit()
            else:
                self.set_focus(self.article_list)
        finally:
            release_held_keys(self)

    def check_for_changes(self) -> None:
        """The app has focus again: files may have changed meanwhile."""
        self.library.check_for_changes()

    # ----------------------------------------------------------------- actions (keys.py)
    def action_refresh(self) -> None:
        self.library.refresh()

    def action_update_feeds(self) -> None:
        self.ingesting.update_feeds()

    def action_add_url(self) -> None:
        self.ingesting.add_url()

    def action_cycle_sort(self) -> None:
        self.listing.cycle_sort()

    def action_filters(self) -> None:
        self.listing.choose_filters()

    def action_saved_searches(self) -> None:
        self.saved.choose()

    def action_save_search(self) -> None:
        self.saved.save_current()

    def action_open_selected(self) -> None:
        article_id = self.current_list_id()
        if article_id:
            self.reading.open_article(article_id)

    def action_next_hit(self) -> None:
        self.reading.hit(+1)

    def action_previous_hit(self) -> None:
        self.reading.hit(-1)

    def action_toggle_read(self) -> None:
        self.reading.toggle_read()

    def action_start_selection(self) -> None:
        self.reading.start_selection()

    def action_open_url(self) -> None:
        self.reading.open_url()

    def action_edit_file(self) -> None:
        self.reading.edit_file()

    def action_copy(self) -> None:
        self.reading.copy()

    def action_toggle_bookmark(self) -> None:
        self.annotating.toggle_bookmark()

    def action_bookmark_with_note(self) -> None:
        self.annotating.bookmark_with_note()

    def action_bookmark_position(self) -> None:
        self.annotating.bookmark_position()

    def action_highlight(self) -> None:
        self.annotating.highlight()

    def action_show_note(self) -> None:
        self.annotating.show_note()

    def action_outline(self) -> None:
        self.discovering.outline()

    def action_related(self) -> None:
        self.discovering.related()

    def action_copies(self) -> None:
        self.discovering.copies()

    def action_annotations(self) -> None:
        self.browsing.browse()

    def action_export(self) -> None:
        self.exporting.export()

    def action_focus_search(self) -> None:
        """Runs as a priority binding and moves focus at once: keys typed right after "/"
        are routed to the focused widget as they arrive, and `Widget.focus` waits a turn, so
        "/tram" typed fast sent "tram" to the list ("r" re-scanned, "a" opened annotations).
        In the search bar itself "/" is an ordinary character."""
        bar = self.search_bar
        if self.focused is bar:
            bar.insert_text_at_cursor("/")
            return
        self.show_reader(False)
        self.set_focus(bar)

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    def action_quit_app(self) -> None:
        """q closes the article being read; it quits only from the list."""
        if self.reader_state.article is not None and self.focused is self.reader:
            self.action_close_article()
        else:
            self.app.exit()

    def action_accept_suggestion(self) -> None:
        if not self.listing.accept_suggestion():
            self.app.notify("No did-you-mean to accept", timeout=2)

    def action_back(self) -> None:
        """Escape backs out one level: the search bar or the article to the list, then the
        list clears the search, then the filters (dialogs close themselves)."""
        focused = self.focused
        if focused is self.search_bar or focused is self.reader:
            self.show_reader(False)
            self.set_focus(self.article_list)
        elif self.search_bar.value:
            self.search_bar.value = ""
        elif self.list_state.filters.active:
            self.listing.clear_filters()
        self.refresh_bindings()  # the footer's esc hint goes once there is nothing to undo

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys with nothing to act on leave the footer (the help screen still lists them)."""
        if action == "back":
            return self.focused is not self.article_list or bool(
                self.search_bar.value or self.list_state.filters.active
            )
        if action in ("next_pane", "previous_pane", "close_article"):
            return self.reader_state.article is not None
        return True

    def action_widen_list(self) -> None:
        self.resize_list(+1)

    def action_narrow_list(self) -> None:
        self.resize_list(-1)

    def action_close_article(self) -> None:
        if self.reader_state.article is None:
            return
        self.reading.close_article()
        self.show_reader(False)
        self.article_list.focus()

    def action_help(self) -> None:
        from tuireader.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    # ----------------------------------------------------------------- focus & panes
    def _panes(self) -> list[Widget]:
        """Tab moves between the panes; the search bar is reached with `/`."""
        panes: list[Widget] = [self.article_list]
        if self.reader_state.article is not None:
            panes.append(self.reader)
        return panes

    def _cycle(self, step: int) -> None:
        panes = self._panes()
        focused = self.focused
        index = panes.index(focused) if focused in panes else 0
        target = panes[(index + step) % len(panes)] if focused in panes else panes[0]
        self.show_reader(isinstance(target, ReaderView))
        target.focus()

    def current_list_id(self) -> str | None:
        row = self.article_list.cursor_row
        return row.id if row is not None else None

    # ----------------------------------------------------------------- status line
    def update_status(self) -> None:
        lists = self.list_state
        parts = [counted(len(lists.entries) or lists.catalog_count, "article")]
        if lists.query:
            shown = len(lists.shown)
            parts.append(
                ("about " if lists.total_is_estimate else "")
                + counted(lists.total, "result")
                + (f" (top {shown})" if shown < lists.total else "")
            )
        elif lists.filters.active:
            parts.append(f"{len(lists.shown):,} shown")
        if lists.filters.active:
            parts.append(f"filter: {lists.filters.describe()}")
        parts.append(f"sort: {lists.current_sort}")
        if self.index_state.status:
            parts.append(self.index_state.status)
        if self.index_state.ingest_status:
            parts.append(self.index_state.ingest_status)
        parts.extend(self.reading.status())
        if lists.search_note:
            parts.append(lists.search_note)
        self.query_one("#status", Static).update(Text(" · ".join(parts)))
        self._title_panes()

    def _title_panes(self) -> None:
        """The rule over each pane names it (plain text: titles are never markup)."""
        lists = self.list_state
        if lists.query:
            title = counted(lists.total, "result")
        elif lists.filters.active:
            title = f"Articles · {len(lists.shown):,} shown"
        else:
            title = "Articles"
        self.article_list.border_title = Content(title)
        article = self.reader_state.article
        self.reader.border_title = Content(clean_line(article.title)) if article else None
