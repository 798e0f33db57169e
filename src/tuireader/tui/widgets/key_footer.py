"""The key-hint line: Textual's Footer, minus the hints that do not fit.

Textual's Footer lays its hints out in one row and lets the right edge cut them wherever it
falls (at 80 columns it showed "h Highlight select" and lost `? Help` and `q Quit`), and the
command-palette hint docked on the right covers whatever lies under it. This footer hides
whole hints instead, least important first (the ranks from keys.py), so what is shown is
always shown in full; the `?` help screen and the command palette still list every key.
It also shows only the hints of the focused pane (`panes`: action -> the pane ids that show
it), so the list's footer says enter opens and the article's says n finds the next hit.
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

    def __init__(
        self,
        ranks: Mapping[str, int],
        panes: Mapping[str, frozenset[str]] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._ranks = dict(ranks)
        self._panes = dict(panes or {})

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
        palette = [key for key in keys if key.has_class("-command-palette")]
        pane = self._focused_pane()
        hints = []
        for key in keys:
            if key in palette:
                continue
            if pane in self._panes.get(key.action, (pane,)):
                hints.append(key)
            else:
                key.display = False  # another pane's key
        room = width - sum(self._cells(key) for key in palette)
        shown: list[FooterKey] = []
        used = 0
        for key in sorted(hints, key=lambda k: self._ranks.get(k.action, UNRANKED)):
            used += self._cells(key)
            if used > room:
                break  # strictly by rank: no lesser hint in the place of a greater one
            shown.append(key)
        for key in hints:
            key.display = key in shown

    def _focused_pane(self) -> str:
        """The id of the focused widget or of its nearest ancestor that has one."""
        node = self.screen.focused
        while node is not None and not node.id:
            node = node.parent  # type: ignore[assignment]
        return node.id if node is not None and node.id else ""

    def _cells(self, key: FooterKey) -> int:
        """Columns the hint takes: its text, padding, border and margin."""
        styles = key.styles
        content = key.get_content_width(Size(0, 0), self.size)
        return content + styles.gutter.width + styles.margin.width
