"""The reading pane: a Line-API view over a wrapped ReaderDocument.

Opening an article costs one wrap (cached per width); everything else (search hits, user
highlights, selections, the reading cursor) is a layer of body-offset spans applied to the
few visible lines at render time, so it stays cheap at 100k words.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from tuireader.tui.widgets import text_units
from tuireader.tui.widgets.reader_document import HighlightSpan, ReaderDocument
from tuireader.tui.widgets.reader_pictures import picture_segments
from tuireader.tui.widgets.reader_styles import (
    COMPONENT_CLASSES,
    DEFAULT_CSS,
    Span,
    highlight_component,
    inline_style,
    kind_component,
    layer_segments,
)
from tuireader.tui.widgets.wrap import Layout, Line, layout

_UNITS = {
    "word": (text_units.word_end_after, text_units.word_end_before),
    "sentence": (text_units.sentence_end_after, text_units.sentence_end_before),
    "paragraph": (text_units.paragraph_end_after, text_units.paragraph_end_before),
}
REVEAL_MARGIN = 3  # a hit this close to the first screen's foot is shown a third down
_SELECTION_ACTIONS = {"extend", "clear_selection"}
_NOTED = Style(underline=True)  # a highlight that carries a note (i shows it)


class ReaderView(ScrollView, can_focus=True):
    """Shows one article; maps display lines to body offsets and back."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENT_CLASSES)

    DEFAULT_CSS = DEFAULT_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_lines(-1)", "Line up", show=False),
        Binding("down,j", "scroll_lines(1)", "Line down", show=False),
        Binding("pageup", "scroll_pages(-1)", "Page up", show=False),
        Binding("pagedown,space", "scroll_pages(1)", "Page down", show=False),
        Binding("ctrl+u", "scroll_half(-1)", "Half page up", show=False),
        Binding("ctrl+d", "scroll_half(1)", "Half page down", show=False),
        Binding("home,g", "scroll_home_doc", "Top", show=False),
        Binding("end,G", "scroll_end_doc", "Bottom", show=False),
        Binding("w", "extend('word', 1)", "Word +", show=False),
        Binding("W", "extend('word', -1)", "Word -", show=False),
        Binding("s", "extend('sentence', 1)", "Sentence +", show=False),
        Binding("S", "extend('sentence', -1)", "Sentence -", show=False),
        Binding("p", "extend('paragraph', 1)", "Paragraph +", show=False),
        Binding("P", "extend('paragraph', -1)", "Paragraph -", show=False),
        Binding("escape", "clear_selection", "Clear selection", show=False),
    ]

    reading_width: reactive[int] = reactive(80)
    empty_text: reactive[str] = reactive("No article open")

    class SelectionChanged(Message):
        """The keyboard selection changed (None when cleared)."""

        def __init__(self, reader: ReaderView, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.reader = reader
            self.selection = selection

        @property
        def control(self) -> ReaderView:
            return self.reader

    class Scrolled(Message):
        """The view moved (throttled): where the reader is, for progress and saving."""

        def __init__(self, reader: ReaderView, top_offset: int, percent: int) -> None:
            super().__init__()
            self.reader = reader
            self.top_offset = top_offset
            self.percent = percent

        @property
        def control(self) -> ReaderView:
            return self.reader

    def __init__(
        self,
        *,
        reading_width: int = 80,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(ReaderView.reading_width, reading_width)
        self._doc: ReaderDocument | None = None
        self._layouts: dict[int, Layout] = {}
        self._layout: Layout | None = None
        self._pending_offset: int | None = None
        self._pending_reveal = False  # place the pending offset as a hit, not as the top line
        self._matches: list[tuple[int, int]] = []
        self._match_ends: list[int] = []
        self._current_match: int | None = None
        self._highlights: list[HighlightSpan] = []
        self._notes_by_line: dict[int, list[str]] = {}
        self._cursor: int | None = None
        self._selection: tuple[int, int] | None = None  # (anchor, head)
        self._line_cache: LRUCache[int, Strip] = LRUCache(256)
        self._tr_styles: dict[str, Style] = {}
        self._scrolled_timer_pending = False

    # -- document ---------------------------------------------------------------------------

    @property
    def document(self) -> ReaderDocument | None:
        return self._doc

    def show(self, doc: ReaderDocument, *, offset: int | None = None) -> None:
        """Open `doc`; with `offset`, the line holding it becomes the top line.

        Clears matches, highlights and selections (they belong to the previous article).
        """
        self._doc = doc
        self._layouts.clear()
        self._layout = None
        self._matches, self._match_ends, self._current_match = [], [], None
        self._highlights, self._notes_by_line = [], {}
        self._cursor, self._selection = None, None
        self.screen_selection_clear()
        self._pending_offset = offset if offset is not None else 0
        self._pending_reveal = False
        self._relayout()

    def clear(self) -> None:
        """Show the empty state."""
        self._doc, self._layout = None, None
        self._layouts.clear()
        self._line_cache.clear()
        self.virtual_size = Size(0, 0)
        self.refresh()

    # -- offsets ----------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._layout.lines) if self._layout else 0

    def offset_at_line(self, y: int) -> int:
        """Body offset of the first character of display line `y`."""
        return self._layout.offset_at_line(y) if self._layout else 0

    def line_of_offset(self, offset: int) -> int:
        """Display line holding body offset `offset`."""
        return self._layout.line_of_offset(offset) if self._layout else 0

    @property
    def top_offset(self) -> int:
        """Body offset of the first visible line (what to save as the reading position)."""
        return self.offset_at_line(self.scroll_offset.y)

    @property
    def percent_read(self) -> int:
        max_y = self.max_scroll_y
        if max_y <= 0:
            return 100
        return max(0, min(100, round(100 * self.scroll_offset.y / max_y)))

    def scroll_to_offset(self, offset: int, *, center: bool = True) -> None:
        """Bring body offset `offset` into view (centred, or as the top line)."""
        if self._layout is None:
            self._pending_offset = offset
            return
        y = self.line_of_offset(offset)
        if center:
            y -= self.scrollable_content_region.height // 2
        self.scroll_to(y=max(0, y), animate=False, force=True)

    def reveal_offset(self, offset: int) -> None:
        """Show a search hit with its context: from the top (title and byline in view) when it
        fits on the first screen, else about a third down, so the lines before it are read too.
        Before the first layout (the pane is just appearing) the placement waits for it."""
        if self._layout is None:
            self._pending_offset, self._pending_reveal = offset, True
            return
        self.scroll_to(y=self._reveal_top(offset), animate=False, force=True)

    def _reveal_top(self, offset: int) -> int:
        height = self.scrollable_content_region.height
        y = self.line_of_offset(offset)
        if y < height - REVEAL_MARGIN:
            return 0
        return max(0, y - height // 3)

    # -- search matches ---------------------------------------------------------------------

    def set_matches(self, matches: Sequence[tuple[int, int]]) -> None:
        """Search hits as (start, end) body offsets; none is current until next/prev."""
        self._matches = sorted((s, e) for s, e in matches if e > s)
        self._match_ends = [e for _, e in self._matches]
        self._current_match = None
        self._invalidate()

    @property
    def match_counter(self) -> tuple[int, int]:
        """(current 1-based, total); current is 0 before the first jump."""
        current = self._current_match
        return (current + 1 if current is not None else 0, len(self._matches))

    def next_match(self) -> tuple[int, int]:
        return self._step_match(1)

    def prev_match(self) -> tuple[int, int]:
        return self._step_match(-1)

    def _step_match(self, direction: int) -> tuple[int, int]:
        total = len(self._matches)
        if not total:
            return (0, 0)
        if self._current_match is None:
            top = self.top_offset
            starts = [s for s, _ in self._matches]
            first_after = bisect_right(starts, top - 1)
            index = first_after % total if direction > 0 else (first_after - 1) % total
        else:
            index = (self._current_match + direction) % total
        self._current_match = index
        self.reveal_offset(self._matches[index][0])
        self._invalidate()
        return self.match_counter

    # -- highlights -------------------------------------------------------------------------

    def set_highlights(self, highlights: Sequence[HighlightSpan]) -> None:
        self._highlights = [h for h in highlights if h.end > h.start]
        self._index_notes()
        self._invalidate()

    def _index_notes(self) -> None:
        self._notes_by_line = {}
        if self._layout is None:
            return
        for span in self._highlights:
            if span.note:
                y = self.line_of_offset(span.end - 1)
                self._notes_by_line.setdefault(y, []).append(span.note)

    # -- keyboard selection -----------------------------------------------------------------

    @property
    def cursor_offset(self) -> int:
        """The reading cursor: where a selection starts (top visible line by default)."""
        if self._cursor is None or not self._is_visible(self._cursor):
            return self.top_offset
        return self._cursor

    @cursor_offset.setter
    def cursor_offset(self, offset: int) -> None:
        self._cursor = offset
        self._invalidate()

    @property
    def selection(self) -> tuple[int, int] | None:
        if self._selection is None:
            return None
        anchor, head = self._selection
        return (min(anchor, head), max(anchor, head))

    def start_selection(self) -> tuple[int, int] | None:
        """Select the word at the reading cursor; w/s/p then grow it."""
        if self._doc is None:
            return None
        start, end = text_units.word_at(self._doc, self.cursor_offset)
        self._selection = (start, end)
        self._selection_changed(end)
        return self.selection

    def extend_selection(self, unit: str, direction: int = 1) -> tuple[int, int] | None:
        """Move the selection's end by one word/sentence/paragraph (never before its first word)."""
        if self._doc is None:
            return None
        if self._selection is None:
            self.start_selection()
        assert self._selection is not None
        after, before = _UNITS[unit]
        anchor, head = self._selection
        if direction >= 0:
            head = after(self._doc, head)
        else:
            head = before(self._doc, head)
            minimum = text_units.word_at(self._doc, anchor)[1]
            head = max(head, minimum)
        self._selection = (anchor, head)
        self._selection_changed(head)
        return self.selection

    def clear_selection(self) -> None:
        if self._selection is not None:
            self._selection = None
            self._invalidate()
            self.post_message(self.SelectionChanged(self, None))

    def current_sentence(self) -> tuple[int, int]:
        if self._doc is None:
            return (0, 0)
        return text_units.sentence_at(self._doc, self.cursor_offset)

    def selected_text(self) -> str:
        """The keyboard selection's text, else the mouse selection's, else ""."""
        span = self.selection or self.mouse_selection_offsets()
        if self._doc is None or span is None:
            return ""
        return self._doc.body[span[0] : span[1]]

    def _selection_changed(self, head: int) -> None:
        self._cursor = head
        if not self._is_visible(head):
            self.scroll_to_offset(head, center=True)
        self._invalidate()
        self.post_message(self.SelectionChanged(self, self.selection))

    # -- mouse selection (Textual's offsets API) --------------------------------------------

    def mouse_selection_offsets(self) -> tuple[int, int] | None:
        """The screen's mouse selection in this widget as body offsets."""
        return self._selection_offsets(self.text_selection)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """Textual asks for the selected text (screen.get_selected_text, copy)."""
        span = self._selection_offsets(selection)
        if span is None or self._doc is None:
            return None
        return self._doc.body[span[0] : span[1]], "\n"

    def _selection_offsets(self, selection: Selection | None) -> tuple[int, int] | None:
        if selection is None or self._layout is None or self._doc is None:
            return None
        start, end = selection
        begin = 0 if start is None else self._body_at(start.x, start.y)
        finish = len(self._doc.body) if end is None else self._body_at(end.x, end.y)
        if finish <= begin:
            return None
        return begin, finish

    def selection_updated(self, selection: Selection | None) -> None:
        self._invalidate()

    def screen_selection_clear(self) -> None:
        if self.is_attached and self.text_selection is not None:
            self.screen.clear_selection()

    def _body_at(self, x: int, y: int) -> int:
        """Body offset for a selection offset (x counts characters from the strip start)."""
        assert self._layout is not None
        lines = self._layout.lines
        if y >= len(lines):
            return len(self._doc.body) if self._doc else 0
        line = lines[max(0, y)]
        if line.text is not None:
            return line.start
        column = x - self._margin() - len(line.prefix)
        return line.start + max(0, min(column, line.end - line.start))

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _SELECTION_ACTIONS:
            return self._selection is not None  # let w/s/p/escape reach the app otherwise
        return True

    def action_scroll_lines(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False, force=True)

    def action_scroll_pages(self, pages: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + pages * step, animate=False, force=True)

    def action_scroll_half(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=self.scroll_offset.y + direction * step, animate=False, force=True)

    def action_scroll_home_doc(self) -> None:
        self.scroll_to(y=0, animate=False, force=True)

    def action_scroll_end_doc(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, force=True)

    def action_extend(self, unit: str, direction: int) -> None:
        self.extend_selection(unit, direction)

    def action_clear_selection(self) -> None:
        self.clear_selection()

    # -- events -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def watch_reading_width(self) -> None:
        self._relayout()

    def watch_empty_text(self) -> None:
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) == round(new_value):
            return
        self._line_cache.clear()  # the reading cursor follows the top line
        if not self._scrolled_timer_pending:
            self._scrolled_timer_pending = True
            self.set_timer(0.1, self._post_scrolled)

    def _post_scrolled(self) -> None:
        self._scrolled_timer_pending = False
        if self._layout is not None:
            self.post_message(self.Scrolled(self, self.top_offset, self.percent_read))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self._layout is None:
            return
        y = self.scroll_offset.y + offset.y
        if y < len(self._layout.lines):
            self._cursor = self._body_at(offset.x, y)
            self._invalidate()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._tr_styles.clear()
        self._line_cache.clear()

    # -- layout -----------------------------------------------------------------------------

    def _content_geometry(self) -> tuple[int, int]:
        """(available width, text column width)."""
        avail = self.scrollable_content_region.width
        return avail, max(1, min(self.reading_width, avail))

    def _margin(self) -> int:
        avail, column = self._content_geometry()
        return max(0, (avail - column) // 2)

    def _relayout(self) -> None:
        """Wrap for the current width, keeping the top line's body offset in view."""
        if self._doc is None:
            return
        avail, column = self._content_geometry()
        if avail <= 0:
            return  # not laid out yet: on_resize will come
        keep, reveal = self._pending_offset, self._pending_reveal
        if keep is None and self._layout is not None:
            keep = self.top_offset
            if self._layout.width == max(column, 8):
                self._line_cache.clear()
                self.refresh()
                return
        self._pending_offset, self._pending_reveal = None, False
        new = self._layouts.get(column)
        if new is None:
            if len(self._layouts) > 3:
                self._layouts.clear()
            new = self._layouts[column] = layout(self._doc, column)
        self._layout = new
        self._index_notes()
        self.virtual_size = Size(avail, len(new.lines))
        self._line_cache.clear()
        if keep is not None:
            y = self._reveal_top(keep) if reveal else new.line_of_offset(keep) if keep else 0
            self.scroll_to(y=y, animate=False, force=True)
        self.refresh()
        self.call_after_refresh(self._post_scrolled)

    def _is_visible(self, offset: int) -> bool:
        y = self.line_of_offset(offset)
        top = self.scroll_offset.y
        return top <= y < top + max(1, self.scrollable_content_region.height)

    def _invalidate(self) -> None:
        self._line_cache.clear()
        self.refresh()

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        avail = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if self._layout is None or self._doc is None:
            if y == 0 and self._doc is None:
                text = set_cell_size(" " + self.empty_text, avail)
                return Strip([Segment(text, self.rich_style + self._style("reader-view--empty"))])
            return Strip.blank(avail, self.rich_style)
        if index >= len(self._layout.lines):
            return Strip.blank(avail, self.rich_style)
        strip = self._line_cache.get(index)
        if strip is None:
            strip = self._render_index(index, avail).apply_offsets(0, index)
            self._line_cache[index] = strip
        return strip

    def _render_index(self, index: int, avail: int) -> Strip:
        assert self._layout is not None and self._doc is not None
        line = self._layout.lines[index]
        base = self.rich_style
        margin = self._margin()
        column = min(self.reading_width, avail)
        kind_style = base + self._kind_style(line)
        segments: list[Segment] = []
        if margin >= 2 and self._cursor_line() == index:
            segments.append(Segment(" " * (margin - 2), base))
            segments.append(Segment("› ", base + self._style("reader-view--cursor")))
        else:
            segments.append(Segment(" " * margin, base))
        if line.prefix:
            segments.append(Segment(line.prefix, self._prefix_style(line, base, kind_style)))
        if line.picture >= 0 and (picture := self._doc.pictures[line.picture]):
            segments.extend(picture_segments(picture, line.level, column, base))
        elif line.text is not None:
            text = line.text
            if line.kind == "source":
                text = set_cell_size(text, column).rstrip()
            segments.append(Segment(text, kind_style))
        else:
            text = self._doc.body[line.start : line.end]
            segments.extend(self._styled(line, text, kind_style))
        strip = Strip(segments)
        used = strip.cell_length
        pad_style = kind_style if line.kind == "code" else base
        if line.kind == "code" and used < margin + column:
            strip = strip.extend_cell_length(margin + column, pad_style)
            used = margin + column
        notes = self._notes_by_line.get(index)
        if notes and avail - (margin + column) >= 3:
            right = avail - max(used, margin + column)
            note = set_cell_size(" ✎ " + " / ".join(notes), right).rstrip()
            strip = strip.extend_cell_length(margin + column, base)
            strip = Strip([*strip, Segment(note, base + self._style("reader-view--note"))])
        return strip.crop_extend(0, avail, base)

    def _styled(self, line: Line, text: str, base: Style) -> list[Segment]:
        """Split `text` where any layer's span starts or ends; combine styles in layer order."""
        a, b = line.start, line.end
        spans = self._line_spans(line, a, b)
        return layer_segments(text, base, spans)

    def _line_spans(self, line: Line, a: int, b: int) -> list[Span]:
        """Every layer's spans over body[a:b], as (start, end, style) relative to `a`."""
        assert self._doc is not None
        spans: list[Span] = []

        def add(start: int, end: int, style: Style) -> None:
            start, end = max(start, a), min(end, b)
            if start < end:
                spans.append((start - a, end - a, style))

        if line.block >= 0:
            block = self._doc.blocks[line.block]
            base = self._doc.starts[line.block]
            for s, e, name in block.spans:
                add(base + s, base + e, self._inline_style(name))
        for h in self._highlights:
            if h.start < b and h.end > a:  # a note is underlined: seen at any width
                style = self._style(highlight_component(h.color))
                add(h.start, h.end, style + _NOTED if h.note else style)
        if self._matches:
            i = bisect_right(self._match_ends, a)
            while i < len(self._matches) and self._matches[i][0] < b:
                s, e = self._matches[i]
                current = i == self._current_match
                add(
                    s,
                    e,
                    self._style("reader-view--match-current" if current else "reader-view--match"),
                )
                i += 1
        selection_style = self._style("reader-view--selection")
        for span in (self.selection, self.mouse_selection_offsets()):
            if span is not None:
                add(span[0], span[1], selection_style)
        return spans

    def _cursor_line(self) -> int:
        return self.line_of_offset(self.cursor_offset)

    def _kind_style(self, line: Line) -> Style:
        component = kind_component(line.kind, line.level)
        return self._style(component) if component else Style()

    def _prefix_style(self, line: Line, base: Style, kind_style: Style) -> Style:
        if line.kind == "quote":
            return base + self._style("reader-view--quote-bar")
        return kind_style if line.kind == "code" else base

    def _inline_style(self, name: str) -> Style:
        found = inline_style(name)
        return found if isinstance(found, Style) else self._style(found)

    def _style(self, component: str) -> Style:
        style = self._tr_styles.get(component)
        if style is None:
            style = self.get_component_rich_style(component)
            self._tr_styles[component] = style
        return style
