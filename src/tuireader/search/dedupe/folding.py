"""Search results list a near-duplicate group once: its best-ranked member, with the ids of
the copies folded into it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar


class _Ranked(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_Ranked)


def fetch_limit(limit: int | None, grouped: int) -> int | None:
    """How many results to ask for so that `limit` remain once copies are folded (at most
    twice as many: a page made mostly of copies comes out a little short)."""
    if limit is None or not grouped:
        return limit
    return limit + min(limit, grouped)


def fold(
    ranked: Sequence[R], keys: Mapping[str, str], limit: int | None
) -> tuple[list[R], dict[str, tuple[str, ...]]]:
    """The results with each group's later members left out, cut to `limit`, and for each
    kept result of a group the ids folded into it (in rank order)."""
    kept: list[R] = []
    first: dict[str, str] = {}  # group key -> the id kept for it
    folded: dict[str, list[str]] = {}
    for r in ranked:
        key = keys.get(r.id)
        if key is None:
            kept.append(r)
            continue
        shown = first.get(key)
        if shown is None:
            first[key] = r.id
            kept.append(r)
        else:
            folded.setdefault(shown, []).append(r.id)
    if limit is not None:
        kept = kept[:limit]
    on_page = {r.id for r in kept}
    return kept, {i: tuple(c) for i, c in folded.items() if i in on_page}
