"""Run a parsed query over every segment with the array evaluator: top N and exact total.

Each segment is evaluated on its own (`evaluate.Evaluator`), masked by its live documents
and the filters, and its matches joined into one array of global document numbers and
scores. The page is chosen with `argpartition` (no full sort of 50,000 matches), and ordered
as Whoosh orders results: higher score first, then the lower document number. The total is
the number of matches: exact, from the same arrays, with no second pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuireader.search.vector import derived
from tuireader.search.vector.evaluate import Evaluator, Segment, Stats, Unsupported
from tuireader.search.vector.postings import PostingCache

__all__ = ["Ranked", "Unsupported", "rank", "shared_cache"]

_CACHE = PostingCache()
_live_masks: dict[tuple[str, int], np.ndarray | None] = {}
_known_segments: frozenset[str] = frozenset()


def shared_cache() -> PostingCache:
    """The process's decoded postings: one for every search, so a query typed one letter
    at a time reuses the terms the previous letters decoded."""
    return _CACHE


@dataclass(frozen=True)
class Ranked:
    total: int
    docnums: np.ndarray  # global document numbers of the page, best first
    scores: np.ndarray


def segments(searcher) -> list[tuple[Segment, int]]:
    """(segment, global offset) of every segment of a searcher, with its live mask."""
    global _known_segments
    out = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        inner = getattr(reader, "_segment", None)
        if inner is None or not hasattr(inner, "segment_id"):
            raise Unsupported(f"reader {type(reader).__name__}")
        key = inner.segment_id()
        out.append((Segment(reader, key, reader.doc_count_all(), _live(reader, key)), offset))
    keys = frozenset(seg.key for seg, _o in out)
    if keys != _known_segments:  # merged or new segments: drop what the old ones held
        _CACHE.forget_except(set(keys))
        derived.forget_except(keys)
        for stale in [k for k in _live_masks if k[0] not in keys]:
            del _live_masks[stale]
        _known_segments = keys
    return out


def _live(reader, key: str) -> np.ndarray | None:
    if not reader.has_deletions():
        return None
    # deletions only grow while a segment lives, so its live count names its deletion set
    mask_key = (key, reader.doc_count())
    if mask_key not in _live_masks:
        mask = np.zeros(reader.doc_count_all(), bool)
        mask[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        _live_masks[mask_key] = mask
    return _live_masks[mask_key]


def rank(
    searcher,
    q,
    *,
    limit: int | None,
    filter_q=None,
    allowed: set[int] | None = None,
) -> Ranked:
    """The top `limit` (every match when None) of q, within the filter query's matches and
    the `allowed` global document numbers when given. Raises Unsupported for shapes the
    evaluator does not model."""
    all_docs: list[np.ndarray] = []
    all_scores: list[np.ndarray] = []
    total = 0
    stats = Stats(searcher)
    for seg, offset in segments(searcher):
        ev = Evaluator(searcher, seg, _CACHE, stats)
        found = ev.evaluate(q)
        hit = found.hit
        if filter_q is not None:
            hit = hit & ev.evaluate(filter_q).hit
        if allowed is not None:
            hit = hit & _allowed_mask(allowed, offset, seg.size)
        local = np.flatnonzero(hit)
        if not len(local):
            continue
        total += len(local)
        all_docs.append(local + offset)
        all_scores.append(found.score[local])
    if not all_docs:
        empty = np.zeros(0, dtype=np.int64)
        return Ranked(0, empty, np.zeros(0))
    docs = np.concatenate(all_docs)
    scores = np.concatenate(all_scores)
    return Ranked(total, *top(docs, scores, limit))


def top(docs: np.ndarray, scores: np.ndarray, limit: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The `limit` best (score descending, then document number ascending)."""
    if limit is not None and limit < len(docs):
        if limit <= 0:
            return docs[:0], scores[:0]
        # the limit-th best score; everything at least as good is a candidate (ties included)
        kth = -np.partition(-scores, limit - 1)[limit - 1]
        keep = scores >= kth
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))
    if limit is not None:
        order = order[:limit]
    return docs[order], scores[order]


def _allowed_mask(allowed: set[int], offset: int, size: int) -> np.ndarray:
    mask = np.zeros(size, bool)
    local = np.fromiter((d - offset for d in allowed if offset <= d < offset + size), np.int64)
    mask[local] = True
    return mask
