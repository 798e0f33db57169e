"""ReaderView: wrapping, offset maps, search hits, highlights and selections over body offsets."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from textual.app import App, ComposeResult

from tuireader.articles.model import ImageMark, ParsedFields, build_article
from tuireader.tui.widgets import HighlightSpan, ReaderDocument, ReaderView

pytestmark = pytest.mark.anyio

SIZE = (100, 30)
PARA1 = "Alpha beta gamma. " * 12 + "Last words here."
PARA2 = "Second paragraph starts. It has two sentences!"
PARA3 = "Third one is short."
BODY = "\n\n".join([PARA1, PARA2, PARA3])


class ReaderApp(App[None]):
    def __init__(self, doc: ReaderDocument | None = None, width: int = 40) -> None:
        super().__init__()
        self.doc = doc
        self.width = width
        self.selections: list[tuple[int, int] | None] = []

    def compose(self) -> ComposeResult:
        yield ReaderView(reading_width=self.width)

    def on_mount(self) -> None:
        view = self.query_one(ReaderView)
        view.focus()
        if self.doc is not None:
            view.show(self.doc)

    def on_reader_view_selection_changed(self, message: ReaderView.SelectionChanged) -> None:
        self.selections.append(message.selection)


def line_text(view: ReaderView, y: int) -> str:
    """The text of display line y of the document (not the screen row)."""
    layout = view._layout
    assert layout is not None
    line = layout.lines[y]
    return line.text if line.text is not None else view.document.body[line.start : line.end]


def rendered(view: ReaderView, row: int) -> str:
    return "".join(segment.text for segment in view.render_line(row))


def doc_with_title() -> ReaderDocument:
    return ReaderDocument.from_text(BODY, title="A [bold]title[/]", author="Ann")


async def test_wraps_to_reading_width_and_centres() -> None:
    app = ReaderApp(doc_with_title(), width=40)
    async with app.run_test(size=SIZE):
        view = app.query_one(ReaderView)
        body_lines = [y for y, line in enumerate(view._layout.lines) if line.block >= 0]
        assert len(body_lines) > 5
        assert all(len(line_text(view, y)) <= 40 for y in body_lines)
        assert max(len(line_text(view, y)) for y in body_lines) >= 30
        first = rendered(view, 0)
        assert "A [bold]title[/]" in first  # markup shown literally
        margin = (view.scrollable_content_region.width - 40) // 2
        assert first.startswith(" " * margin + "A [")
        # Every body character is on some line, in order: lines cover the body.
        covered = "".join(line_text(view, y) for y in body_lines)
        assert covered.replace(" ", "") == BODY.replace(" ", "").replace("\n", "")


async def test_offsets_and_lines_round_trip() -> None:
    app = ReaderApp(doc_with_title(), width=40)
    async with app.run_test(size=SIZE):
        view = app.query_one(ReaderView)
        for offset in range(0, len(BODY), 7):
            y = view.line_of_offset(offset)
            line = view._layout.lines[y]
            assert line.start <= offset <= line.end + 2  # in the line or its dropped break
            assert view.offset_at_line(y) == line.start
        for y, line in enumerate(view._layout.lines):
            if line.block >= 0 and line.end > line.start:
                assert view.line_of_offset(view.offset_at_line(y)) == y


async def test_matches_next_prev_wrap_around() -> None:
    app = ReaderApp(ReaderDocument.from_text(BODY), width=40)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ReaderView)
        hits = [(i, i + 5) for i in range(len(BODY)) if BODY.startswith("gamma", i)]
        assert len(hits) == 12
        view.set_matches(hits)
        assert view.match_counter == (0, 12)
        assert view.next_match() == (1, 12)
        assert view.next_match() == (2, 12)
        assert view.prev_match() == (1, 12)
        assert view.prev_match() == (12, 12)  # wraps to the last
        assert view.next_match() == (1, 12)  # and back to the first
        await pilot.pause()
        y = view.line_of_offset(hits[0][0]) - view.scroll_offset.y
        strip = list(view.render_line(y))
        current = view.get_component_rich_style(
            "reader-view--match-current",
        )
        styled = "".join(s.text for s in strip if s.style and s.style.bgcolor == current.bgcolor)
        assert styled == "gamma"


async def test_highlights_style_the_right_characters_and_show_notes() -> None:
    app = ReaderApp(ReaderDocument.from_text(BODY), width=40)
    async with app.run_test(size=(100, 30)):
        view = app.query_one(ReaderView)
        start = BODY.index("Second paragraph")
        view.set_highlights(
            [HighlightSpan(start, start + len("Second paragraph"), "green", "why this", "h1")]
        )
        y = view.line_of_offset(start) - view.scroll_offset.y
        green = view.get_component_rich_style(
            "reader-view--highlight-green",
        )
        segments = list(view.render_line(y))
        styled = "".join(s.text for s in segments if s.style and s.style.bgcolor == green.bgcolor)
        assert styled == "Second paragraph"
        assert "✎ why this" in "".join(s.text for s in segments)


async def test_keyboard_selection_by_word_sentence_paragraph() -> None:
    app = ReaderApp(ReaderDocument.from_text(BODY), width=40)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ReaderView)
        view.cursor_offset = BODY.index("Second")
        await pilot.press("w")  # no selection yet: the key is not the widget's
        assert view.selection is None
        view.start_selection()
        assert view.selected_text() == "Second"
        await pilot.press("w", "w")
        assert view.selected_text() == "Second paragraph starts."
        await pilot.press("W")
        assert view.selected_text() == "Second paragraph"
        await pilot.press("s")
        assert view.selected_text() == "Second paragraph starts."
        await pilot.press("s")
        assert view.selected_text() == PARA2
        await pilot.press("S")
        assert view.selected_text() == "Second paragraph starts."
        await pilot.press("p")
        assert view.selected_text() == PARA2
        await pilot.press("p")
        assert view.selected_text() == PARA2 + "\n\n" + PARA3
        start = BODY.index("Second")
        assert view.selection == (start, len(BODY))
        await pilot.press("escape")
        assert view.selection is None
        await pilot.pause()
        assert app.selections[-1] is None
        assert app.selections[0] == (start, start + len("Second"))


async def test_current_sentence_at_cursor() -> None:
    app = ReaderApp(ReaderDocument.from_text(BODY), width=40)
    async with app.run_test(size=SIZE):
        view = app.query_one(ReaderView)
        view.cursor_offset = BODY.index("two sentences")
        start, end = view.current_sentence()
        assert BODY[start:end] == "It has two sentences!"


async def test_resize_keeps_top_offset() -> None:
    long_body = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(200))
    app = ReaderApp(ReaderDocument.from_text(long_body), width=80)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(ReaderView)
        target = long_body.index("Paragraph 120 ")
        view.scroll_to_offset(target, center=False)
        await pilot.pause()
        assert view.top_offset == target
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert view._layout.width < 80
        assert view.top_offset == target
        assert 0 < view.percent_read < 100


async def test_scroll_keys_and_percent() -> None:
    long_body = "\n\n".join("word " * 50 for _ in range(100))
    app = ReaderApp(ReaderDocument.from_text(long_body), width=40)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ReaderView)
        assert view.percent_read == 0
        await pilot.press("j", "j")
        assert view.scroll_offset.y == 2
        await pilot.press("G")
        assert view.percent_read == 100
        await pilot.press("g")
        assert view.scroll_offset.y == 0
        await pilot.press("ctrl+d")
        assert view.scroll_offset.y == view.scrollable_content_region.height // 2


async def test_markdown_blocks_rendered() -> None:
    source = (
        "# Big *title*\n\nSome **bold** text.\n\n- one\n- two item that is long enough "
        "to wrap around the reading width for sure\n\n> quoted words\n\n```\ncode line\n```\n"
    )
    from tuireader.articles.markdown_blocks import blocks_to_body, markdown_blocks

    body = blocks_to_body(markdown_blocks(source))
    fields = ParsedFields(title="MD", body=body, date=datetime(2023, 3, 19), source=source)
    article = build_article("a.md", "markdown", fields)
    doc = ReaderDocument.from_article(article)
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "item", "item", "quote", "code"]
    app = ReaderApp(doc, width=40)
    async with app.run_test(size=SIZE):
        view = app.query_one(ReaderView)
        screen = [rendered(view, y) for y in range(view.scrollable_content_region.height)]
        text = "\n".join(screen)
        assert "2023-03-19" in text
        assert "Big title" in text and "#" not in text
        assert "▌ quoted words" in text
        assert "• two item" in text
        wrapped = [row for row in screen if "for sure" in row or "reading" in row]
        assert wrapped and all("•" not in row for row in wrapped[-1:])  # hanging indent
        h1 = view.get_component_rich_style(
            "reader-view--h1",
        )
        heading_row = next(y for y, row in enumerate(screen) if "Big title" in row)
        heading = [s for s in view.render_line(heading_row) if "Big" in s.text]
        assert heading and heading[0].style.bold and heading[0].style.underline == h1.underline


async def test_mouse_selection_returns_body_text() -> None:
    app = ReaderApp(ReaderDocument.from_text(BODY), width=40)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ReaderView)
        y = view.line_of_offset(BODY.index("Second")) - view.scroll_offset.y
        x = (view.scrollable_content_region.width - 40) // 2
        await pilot.mouse_down(ReaderView, offset=(x, y))
        await pilot.hover(ReaderView, offset=(x + 15, y))
        await pilot.mouse_up(ReaderView, offset=(x + 15, y))
        await pilot.pause()
        assert app.screen.get_selected_text() == "Second paragraph"
        start = BODY.index("Second")
        assert view.mouse_selection_offsets() == (start, start + len("Second paragraph"))


async def test_escape_sequences_never_rendered() -> None:
    doc = ReaderDocument.from_text("Bad \x1b]52;c;ZXZpbA==\x07 text", title="T\x1b[2Jx")
    app = ReaderApp(doc, width=40)
    async with app.run_test(size=SIZE):
        view = app.query_one(ReaderView)
        for row in range(6):
            for segment in view.render_line(row):
                assert "\x1b" not in segment.text and "\x07" not in segment.text


async def test_opens_a_100k_word_article() -> None:
    words = ("reading terminal article library search word " * 20).split()
    body = "\n\n".join(" ".join(words[:120]) + "." for _ in range(100_000 // 120 + 1))
    doc = ReaderDocument.from_text(body, title="Huge")
    app = ReaderApp(doc, width=80)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ReaderView)
        assert view.line_count > 10_000
        await pilot.press("G")
        assert view.percent_read == 100
        assert view.top_offset > len(body) - 4_000
        view.set_matches([(i, i + 7) for i in range(0, len(body), 5_000)])
        assert view.next_match()[1] == len(range(0, len(body), 5_000))


async def test_image_placeholders_stand_where_the_images_were() -> None:
    fields = ParsedFields(title="Pictures", body=BODY)
    second = BODY.index(PARA2)
    marks = (
        ImageMark(second, "A [b]weir[/b]\x1b[31m at dusk", "x.assets/001.png"),
        ImageMark(len(BODY), "", None),
    )
    article = replace(build_article("p.html", "html", fields), images=marks)
    app = ReaderApp(ReaderDocument.from_article(article), width=40)
    async with app.run_test(size=SIZE):
        view = app.query_one(ReaderView)
        lines = view._layout.lines
        texts = [line_text(view, y) for y in range(len(lines))]
        at = texts.index("[image: A [b]weir[/b] at dusk]")  # inert: markup and escapes not read
        assert lines[at].kind == "image" and texts[at + 2].startswith("Second paragraph")
        assert texts[at - 1] == texts[at + 1] == ""  # a blank line each side
        assert texts[-1] == "[image]" and texts[-3] == PARA3
        assert view.line_of_offset(second) == at + 2  # offsets still land on the text
        assert "[image: A [b]weir" in rendered(view, at)
    plain = ReaderDocument.from_article(article, images=False)
    assert plain.images == ()
