"""The reader's remembered layout (the list pane's share of the width), kept in the data dir.

Until the user resizes (`<` / `>`) the share is automatic (None): the reading pane gets its
reading column (`reading_width`, 80 by default) and the list the rest.

A small JSON file rather than config.toml: the reader writes it when the user resizes a
pane, and config.toml is the user's own file, never rewritten by the program. A missing or
unreadable file means the defaults; nothing here may stop the reader from starting.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

LIST_SHARE_DEFAULT: int | None = None  # automatic: the reading column first, the list the rest
LIST_SHARE_MIN = 25
LIST_SHARE_MAX = 75
LIST_SHARE_STEP = 5


@dataclass(frozen=True)
class LayoutPrefs:
    list_share: int | None = LIST_SHARE_DEFAULT  # percent of the width beside an article

    def resized(self, steps: int, current: int) -> LayoutPrefs:
        """`steps` from the share shown now (`current` percent, when it is automatic)."""
        start = self.list_share
        if start is None:
            start = round(current / LIST_SHARE_STEP) * LIST_SHARE_STEP
        share = start + steps * LIST_SHARE_STEP
        return LayoutPrefs(max(LIST_SHARE_MIN, min(LIST_SHARE_MAX, share)))


def load_layout(path: Path) -> LayoutPrefs:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return LayoutPrefs()
    share = data.get("list_share") if isinstance(data, dict) else None
    if not isinstance(share, int) or not LIST_SHARE_MIN <= share <= LIST_SHARE_MAX:
        return LayoutPrefs()
    return LayoutPrefs(share)


def save_layout(path: Path, prefs: LayoutPrefs) -> None:
    from tuireader.annotations.atomic import write_atomically  # not loaded at start

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(asdict(prefs)) + "\n")
