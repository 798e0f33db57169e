"""How the reading pane looks: component classes (restyled by .tcss and themes) and layering.

Each display line is plain text plus layers of (start, end, style) spans: Markdown emphasis,
user highlights, search hits, selections. `layer_segments` cuts the line where any span
starts or ends and stacks the styles in layer order, so later layers win.
"""

from __future__ import annotations

from itertools import pairwise

from rich.segment import Segment
from rich.style import Style

from tuireader.tui.widgets.reader_document import HIGHLIGHT_COLORS

Span = tuple[int, int, Style]

COMPONENT_CLASSES: frozenset[str] = frozenset(
    {
        "reader-view--title",
        "reader-view--meta",
        "reader-view--rule",
        "reader-view--h1",
        "reader-view--h2",
        "reader-view--h3",
        "reader-view--quote",
        "reader-view--quote-bar",
        "reader-view--code",
        "reader-view--code-inline",
        "reader-view--table",
        "reader-view--link",
        "reader-view--match",
        "reader-view--match-current",
        "reader-view--selection",
        "reader-view--cursor",
        "reader-view--note",
        "reader-view--empty",
        "reader-view--image",
        *(f"reader-view--highlight-{color}" for color in HIGHLIGHT_COLORS),
    }
)

DEFAULT_CSS = """
    ReaderView {
        overflow-x: hidden;
        scrollbar-gutter: stable;
        background: $surface;
    }
    ReaderView > .reader-view--title { text-style: bold; color: $text; }
    ReaderView > .reader-view--meta { color: $text-muted; }
    ReaderView > .reader-view--rule { color: $text-disabled; }
    ReaderView > .reader-view--h1 { text-style: bold underline; color: $text-accent; }
    ReaderView > .reader-view--h2 { text-style: bold; color: $text-accent; }
    ReaderView > .reader-view--h3 { text-style: bold italic; }
    ReaderView > .reader-view--quote { text-style: italic; color: $text-muted; }
    ReaderView > .reader-view--quote-bar { color: $accent; }
    ReaderView > .reader-view--code { background: $boost; color: $text; }
    ReaderView > .reader-view--code-inline { background: $boost; }
    ReaderView > .reader-view--table { color: $text; }
    ReaderView > .reader-view--link { color: $text-accent; text-style: underline; }
    ReaderView > .reader-view--match { background: $warning 45%; }
    ReaderView > .reader-view--match-current { background: $warning; color: #000000; text-style: bold; }
    ReaderView > .reader-view--selection { background: $primary 60%; }
    ReaderView > .reader-view--cursor { color: $accent; }
    ReaderView > .reader-view--note { color: $text-accent; text-style: italic; }
    ReaderView > .reader-view--empty { color: $text-muted; text-style: italic; }
    ReaderView > .reader-view--image { color: $text-muted; text-style: italic; }
    ReaderView > .reader-view--highlight-yellow { background: #f2d45c; color: #1b1b1b; }
    ReaderView > .reader-view--highlight-green { background: #9be39b; color: #1b1b1b; }
    ReaderView > .reader-view--highlight-blue { background: #9cc8f5; color: #1b1b1b; }
    ReaderView > .reader-view--highlight-pink { background: #f5a6c8; color: #1b1b1b; }
    ReaderView > .reader-view--highlight-purple { background: #c7b2f5; color: #1b1b1b; }
    """

_INLINE = {
    "italic": Style(italic=True),
    "bold": Style(bold=True),
    "strike": Style(strike=True),
}
_INLINE_COMPONENT = {
    "code": "reader-view--code-inline",
    "link": "reader-view--link",
    "quote": "reader-view--quote",
}
_KIND_COMPONENT = {
    "title": "reader-view--title",
    "meta": "reader-view--meta",
    "source": "reader-view--meta",
    "hrule": "reader-view--rule",
    "rule": "reader-view--rule",
    "quote": "reader-view--quote",
    "code": "reader-view--code",
    "table": "reader-view--table",
    "image": "reader-view--image",
}


def kind_component(kind: str, level: int) -> str | None:
    """The component class for a line kind (headings by level; h3 covers h3-h6)."""
    if kind == "heading":
        return f"reader-view--h{min(3, max(1, level))}"
    return _KIND_COMPONENT.get(kind)


def inline_style(name: str) -> Style | str:
    """A fixed Rich style for emphasis, or the component class name for themed ones."""
    return _INLINE.get(name) or _INLINE_COMPONENT.get(name) or Style()


def highlight_component(color: str) -> str:
    return f"reader-view--highlight-{color if color in HIGHLIGHT_COLORS else 'yellow'}"


def layer_segments(text: str, base: Style, spans: list[Span]) -> list[Segment]:
    """Cut `text` at every span edge and stack the covering spans' styles on `base`."""
    if not spans:
        return [Segment(text, base)]
    cuts = {0, len(text)}
    for start, end, _ in spans:
        cuts.add(start)
        cuts.add(end)
    out: list[Segment] = []
    for start, end in pairwise(sorted(cuts)):
        style = base
        for span_start, span_end, span_style in spans:
            if span_start <= start and end <= span_end:
                style = style + span_style
        out.append(Segment(text[start:end], style))
    return out
