"""plan_highlight: a span inside one highlight edits it; overlapping ones merge into one."""

from __future__ import annotations

from datetime import UTC, datetime

from tuireader.annotations import Highlight
from tuireader.annotations.overlap import plan_highlight


def hl(ident: str, start: int, end: int, note: str | None = None, **kw: object) -> Highlight:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    fields: dict = dict(quote="", prefix="", suffix="", color="green", note=note, tags=())
    fields.update(kw)
    return Highlight(ident, "a.md", start, end, created=now, updated=now, **fields)


def test_no_overlap_is_a_new_highlight() -> None:
    plan = plan_highlight([hl("x", 0, 5)], 5, 9)
    assert plan.kind == "new" and (plan.start, plan.end) == (5, 9) and plan.color is None


def test_a_span_inside_one_edits_it() -> None:
    plan = plan_highlight([hl("x", 0, 20, "n")], 3, 9)
    assert plan.kind == "edit" and plan.edit is not None and plan.edit.id == "x"
    assert (plan.start, plan.end, plan.note, plan.color) == (0, 20, "n", "green")


def test_overlapping_ones_merge_with_their_notes_and_tags() -> None:
    found = [hl("a", 0, 10, "one", tags=("t1",)), hl("b", 20, 30, "two", tags=("t1", "t2"))]
    plan = plan_highlight(found, 5, 25)
    assert plan.kind == "merge" and (plan.start, plan.end) == (0, 30)
    assert [h.id for h in plan.absorbed] == ["a", "b"]
    assert plan.note == "one / two" and plan.tags == ("t1", "t2")


def test_orphaned_highlights_never_overlap() -> None:
    assert plan_highlight([hl("x", 0, 20, orphaned=True)], 3, 9).kind == "new"
