"""A parsed Whoosh query evaluated on one segment as numpy arrays, scored as Whoosh scores.

Whoosh walks every posting of every term in Python (a matcher tree, one `next()` and one
`score()` per posting). Here each node of the query gives, for every document of the
segment at once: whether it matches, its score, and how many term leaves match it (Whoosh's
coordination bonus needs that count). The arithmetic mirrors Whoosh's own, operation for
operation, so the scores are Whoosh's to the last bit or two of a float:

- a term: BM25F (B, K1 of `searcher.weighting`), with idf and average field length from the
  whole index (the top searcher, as Whoosh's scorer asks its parent), the field length byte
  of each document, the title boost already in the posting weights; unscorable fields
  score their weight;
- Or: the sum of the children that match; with a `scale` (the parser's OR group), Whoosh's
  CoordMatcher bonus over the term leaves of the segment's tree;
- And: the sum, where all match; AndNot: a without b; AndMaybe: a, plus b where it matches;
  Not: every live document without the child, score 1;
- prefixes and wildcards: the Or of their terms in this segment; date ranges: a constant;
- phrases: the And of their words (scored as Whoosh scores a phrase: the sum of its words),
  then the candidates' positions compared as arrays (`positions.adjacent`): exact, so the
  total of a phrase query is exact too.

Anything else raises `Unsupported`, and the caller runs the query through Whoosh instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query
from whoosh.query import ranges
from whoosh.query.wrappers import ConstantScoreQuery

from tuireader.search.vector.positions import adjacent
from tuireader.search.vector.postings import PostingCache, TermPostings
from tuireader.search.whoosh_phrase import ExactPhrase, verify
from tuireader.search.word_prefix import WordPrefix

_TOO_MANY_CLAUSES = 1024  # query.Or.TOO_MANY_CLAUSES
_ARRAY_OR_UP_TO = 5000  # Or._matcher: segments up to this size get the array matcher


class Unsupported(Exception):
    """A query shape this evaluator does not model; Whoosh's searcher answers it instead."""


@dataclass
class Match:
    """One query node over one segment's documents (index = local document number)."""

    hit: np.ndarray  # bool
    score: np.ndarray  # float64, 0 where not hit
    terms: np.ndarray  # int32: term leaves matching each document (coordination)
    termcount: int  # term leaves present in this segment (Whoosh's term_matchers())


@dataclass(frozen=True)
class _Cached:
    """A node's whole result kept in the posting cache (bounded by its bytes)."""

    match: Match

    @property
    def nbytes(self) -> int:
        m = self.match
        return m.hit.nbytes + m.score.nbytes + m.terms.nbytes


@dataclass
class Segment:
    """One index segment, as the evaluator reads it."""

    reader: Any  # a Whoosh SegmentReader
    key: str  # Whoosh's segment id: postings are immutable under it
    size: int  # doc_count_all: local document numbers are 0..size-1
    live: np.ndarray | None  # bool mask of undeleted documents, None when none is deleted


class Stats:
    """Whole-index statistics of one search, asked once per term rather than per segment
    (Whoosh's avg_field_length sums every segment's total at each call)."""

    def __init__(self, top) -> None:
        self.top = top
        self._idf: dict[tuple[str, bytes], float] = {}
        self._avgfl: dict[str, float] = {}

    def idf(self, fieldname: str, btext: bytes) -> float:
        key = (fieldname, btext)
        found = self._idf.get(key)
        if found is None:
            found = self._idf[key] = self.top.idf(fieldname, btext)
        return found

    def avgfl(self, fieldname: str) -> float:
        found = self._avgfl.get(fieldname)
        if found is None:
            found = self._avgfl[fieldname] = self.top.avg_field_length(fieldname) or 1
        return found


class Evaluator:
    """Evaluates query nodes on one segment; `top` is the whole-index searcher."""

    def __init__(self, top, segment: Segment, cache: PostingCache, stats: Stats) -> None:
        self.top = top
        self.stats = stats
        self.schema = top.schema
        self.segment = segment
        self.cache = cache
        weighting = top.weighting
        if type(weighting).__name__ != "BM25F" or getattr(weighting, "_field_B", None):
            raise Unsupported(f"weighting {type(weighting).__name__}")
        self.B = float(weighting.B)
        self.K1 = float(weighting.K1)

    def evaluate(self, q) -> Match:
        kind = type(q)
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise Unsupported(kind.__name__)
        return handler(self, q)

    # -- leaves ------------------------------------------------------------------------

    def empty(self) -> Match:
        n = self.segment.size
        return Match(np.zeros(n, bool), np.zeros(n), np.zeros(n, np.int32), 0)

    def term_bytes(self, fieldname: str, text) -> bytes | None:
        if fieldname not in self.schema:
            return None
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def term(self, q: query.Term) -> Match:
        btext = self.term_bytes(q.fieldname, q.text)
        if btext is None:
            return self.empty()
        found = self.posting_match(q.fieldname, btext)
        if q.boost != 1.0:
            found.score = found.score * q.boost
        return found

    def posting_match(self, fieldname: str, btext: bytes) -> Match:
        """One term's documents and BM25F scores in this segment (Term.matcher)."""
        found = self.term_arrays(fieldname, btext)
        if found is None:
            return self.empty()  # Whoosh's NullMatcher: not a term leaf, not counted
        ids, scores = found
        n = self.segment.size
        hit = np.zeros(n, bool)
        hit[ids] = True
        score = np.zeros(n)
        score[ids] = scores
        return Match(hit, score, hit.view(np.int8).astype(np.int32), 1)

    def term_arrays(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(live local ids, their scores) of one term here; None when the segment lacks it.
        Cached with the statistics they were scored with (they change only with the index)."""
        seg = self.segment
        if (fieldname, btext) not in seg.reader:
            return None
        scorable = self.schema[fieldname].scorable
        idf = self.stats.idf(fieldname, btext) if scorable else 0.0
        avgfl = self.stats.avgfl(fieldname) if scorable else 0.0
        live_count = seg.reader.doc_count()
        key = (seg.key, fieldname, btext, "scored", idf, avgfl, live_count)
        found = self.cache.get(key)
        if found is not None:
            return found.ids, found.weights
        postings = self.cache.postings(seg.key, seg.reader, fieldname, btext)
        ids, weights = postings.ids, postings.weights
        if scorable:
            lengths = self.cache.lengths(seg.key, seg.reader, fieldname)[ids]
            B, K1 = self.B, self.K1
            # scoring.bm25, in its own order of operations (same floats as Whoosh)
            scores = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))
        else:
            scores = weights  # WeightScorer
        if seg.live is not None:
            keep = seg.live[ids]
            ids, scores = ids[keep], scores[keep]
        self.cache.put(key, TermPostings(ids, scores))
        return ids, scores

    def multiterm(self, q) -> Match:
        """Prefix / Wildcard / other pattern queries: the Or of their terms here."""
        seg = self.segment
        key = (seg.key, type(q).__name__, repr(q))
        btexts = self.cache.expansion(key)
        if btexts is None:
            try:
                btexts = [b for b in q._btexts(seg.reader) if b]
            except Exception as exc:  # a private API that may change: fall back, do not fail
                raise Unsupported(f"{type(q).__name__} expansion: {exc}") from exc
            self.cache.remember_expansion(key, btexts)
        fieldname = q.field()
        parts = [p for p in (self.term_arrays(fieldname, b) for b in btexts) if p is not None]
        if not parts:
            return self.empty()
        if len(parts) == 1:
            found = self.posting_match(fieldname, btexts[0])  # MultiTerm: that term's matcher
            if isinstance(q, WordPrefix) and q.boost != 1.0:  # ... which keeps its weight
                found.score = found.score * q.boost
            return found
        # Or(terms, boost); "constant score" makes Whoosh's array matcher score 1
        return self.sparse_union(parts, q.boost, scored=not q.constantscore)

    def sparse_union(self, parts, boost: float, *, scored: bool) -> Match:
        """`combine` for an Or of plain terms, added up in one pass (np.bincount) instead
        of one dense array per term: a prefix can expand to hundreds of terms."""
        n = self.segment.size
        ids = np.concatenate([p[0] for p in parts])
        hit = np.zeros(n, bool)
        hit[ids] = True
        tree = len(parts) < _TOO_MANY_CLAUSES and (len(parts) == 2 or n > _ARRAY_OR_UP_TO)
        score: np.ndarray
        if not tree:  # Whoosh's array matcher: no term leaves for a bonus above it
            if scored:
                weights = np.concatenate([p[1] * boost for p in parts])
                score = np.bincount(ids, weights=weights, minlength=n)
            else:
                score = hit.astype(np.float64)
            return Match(hit, score, np.zeros(n, np.int32), 0)
        score = np.bincount(ids, weights=np.concatenate([p[1] for p in parts]), minlength=n)
        if boost != 1.0:
            score = score * boost
        terms = np.bincount(ids, minlength=n).astype(np.int32)
        return Match(hit, score, terms, len(parts))

    def numeric_range(self, q) -> Match:
        """A date range: its hit mask per segment is cached (its score is a constant)."""
        seg = self.segment
        key = (seg.key, "range", repr(q), seg.reader.doc_count())
        found = self.cache.get(key)
        if found is None:
            compiled = q._compile_query(seg.reader)
            inner = self.empty() if compiled is query.NullQuery else self.evaluate(compiled)
            found = _Cached(inner)
            self.cache.put(key, found)
        m = found.match
        return Match(m.hit, m.score.copy(), m.terms.copy(), m.termcount)

    def constant(self, q: ConstantScoreQuery) -> Match:
        inner = self.evaluate(q.child)
        score = np.where(inner.hit, float(q.score), 0.0)
        return Match(inner.hit, score, inner.terms, inner.termcount)

    def phrase(self, q: query.Phrase) -> Match:
        fieldname = q.fieldname
        if fieldname not in self.schema:
            return self.empty()
        fmt = self.schema[fieldname].format
        if not fmt or not fmt.supports("positions"):
            raise Unsupported("phrase on a field without positions")
        words = []
        for word in q.words:
            btext = self.term_bytes(fieldname, word)
            if btext is None or (fieldname, btext) not in self.segment.reader:
                return self.empty()
            words.append(btext)
        if q.slop != 1:
            raise Unsupported("phrase with slop")
        if len(words) == 1:
            raise Unsupported("one-word phrase")  # Whoosh's SpanNear2 of one term: rare
        seg = self.segment
        # positions first: reading them keeps the ids and weights too (one read per word)
        lists = [self.cache.positions(seg.key, seg.reader, fieldname, w) for w in words]
        found = _intersection([self.posting_match(fieldname, w) for w in words])
        candidates = np.flatnonzero(found.hit)
        if len(candidates):
            keep = np.zeros(seg.size, bool)
            offsets = getattr(q, "offsets", None)  # ExactPhrase: stop words keep their places
            found_docs = adjacent(candidates, lists, offsets)
            if isinstance(q, ExactPhrase):
                found_docs = verify(q, seg.reader, found_docs)
            keep[found_docs] = True
            found.hit &= keep
            found.score[~keep] = 0.0
            found.terms[~keep] = 0
        if q.boost != 1.0:
            found.score = found.score * q.boost
        return found

    # -- compounds ---------------------------------------------------------------------

    def union(self, q: query.Or) -> Match:
        subs = q.subqueries
        if not subs:
            return self.empty()
        if len(subs) == 1:
            return self.evaluate(subs[0])
        return self.combine([self.evaluate(s) for s in subs], q.boost, q.scale, scored=True)

    def combine(self, subs: list[Match], boost: float, scale, *, scored: bool) -> Match:
        """An Or of matches, as Whoosh's Or.matcher would score it in this segment.

        Whoosh picks the matcher by the segment's size (Or._matcher): a tree of unions
        (scores summed, then boosted, then the coordination bonus when scaled) for two
        children, a scaled Or or a segment over 5,000 documents; otherwise an array matcher
        that adds each child's boosted score (or scores 1 when unscored, as a prefix's
        expansion is) and shows no term leaves to a coordination bonus above it."""
        out = _union(subs)
        tree = len(subs) < _TOO_MANY_CLAUSES and (
            bool(scale) or len(subs) == 2 or self.segment.size > _ARRAY_OR_UP_TO
        )
        if tree:
            if boost != 1.0:
                out.score = out.score * boost
            if scale and out.termcount:
                out.score = _coord(out, scale)
            return out
        if not scored:
            out.score = out.hit.astype(np.float64)
        elif boost != 1.0:
            out.score = _sum_boosted(subs, boost)
        out.terms = np.zeros(self.segment.size, np.int32)
        out.termcount = 0
        return out

    def intersection(self, q: query.And) -> Match:
        subs = q.subqueries
        if not subs:
            return self.empty()
        if len(subs) == 1:
            return self.evaluate(subs[0])
        out = _intersection([self.evaluate(s) for s in subs])
        if q.boost != 1.0:
            out.score = out.score * q.boost
        return out

    def and_not(self, q: query.AndNot) -> Match:
        a = self.evaluate(q.a)
        b = self.evaluate(q.b)
        keep = a.hit & ~b.hit
        return Match(
            keep,
            np.where(keep, a.score, 0.0),
            np.where(keep, a.terms, 0),
            a.termcount + b.termcount,
        )

    def and_maybe(self, q: query.AndMaybe) -> Match:
        a = self.evaluate(q.a)
        b = self.evaluate(q.b)
        both = a.hit & b.hit
        return Match(
            a.hit,
            np.where(both, a.score + b.score, a.score),
            np.where(both, a.terms + b.terms, a.terms),
            a.termcount + b.termcount,
        )

    def inverse(self, q: query.Not) -> Match:
        child = self.evaluate(q.query)
        hit = ~child.hit
        if self.segment.live is not None:
            hit &= self.segment.live
        return Match(
            hit, hit.astype(np.float64), np.zeros(self.segment.size, np.int32), child.termcount
        )

    def null(self, _q) -> Match:
        return self.empty()


def _union(subs: list[Match]) -> Match:
    hit = subs[0].hit.copy()
    score = subs[0].score.copy()
    terms = subs[0].terms.copy()
    for sub in subs[1:]:
        hit |= sub.hit
        score += sub.score
        terms += sub.terms
    return Match(hit, score, terms, sum(s.termcount for s in subs))


def _sum_boosted(subs: list[Match], boost: float) -> np.ndarray:
    score = np.zeros_like(subs[0].score)
    for sub in subs:
        score += sub.score * boost
    return score


def _intersection(subs: list[Match]) -> Match:
    hit = subs[0].hit.copy()
    for sub in subs[1:]:
        hit &= sub.hit
    score = np.zeros_like(subs[0].score)
    terms = np.zeros_like(subs[0].terms)
    for sub in subs:
        score += sub.score
        terms += sub.terms
    score[~hit] = 0.0
    terms[~hit] = 0
    return Match(hit, score, terms, sum(s.termcount for s in subs))


def _coord(m: Match, scale: float) -> np.ndarray:
    """Whoosh's CoordMatcher._sqr over every matching document."""
    termcount = m.termcount
    if termcount == 0 or termcount == scale:
        return np.zeros_like(m.score)
    sqr = (m.score + ((m.terms - 1) / (termcount - scale) ** 2)) * ((termcount - 1) / termcount)
    return np.where(m.hit, sqr, 0.0)


_HANDLERS = {
    query.Term: Evaluator.term,
    query.Or: Evaluator.union,
    query.And: Evaluator.intersection,
    query.AndNot: Evaluator.and_not,
    query.AndMaybe: Evaluator.and_maybe,
    query.Not: Evaluator.inverse,
    query.Phrase: Evaluator.phrase,
    ExactPhrase: Evaluator.phrase,
    query.Prefix: Evaluator.multiterm,
    WordPrefix: Evaluator.multiterm,
    query.Wildcard: Evaluator.multiterm,
    query.TermRange: Evaluator.multiterm,
    ranges.NumericRange: Evaluator.numeric_range,
    ranges.DateRange: Evaluator.numeric_range,
    ConstantScoreQuery: Evaluator.constant,
    type(query.NullQuery): Evaluator.null,
}
