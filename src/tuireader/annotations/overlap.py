"""What a new highlight over [start, end) means next to the article's existing ones.

Highlighting text that is already highlighted must never make a second copy of it: a span
inside one highlight edits that highlight; a span that overlaps others becomes one
highlight covering them all (their notes and tags kept). The reader and the CLI both ask
`plan_highlight` first, so they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuireader.annotations.models import Highlight

if TYPE_CHECKING:
    from tuireader.annotations.store import AnnotationStore
    from tuireader.articles.model import Article


@dataclass(frozen=True)
class HighlightPlan:
    start: int
    end: int
    edit: Highlight | None = None  # the span lies inside this one: edit it in place
    absorbed: tuple[Highlight, ...] = ()  # overlapped ones, merged into the new span

    @property
    def kind(self) -> str:
        if self.edit is not None:
            return "edit"
        return "merge" if self.absorbed else "new"

    @property
    def note(self) -> str:
        """The note to start from: the edited one's, or the merged ones' joined."""
        if self.edit is not None:
            return self.edit.note or ""
        return " / ".join(h.note for h in self.absorbed if h.note)

    @property
    def color(self) -> str | None:
        source = self.edit or (self.absorbed[0] if self.absorbed else None)
        return source.color if source is not None else None

    @property
    def tags(self) -> tuple[str, ...]:
        tags: list[str] = []
        for h in (self.edit,) if self.edit is not None else self.absorbed:
            tags.extend(t for t in h.tags if t not in tags)
        return tuple(tags)


def plan_highlight(existing: Sequence[Highlight], start: int, end: int) -> HighlightPlan:
    """Orphaned highlights have no place in the text, so they never overlap."""
    hits = [h for h in existing if not h.orphaned and h.start < end and h.end > start]
    if not hits:
        return HighlightPlan(start, end)
    if len(hits) == 1 and hits[0].start <= start and end <= hits[0].end:
        h = hits[0]
        return HighlightPlan(h.start, h.end, edit=h)
    hits.sort(key=lambda h: (h.start, h.end))
    return HighlightPlan(
        min(start, hits[0].start), max(end, max(h.end for h in hits)), absorbed=tuple(hits)
    )


def apply_plan(
    store: AnnotationStore, article: Article, plan: HighlightPlan, *, color: str, note: str | None
) -> Highlight:
    """Write what the plan says: edit in place, or add the covering highlight and then
    remove the absorbed ones (added first: an interruption leaves a duplicate, never a loss)."""
    if plan.edit is not None:
        return store.update_highlight(plan.edit.id, note=note, color=color)
    made = store.add_highlight(
        article,
        plan.start,
        plan.end,
        color=color,
        note=note,
        tags=plan.tags,
    )
    for old in plan.absorbed:
        store.remove_highlight(old.id)
    return made
