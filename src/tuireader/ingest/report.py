"""What one import did, item by item, so the CLI and the reader can say it in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ALREADY = "already in the library"  # the `skipped` reason of an item imported before

# (done, total, what) -- total 0 when unknown; called from the importing thread
Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """Saved, skipped (already there) and failed items; highlights brought along."""

    saved: list[str] = field(default_factory=list)  # library-relative paths written
    updated: list[str] = field(default_factory=list)  # same source, new content
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (item, one-line reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (item, what was ignored)
    highlights_added: int = 0
    highlights_kept: int = 0  # already in the store (a second import)
    highlights_unanchored: list[tuple[str, str]] = field(default_factory=list)  # (path, quote)

    def merge(self, other: ImportReport) -> None:
        self.saved += other.saved
        self.updated += other.updated
        self.skipped += other.skipped
        self.failed += other.failed
        self.notes += other.notes
        self.highlights_added += other.highlights_added
        self.highlights_kept += other.highlights_kept
        self.highlights_unanchored += other.highlights_unanchored

    @property
    def already(self) -> int:
        return sum(1 for _, why in self.skipped if why == ALREADY)

    @property
    def changed(self) -> bool:
        return bool(self.saved or self.updated or self.highlights_added)
