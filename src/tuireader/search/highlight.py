"""Match offsets and snippets, computed from the body text rather than by Whoosh.

A query is reduced (by `whoosh_query.match_plan`) to a `MatchPlan`: stemmed terms, folded
terms, prefixes, wildcards and phrases (fuzzy terms arrive expanded into stemmed terms). `find_matches` walks the body's tokens
once (tokenised exactly as the index does) and returns (start, end) character offsets, so the
reader can highlight them and jump between them. Measured cheaper than Whoosh's highlighter,
which needs the body stored in the index or re-analysed per hit anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import translate
from functools import lru_cache

from tuireader.search.models import Span
from tuireader.search.whoosh_schema import body_tokens

SNIPPET_CHARS = 220
_LEAD = 50


@dataclass(frozen=True)
class MatchPlan:
    """What counts as a match in a body, independent of the engine."""

    stems: frozenset[str] = frozenset()
    folded: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    wildcards: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()  # stemmed words
    _cache: dict[tuple[str, str | None], bool] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def empty(self) -> bool:
        return (
            not (self.stems or self.folded or self.prefixes or self.wildcards) and not self.phrases
        )

    def word_matches(self, folded: str, stemmed: str | None) -> bool:
        key = (folded, stemmed)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._decide(folded, stemmed)
            self._cache[key] = hit
        return hit

    def _decide(self, folded: str, stemmed: str | None) -> bool:
        if stemmed is not None and stemmed in self.stems:
            return True
        if folded in self.folded:
            return True
        forms = (folded,) if stemmed is None else (folded, stemmed)
        if any(f.startswith(p) for p in self.prefixes for f in forms):
            return True
        return any(_wildcard(w).match(f) for w in self.wildcards for f in forms)


@lru_cache(maxsize=256)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(translate(pattern))


def find_matches(body: str, plan: MatchPlan) -> list[Span]:
    """Sorted, non-overlapping offsets of every match of the plan in body."""
    if plan.empty or not body:
        return []
    tokens = body_tokens(body)
    spans = [(s, e) for s, e, f, st in tokens if plan.word_matches(f, st)]
    if plan.phrases:
        spans += _phrase_spans([t for t in tokens if t[3] is not None], plan.phrases)
    return _merge(spans)


def _phrase_spans(
    tokens: list[tuple[int, int, str, str | None]], phrases: tuple[tuple[str, ...], ...]
) -> list[Span]:
    stems = [t[3] for t in tokens]
    spans = []
    for phrase in phrases:
        n = len(phrase)
        if n == 0:
            continue
        for i in range(len(stems) - n + 1):
            if stems[i] == phrase[0] and tuple(stems[i : i + n]) == phrase:
                spans.append((tokens[i][0], tokens[i + n - 1][1]))
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def snippet(body: str, matches: list[Span], width: int = SNIPPET_CHARS) -> tuple[str, list[Span]]:
    """A one-line excerpt around the densest cluster of matches, and the offsets in it."""
    if not body:
        return "", []
    if not matches:
        start = 0
    else:
        best, best_count, j = 0, 0, 0
        for i, (s, _e) in enumerate(matches):
            while j < len(matches) and matches[j][1] <= s + width - _LEAD:
                j += 1
            if j - i > best_count:
                best, best_count = i, j - i
        start = max(0, matches[best][0] - _LEAD)
        if start:
            space = body.find(" ", start, matches[best][0])
            start = space + 1 if space != -1 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    prefix = "…" if start > 0 else ""
    text = prefix + " ".join(body[start:end].split("\n")) + ("…" if end < len(body) else "")
    shift = len(prefix) - start
    inside = [(s + shift, min(e, end) + shift) for s, e in matches if s >= start and s < end]
    return text, inside
