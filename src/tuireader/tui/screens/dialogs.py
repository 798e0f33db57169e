"""Small modal dialogs: a note prompt, export, filters (the highlight one: highlight_dialog).

Each returns its answer through `dismiss(...)` (None when cancelled), so the app decides
what to do with it and calls the core from a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from tuireader.tui.listing import ListFilters
from tuireader.tui.typeahead import release_held_keys

COLORS = ("yellow", "green", "blue", "pink", "purple")
EXPORT_FORMATS = (
    ("Markdown", "markdown"),
    ("JSON", "json"),
    ("CSV (Readwise)", "csv"),
    ("HTML bookmarks", "html"),
    ("Obsidian notes (a folder)", "obsidian"),
)
EXTENSIONS = {"markdown": ".md", "json": ".json", "csv": ".csv", "html": ".html", "obsidian": ""}


class _Dialog(ModalScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    # keys that close it from a text field: what is typed next waits for the screen below
    CLOSING_KEYS: ClassVar[frozenset[str]] = frozenset({"enter", "escape"})

    def on_mount(self) -> None:  # keys typed while it opened go to its focused field
        self.call_after_refresh(release_held_keys, self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        # Textual calls this handler of every class in the MRO: a subclass handles its
        # own buttons in `other_button`, never by overriding this (that dismissed twice)
        if event.button.id == "ok":
            self.submit()
        elif event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.other_button(event.button.id or "")

    def other_button(self, button_id: str) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="dialog-buttons"):
            yield Button("OK", id="ok", variant="primary")
            yield Button("Cancel", id="cancel")


class NotePrompt(_Dialog):
    """Asks for one line of text: an optional note (`B`), a URL (`A`)."""

    def __init__(self, title: str, note: str = "", placeholder: str = "Note (optional)") -> None:
        super().__init__()
        self._title = title
        self._note = note
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield Input(self._note, placeholder=self._placeholder, id="note")
            yield from self.buttons()

    def submit(self) -> None:
        self.dismiss(self.query_one("#note", Input).value.strip())


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    path: Path


class ExportDialog(_Dialog):
    """Format and destination (a file; a folder for Obsidian notes), the name following the
    chosen format. The path is shown short: relative to `here` (the current folder, where a
    relative path is written), or with ~ for the home folder. The path has the focus: what
    is typed goes there, and enter exports (tab reaches the format)."""

    AUTO_FOCUS = "#path"

    def __init__(self, export_dir: Path, stem: str, here: Path | None = None) -> None:
        super().__init__()
        self._dir = export_dir
        self._stem = stem
        self._here = here or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export bookmarks and highlights", classes="dialog-title")
            yield Select(EXPORT_FORMATS, value="markdown", allow_blank=False, id="format")
            yield Input(_short(self._dir / f"{self._stem}.md", self._here), id="path")
            yield Label(f"in {_short(self._here, None)}", classes="dialog-hint", markup=False)
            yield from self.buttons()

    def on_select_changed(self, event: Select.Changed) -> None:
        path_input = self.query_one("#path", Input)
        current = Path(path_input.value)
        if current.suffix in EXTENSIONS.values():
            path_input.value = str(current.with_suffix(EXTENSIONS[str(event.value)]))

    def submit(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        if not value:
            self.notify("Choose a file to write", severity="warning")
            release_held_keys(self)  # it stays open: the keys typed after enter go into it
            return
        fmt = str(self.query_one("#format", Select).value)
        self.dismiss(ExportChoice(fmt, self._here / Path(value).expanduser()))


def _short(path: Path, here: Path | None) -> str:
    """`path` relative to `here` when inside it, else with ~ for the home folder."""
    if here is not None and path.is_relative_to(here):
        return str(path.relative_to(here))
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


class FilterDialog(_Dialog):
    """Author, tag, bookmarked and unread filters (they combine with the query)."""

    def __init__(
        self,
        current: ListFilters,
        authors: list[str],
        tags: list[str],
        feeds: list[tuple[str, str]],  # (label: title and unread count, feed name)
    ) -> None:
        super().__init__()
        self._current = current
        self._authors = authors
        self._tags = tags
        self._feeds = feeds

    def compose(self) -> ComposeResult:
        c = self._current
        with Vertical(classes="dialog"):
            yield Label("Filters", classes="dialog-title")
            yield Select(
                [(Text(a), a) for a in self._authors],
                value=c.author or Select.NULL,
                prompt="Any author",
                id="author",
            )
            yield Select(
                [(Text(t), t) for t in self._tags],
                value=c.tag or Select.NULL,
                prompt="Any tag",
                id="tag",
            )
            yield Select(
                [(Text(label), name) for label, name in self._feeds],
                value=c.feed if c.feed in {name for _label, name in self._feeds} else Select.NULL,
                prompt="Any feed" if self._feeds else "No feeds (tuireader feed add URL)",
                id="feed",
            )
            with Horizontal(classes="dialog-row"):  # side by side: the dialog fits 24 rows
                yield Checkbox("Bookmarked only", c.bookmarked, id="bookmarked")
                yield Checkbox("Unread only", c.unread, id="unread")
            yield from self.buttons()

    def submit(self) -> None:
        author = self.query_one("#author", Select).value
        tag = self.query_one("#tag", Select).value
        feed = self.query_one("#feed", Select).value
        self.dismiss(
            ListFilters(
                author=None if author is Select.NULL else str(author),
                tag=None if tag is Select.NULL else str(tag),
                bookmarked=self.query_one("#bookmarked", Checkbox).value,
                unread=self.query_one("#unread", Checkbox).value,
                feed=None if feed is Select.NULL else str(feed),
            )
        )
