"""Every key binding of the reader in one table: shown on the help screen, in the footer,
in the command palette, and remappable from config.toml's [keys] table by action name.

The footer has room for few hints (80 columns is the promised minimum): those bindings carry a
short `label` and a `footer` rank; the footer drops whole hints, highest rank first, when they
do not fit. The help screen and the palette always show every binding's full description."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import format_key


@dataclass(frozen=True)
class KeySpec:
    action: str  # the app action (and the name used in config.toml [keys])
    keys: str  # default keys, comma separated (Textual syntax)
    description: str
    footer: int = 0  # footer rank: 1 is kept longest; 0 is not in the footer
    label: str = ""  # the footer's short label (the description when empty)
    priority: bool = False
    panes: str = ""  # the focused panes whose footer shows it ("list reader"; "" is all)


BACK = "Back one level: search bar or article to the list, then clear the search, the filters"

KEYS: tuple[KeySpec, ...] = (
    # priority: "/tram" typed fast must put "tram" in the bar (see action_focus_search)
    KeySpec("focus_search", "slash", "Search", footer=3, priority=True, panes="list reader"),
    KeySpec("open_selected", "enter", "Open article"),
    KeySpec("back", "escape", BACK, footer=2, label="Back"),
    KeySpec("next_pane", "tab", "Next pane (list, article)"),
    KeySpec("previous_pane", "shift+tab", "Previous pane"),
    KeySpec("next_hit", "n", "Next search hit", footer=5, label="Next hit", panes="reader"),
    KeySpec("previous_hit", "N", "Previous search hit"),
    KeySpec("toggle_bookmark", "b", "Bookmark article", footer=6, label="Bookmark"),
    KeySpec("bookmark_with_note", "B", "Bookmark with a note"),
    KeySpec("bookmark_position", "m", "Bookmark this position"),
    KeySpec("start_selection", "v", "Start a selection"),
    KeySpec(
        "highlight",
        "h",
        "Highlight selection or sentence (on a highlight: edit it)",
        footer=7,
        label="Highlight",
        panes="reader",
    ),
    KeySpec("show_note", "i", "Show the note of the highlight at the cursor"),
    KeySpec("outline", "O", "Outline: the article's headings; enter jumps to one"),
    KeySpec("related", "R", "Related: the articles most like this one; enter opens one"),
    KeySpec("copies", "C", "Copies of this story (the rows a search shows once); enter opens one"),
    KeySpec("annotations", "a", "Annotations browser", footer=8, label="Annotations", panes="list"),
    KeySpec("export", "e", "Export annotations"),
    KeySpec("cycle_sort", "s", "Cycle sort order"),
    KeySpec("filters", "f", "Filters (author, tag, bookmarked, unread)"),
    KeySpec("saved_searches", "S", "Saved searches: run one (enter, 1-9), forget one (d)"),
    KeySpec("save_search", "ctrl+s", "Save this search (query, sort and filters)"),
    KeySpec("accept_suggestion", "ctrl+y", "Accept the did-you-mean", priority=True),
    KeySpec("toggle_read", "u", "Mark read / unread"),
    KeySpec(
        "close_article",
        "x",
        "Close the article (q too, in the article)",
        footer=4,
        label="Close",
        panes="reader",
    ),
    KeySpec("widen_list", "greater_than_sign", "Widen the list pane (remembered)"),
    KeySpec("narrow_list", "less_than_sign", "Narrow the list pane (remembered)"),
    KeySpec("open_url", "o", "Open source URL in the browser"),
    KeySpec("edit_file", "E", "Open the file in $EDITOR"),
    KeySpec("copy", "y", "Copy selection or link"),
    KeySpec("refresh", "r", "Re-scan the library"),
    KeySpec("update_feeds", "U", "Update feeds (in the background)"),
    KeySpec("add_url", "A", "Save a web page by URL"),
    KeySpec("help", "question_mark", "Help: all keys", footer=1, label="Help"),
    KeySpec(
        "quit_app",
        "q",
        "Quit (in an article: close it)",
        footer=4,
        label="Quit",
        panes="list search",
    ),
    KeySpec("quit", "ctrl+q", "Quit (always)", priority=True),
)

# Keys handled by the widgets themselves (listed on the help screen, remappable there only).
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("j / k, ↓ / ↑", "Move in the list, scroll the article"),
    ("g / G, home / end", "Top / bottom"),
    ("ctrl+d / ctrl+u", "Half page down / up"),
    ("pgdn / pgup, space", "Page down / up"),
    ("w / W, s / S, p / P", "Grow / shrink the selection by word, sentence, paragraph"),
    ("escape (with a selection)", "Clear the selection"),
    ("q (in an article)", "Close the article"),
    ("ctrl+p", "Command palette (every action, themes)"),
)


def binding_id(action: str) -> str:
    return f"tuireader.{action}"


def app_bindings() -> list[Binding]:
    """The footer shows a binding's description: the short label, the full text as tooltip."""
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.label or spec.description,
            show=spec.footer > 0,
            priority=spec.priority,
            tooltip=spec.description if spec.label else "",
            id=binding_id(spec.action),
        )
        for spec in KEYS
    ]


def footer_ranks() -> dict[str, int]:
    """Action -> footer rank, for the footer to know which hints to drop first."""
    ranks = {spec.action: spec.footer for spec in KEYS if spec.footer}
    ranks["select"] = 2  # the list's own enter (Open)
    return ranks


def footer_panes() -> dict[str, frozenset[str]]:
    """Action -> the panes whose footer shows it (absent: every pane)."""
    return {spec.action: frozenset(spec.panes.split()) for spec in KEYS if spec.panes}


def key_glyphs(keys: str) -> str:
    """Textual key names as the user types them: `greater_than_sign` is `>`."""
    glyphs = []
    for key in keys.split(","):
        *modifiers, name = key.strip().split("+")
        glyph = {"enter": "enter", "escape": "esc", "space": "space"}.get(name, format_key(name))
        glyphs.append("+".join([*modifiers, glyph]))
    return ", ".join(glyphs)


def bound_keys(keymap: Mapping[str, str], spec: KeySpec) -> str:
    """The keys an action has now (after config remapping), as the user types them."""
    return key_glyphs(keymap.get(binding_id(spec.action), spec.keys))


def keymap_from_settings(keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Textual keymap for the user's [keys] table, plus the names it did not recognise."""
    known = {spec.action for spec in KEYS}
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    for action, key in keys.items():
        if action in known:
            keymap[binding_id(action)] = key
        else:
            unknown.append(action)
    return keymap, unknown
