"""The key-hint line: Textual's Footer, minus the hints that do not fit.

Textual's Footer lays its hints out in one row and lets the right edge cut them wherever it
falls (at 80 columns it showed "h Highlight select" and lost `? Help` and `q Quit`), and the
command-palette hint docked on the right covers whatever lies under it. This footer hides
whole hints instead, least important first (the ranks from keys.py), so what is shown is
always shown in full; the `?` help screen and the command palette still list every key.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.events import Resize
from textual.geometry import Size
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

UNRANKED = 1_000  # hints without a rank (a widget's own shown bindings) go first


class KeyFooter(Footer):
    """A Footer that drops whole hints, by rank, rather than cutting them at the edge."""

    def __init__(self, ranks: Mapping[str, int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ranks = dict(ranks)

    async def recompose(self) -> None:
        """Textual recomposes the footer whenever the active bindings change."""
        await super().recompose()
        self.fit_hints()

    def on_resize(self, event: Resize) -> None:
        self.fit_hints(event.size.width)

    def fit_hints(self, width: int | None = None) -> None:
        """Show the most important hints that fit beside the palette hint; hide the rest."""
        width = self.size.width if width is None else width
        if width <= 0:
            return
        keys = list(self.query_children(FooterKey))
        hints = [key for key in keys if not key.has_class("-command-palette")]
        room = width - sum(self._cells(key) for key in keys if key not in hints)
        shown: list[FooterKey] = []
        used = 0
        for key in sorted(hints, key=lambda k: self._ranks.get(k.action, UNRANKED)):
            used += self._cells(key)
            if used > room:
                break  # strictly by rank: no lesser hint in the place of a greater one
            shown.append(key)
        for key in hints:
            key.display = key in shown

    def _cells(self, key: FooterKey) -> int:
        """Columns the hint takes: its text, padding, border and margin."""
        styles = key.styles
        content = key.get_content_width(Size(0, 0), self.size)
        return content + styles.gutter.width + styles.margin.width
