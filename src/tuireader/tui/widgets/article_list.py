"""The article list pane: a virtual list drawn line by line.

One widget per row (ListView, DataTable, OptionList) costs seconds at 100k articles; this
list keeps the rows in a plain sequence and renders only the visible lines through
`render_line`, so replacing all rows or moving the cursor is independent of the row count.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuireader.text.inert import clean_line, clean_text

MARK_BOOKMARK = "★"
MARK_HIGHLIGHT = "✎"
MARK_UNREAD = "•"
AUTHOR_WIDTH = 18
DATE_WIDTH = 10
TITLE_FULL = 60  # the title grows to this before the author column appears beside it
NARROW_NO_DATE = 36  # below this many columns the date goes too
EXTRA_MAX = 12


@dataclass(slots=True)
class ListRow:
    """What one line of the list shows (already formatted by the app).

    Treat it as immutable (make changed copies with `dataclasses.replace`); it is not
    `frozen` only because a frozen init is 2.5x slower and a list builds 100,000 of them."""

    id: str
    title: str
    author: str
    date: str
    bookmarked: bool
    highlighted: bool
    unread: bool
    extra: str = ""


@dataclass(frozen=True, slots=True)
class RowDetail:
    """The second line of a search result: why it matched (a snippet with the matched words
    at `spans`, or the note or highlight that qualified it) and how many matches it has."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()
    count: int = 0


def fit(text: str, width: int) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


@dataclass(frozen=True)
class _Columns:
    """Column widths for one widget width."""

    title: int
    extra: int
    author: int
    date: int


class ArticleList(ScrollView, can_focus=True):
    """A virtual, keyboard-driven list of articles with a cursor row."""

    ALLOW_SELECT = False  # clicks move the cursor; no text selection in the list

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--title",
        "article-list--unread",
        "article-list--author",
        "article-list--date",
        "article-list--extra",
        "article-list--mark-bookmark",
        "article-list--mark-highlight",
        "article-list--mark-unread",
        "article-list--empty",
        "article-list--snippet",
        "article-list--snippet-match",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        scrollbar-gutter: stable;
        background: $surface;
    }
    ArticleList > .article-list--cursor { background: $panel; text-style: bold; }
    ArticleList:focus > .article-list--cursor { background: $accent 40%; }
    ArticleList > .article-list--title { }
    ArticleList > .article-list--unread { text-style: bold; }
    ArticleList > .article-list--author { color: $text-muted; }
    ArticleList > .article-list--date { color: $text-muted; }
    ArticleList > .article-list--extra { color: $text-accent; }
    ArticleList > .article-list--mark-bookmark { color: $warning; text-style: bold; }
    ArticleList > .article-list--mark-highlight { color: $success; text-style: bold; }
    ArticleList > .article-list--mark-unread { color: $accent; text-style: bold; }
    ArticleList > .article-list--empty { color: $text-muted; text-style: italic; }
    ArticleList > .article-list--snippet { color: $text-muted; }
    ArticleList > .article-list--snippet-match { color: $text; text-style: bold underline; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("home,g", "cursor_first", "Top", show=False),
        Binding("end,G", "cursor_last", "Bottom", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False),
        Binding("enter", "select", "Open"),
    ]

    empty_text: reactive[str] = reactive("No articles", layout=False)

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, article_list: ArticleList, row: ListRow, index: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.row = row
            self.index = index

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Selected(Message):
        """The row under the cursor was chosen (enter or double click)."""

        def __init__(self, article_list: ArticleList, row: ListRow, index: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.row = row
            self.index = index

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class DetailsWanted(Message):
        """Rows on screen whose snippet line is not known yet (computed only for those:
        300 results' snippets cost 40-110 ms a keystroke at 100k articles)."""

        def __init__(self, article_list: ArticleList, ids: list[str]) -> None:
            super().__init__()
            self.article_list = article_list
            self.ids = ids

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(
        self,
        rows: Sequence[ListRow] = (),
        *,
        empty_text: str = "No articles",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[ListRow] = rows
        self._index: dict[str, int] | None = None  # id -> row, built on first replace_row
        self._cursor = 0
        self._extra_width = self._measure_extra(rows)
        self._line_cache: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(512)
        self._lines = 1  # lines a row takes: 2 with snippet lines (search results)
        self._details: dict[str, RowDetail] = {}
        self._wanted: set[str] = set()
        self._tr_styles: dict[str, Style] = {}
        self.set_reactive(ArticleList.empty_text, empty_text)
        self.virtual_size = Size(0, len(rows))

    # -- public API -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_index(self) -> int:
        """Index of the cursor row (0 when the list is empty)."""
        return self._cursor

    @cursor_index.setter
    def cursor_index(self, index: int) -> None:
        self.move_cursor(index)

    @property
    def cursor_row(self) -> ListRow | None:
        if 0 <= self._cursor < len(self._rows):
            return self._rows[self._cursor]
        return None

    @property
    def rows(self) -> Sequence[ListRow]:
        return self._rows

    def set_rows(
        self,
        rows: Sequence[ListRow],
        *,
        keep_id: str | None = None,
        details: dict[str, RowDetail] | None = None,
    ) -> None:
        """Replace every row; the cursor stays on `keep_id` (or the current row) if present.

        With `details` (search results) each row gets a second line, its snippet: those
        given, the others asked for with `DetailsWanted` when they come on screen.
        The sequence is kept as given (not copied): do not mutate it afterwards.
        Posts `Highlighted` only when the row under the cursor is a different article.
        """
        old = self.cursor_row
        wanted = keep_id if keep_id is not None else (old.id if old else None)
        index = self._cursor
        if wanted is not None:
            found = self._find(rows, wanted)
            if found is not None:
                index = found
        self._rows = rows
        self._index = None
        self._extra_width = self._measure_extra(rows)
        self._line_cache.clear()
        self._lines = 1 if details is None else 2
        self._details = dict(details or {})
        self._wanted.clear()
        self._cursor = max(0, min(index, len(rows) - 1))
        self.virtual_size = Size(0, len(rows) * self._lines)
        self._scroll_cursor_visible()
        self.refresh()
        new = self.cursor_row
        if new is not None and (old is None or old.id != new.id):
            self.post_message(self.Highlighted(self, new, self._cursor))

    def replace_row(self, row: ListRow) -> bool:
        """Swap in a new version of the row with the same id (marks changed): O(1) after the
        first call, so a bookmark in a 100,000-row list does not rebuild every row."""
        if self._index is None:
            self._index = {r.id: i for i, r in enumerate(self._rows)}
        index = self._index.get(row.id)
        if index is None:
            return False
        if not isinstance(self._rows, list):
            self._rows = list(self._rows)
        self._rows[index] = row
        self._line_cache.clear()
        self._refresh_row(index)
        return True

    @property
    def has_snippets(self) -> bool:
        return self._lines > 1

    def set_details(self, details: dict[str, RowDetail]) -> None:
        """Snippet lines that arrived for rows (see `DetailsWanted`)."""
        self._details.update(details)
        self._line_cache.clear()
        self.refresh()

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped), scroll it into view, post `Highlighted`."""
        if not self._rows:
            self._cursor = 0
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self._cursor:
            self._scroll_cursor_visible()
            return
        previous, self._cursor = self._cursor, index
        self._refresh_row(previous)
        self._refresh_row(index)
        self._scroll_cursor_visible()
        self.post_message(self.Highlighted(self, self._rows[index], index))

    # -- actions ----------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_page_up(self) -> None:
        self._jump(-self._page())

    def action_page_down(self) -> None:
        self._jump(self._page())

    def action_half_page_up(self) -> None:
        self._jump(-max(1, self._page() // 2))

    def action_half_page_down(self) -> None:
        self._jump(max(1, self._page() // 2))

    def action_select(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.Selected(self, row, self._cursor))

    # -- events -----------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._rows:
            return
        index = (self.scroll_offset.y + offset.y) // self._lines
        if index >= len(self._rows):
            return
        event.stop()
        self.move_cursor(index)
        if event.chain >= 2:
            self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self._line_cache.clear()
        self._scroll_cursor_visible()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._tr_styles.clear()
        self._line_cache.clear()

    def watch_empty_text(self) -> None:
        self.refresh()

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index, part = divmod(self.scroll_offset.y + y, self._lines)
        base = self.rich_style
        if not self._rows:
            lines = _empty_lines(self.empty_text, width)
            if y < len(lines):
                text = fit(" " + lines[y], width)
                return Strip([Segment(text, base + self._style("article-list--empty"))], width)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        is_cursor = index == self._cursor
        key = (index, part, width, is_cursor)
        cached = self._line_cache.get(key)
        if cached is None:
            row = self._rows[index]
            if part:
                cached = self._render_detail(row, width, is_cursor)
            else:
                cached = self._render_row(row, width, is_cursor)
            self._line_cache[key] = cached
        return cached

    def _render_detail(self, row: ListRow, width: int, is_cursor: bool) -> Strip:
        """The snippet line: indented under the title, the first match in view."""
        base = self.rich_style
        if is_cursor:
            base = base + self._style("article-list--cursor")
        detail = self._details.get(row.id)
        if detail is None:
            self._want(row.id)
            return Strip.blank(width, base)
        dim = base + self._style("article-list--snippet")
        strong = base + self._style("article-list--snippet-match")
        indent = 5
        segments = [Segment(" " * indent, base)]
        if detail.count:
            label = f"{detail.count} match" + ("es" if detail.count > 1 else "")
            segments.append(Segment(label + "  ", base + self._style("article-list--extra")))
        room = width - indent - sum(cell_len(seg.text) for seg in segments[1:])
        segments += _snippet_segments(detail, room, dim, strong)
        return Strip(segments).crop_extend(0, width, base)

    def _want(self, row_id: str) -> None:
        """Ask for this row's snippet once the frame is drawn (one message a frame)."""
        if not self._wanted:
            self.call_after_refresh(self._post_wanted)
        self._wanted.add(row_id)

    def _post_wanted(self) -> None:
        ids = [i for i in self._wanted if i not in self._details]
        self._wanted.clear()
        if ids:
            self._details.update({i: RowDetail("") for i in ids})  # asked: not again
            self.post_message(self.DetailsWanted(self, ids))

    def _render_row(self, row: ListRow, width: int, is_cursor: bool) -> Strip:
        base = self.rich_style
        if is_cursor:
            base = base + self._style("article-list--cursor")
        cols = self._columns(width)
        blank = Segment(" ", base)
        segments = [
            blank,
            self._mark(row.bookmarked, MARK_BOOKMARK, "article-list--mark-bookmark", base),
            self._mark(row.highlighted, MARK_HIGHLIGHT, "article-list--mark-highlight", base),
            self._mark(row.unread, MARK_UNREAD, "article-list--mark-unread", base),
            blank,
        ]
        title_style = self._style("article-list--unread" if row.unread else "article-list--title")
        segments.append(Segment(fit(clean_line(row.title), cols.title), base + title_style))
        gap = width - 5 - cols.title - cols.extra - cols.author - cols.date
        if gap > 0:  # the title is at its full width: the other columns stay on the right
            segments.append(Segment(" " * gap, base))
        if cols.extra:
            extra = clean_line(row.extra)
            text = " " + set_cell_size(fit(extra, cols.extra - 1), cols.extra - 1)
            segments.append(Segment(text, base + self._style("article-list--extra")))
        if cols.author:
            text = " " + fit(clean_line(row.author), cols.author - 1)
            segments.append(Segment(text, base + self._style("article-list--author")))
        if cols.date:
            text = " " + fit(clean_line(row.date), cols.date - 2) + " "
            segments.append(Segment(text, base + self._style("article-list--date")))
        strip = Strip(segments)
        return strip.crop_extend(0, width, base)

    def _mark(self, on: bool, glyph: str, component: str, base: Style) -> Segment:
        if not on:
            return Segment(" ", base)
        return Segment(glyph, base + self._style(component))

    def _columns(self, width: int) -> _Columns:
        """Title takes what the fixed columns leave, up to TITLE_FULL cells; the author column
        appears only when the title keeps TITLE_FULL beside it, so a wider list never shows
        shorter titles. The date only above NARROW_NO_DATE."""
        fixed = 5  # leading space + 3 marks + space
        date = DATE_WIDTH + 2 if width >= NARROW_NO_DATE else 0
        extra = self._extra_width + 1 if self._extra_width else 0
        if width - fixed - date - extra < 12:
            extra = 0
        room = width - fixed - date - extra
        if room - AUTHOR_WIDTH - 1 >= TITLE_FULL:
            author, title = AUTHOR_WIDTH + 1, room - AUTHOR_WIDTH - 1
        else:
            author, title = 0, max(1, min(room, TITLE_FULL))
        return _Columns(title, extra, author, date)

    def _style(self, component: str) -> Style:
        style = self._tr_styles.get(component)
        if style is None:
            style = self.get_component_rich_style(component, partial=True)
            self._tr_styles[component] = style
        return style

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _find(rows: Sequence[ListRow], row_id: str) -> int | None:
        for index, row in enumerate(rows):
            if row.id == row_id:
                return index
        return None

    @staticmethod
    def _measure_extra(rows: Sequence[ListRow]) -> int:
        longest = max((len(row.extra) for row in rows), default=0)
        return min(longest, EXTRA_MAX)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // self._lines - 1)

    def _jump(self, delta: int) -> None:
        """Move the cursor and the view together (vim-style half/whole pages)."""
        self.scroll_to(y=self.scroll_offset.y + delta * self._lines, animate=False, force=True)
        self.move_cursor(self._cursor + delta)

    def _refresh_row(self, index: int) -> None:
        for part in range(self._lines):
            self.refresh_line(index * self._lines + part)

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = self.scroll_offset.y
        first = self._cursor * self._lines
        last = first + self._lines - 1
        if first < top:
            self.scroll_to(y=first, animate=False, force=True)
        elif last >= top + height:
            self.scroll_to(y=last - height + 1, animate=False, force=True)


def _empty_lines(text: str, width: int) -> list[str]:
    """The empty-list text, its lines wrapped to the pane (continuations indented)."""
    lines: list[str] = []
    for line in text.split("\n"):
        line = clean_line(line)
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        lines += textwrap.wrap(line, max(10, width - 2), subsequent_indent=indent) or [""]
    return lines


def _snippet_segments(detail: RowDetail, room: int, dim: Style, strong: Style) -> list[Segment]:
    """The snippet cut to `room` cells, starting a little before its first match so the
    matched word is in view; matched words in `strong`. Each piece is made inert on its
    own (cleaning may change lengths, and the spans are offsets into the raw text)."""
    text = detail.text
    if room <= 0 or not text:
        return []
    spans = [(a, b) for a, b in detail.spans if 0 <= a < b <= len(text)]
    start = 0
    if spans and spans[0][1] > room:  # the first match would be cut off: move the window
        start = max(0, spans[0][0] - room // 3)
    pieces: list[tuple[str, Style]] = [("…", dim)] if start else []
    pos = start + (1 if start else 0)
    for a, b in spans:
        if b <= pos:
            continue
        a = max(a, pos)
        pieces += [(text[pos:a], dim), (text[a:b], strong)]
        pos = b
    pieces.append((text[pos:], dim))
    line = Strip([Segment(_inert(piece), style) for piece, style in pieces if piece])
    return list(line.crop(0, room))


def _inert(piece: str) -> str:
    return clean_text(piece).replace("\n", " ").replace("\t", " ")
