"""How many documents match a query, without scoring them: exact, or estimated when large.

Why not Whoosh's own count: its top-N collector drops sub-queries that can no longer reach
the top N (`Matcher.replace`), so the count it keeps while scoring is too low for OR queries
once N hits are found (measured on 10k articles: "year" 2,070 instead of 8,377), and asking
for the exact length runs the query again through matchers one document at a time.

Here each index segment is counted on its own: the document numbers of each term are read a
posting block (up to 128 documents) at a time and combined as sets, for the shapes our
parser builds (terms, prefixes, wildcards, expanded fuzzy terms, OR, AND, AND NOT, NOT);
anything else (phrases, date ranges) uses Whoosh's matchers on that segment (exact, slower). Reading every
posting of a common word still costs tens of milliseconds at 100k articles, so segments are
counted until SAMPLE_DOCS documents are covered and EXACT_BELOW matches found: when that is
all of them the count is exact, otherwise it is scaled from the segments seen and marked as an
estimate (so "about 52,000", but never "about 70").
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from whoosh import query
from whoosh.matching.wrappers import FilterMatcher

# our schema's TEXT / ID / KEYWORD fields, whose terms are plain strings (whoosh_schema)
_PLAIN_NAMES = frozenset(("id", "title", "body", "author", "author_key", "tags", "format", "path",
                          "url", "title_key", "author_sort"))  # fmt: skip
SAMPLE_DOCS = 12_000
EXACT_BELOW = 1_000  # and keep counting while fewer matches were found: small totals exact


@dataclass(frozen=True)
class Count:
    total: int
    estimated: bool


def count(
    searcher,
    q: query.Query,
    *,
    allowed: set[int] | None = None,
    exact: bool = False,
) -> Count:
    """Matches of q (within `allowed` global document numbers, when given); unless exact,
    scaled from the first segments covering SAMPLE_DOCS documents and EXACT_BELOW matches."""
    sample_docs = None if exact else SAMPLE_DOCS
    found = seen = 0
    live = searcher.doc_count()
    leaves = searcher.leaf_searchers()
    local = _by_segment(allowed, [offset for _s, offset in leaves])
    for i, (sub, _offset) in enumerate(leaves):
        reader = sub.reader()
        docs = _Segment(sub).docs(q)
        if local is not None:
            docs &= local.get(i, set())
        found += len(docs)
        seen += reader.doc_count()
        if sample_docs is not None and sample_docs <= seen < live and found >= EXACT_BELOW:
            return Count(round(found * live / seen), True)
    return Count(found, False)


def countable(q: query.Query) -> bool:
    """Whether `count` can use posting sets for every part of q (no phrase, no range)."""
    if isinstance(q, (query.Term, query.MultiTerm)):
        return q.fieldname in _PLAIN_NAMES
    if isinstance(q, query.Or) and q.minmatch:
        return False
    if isinstance(q, (query.Or, query.And, query.AndNot, query.AndMaybe, query.Not)):
        return all(countable(sub) for sub in q.children())
    return isinstance(q, type(query.NullQuery))


def _by_segment(allowed: set[int] | None, offsets: list[int]) -> dict[int, set[int]] | None:
    """Global document numbers as {segment index: local numbers}."""
    if allowed is None:
        return None
    out: dict[int, set[int]] = {}
    for doc in allowed:
        i = bisect_right(offsets, doc) - 1
        out.setdefault(i, set()).add(doc - offsets[i])
    return out


class _Segment:
    """Set algebra over one segment's (local) document numbers."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.deleted = self.reader.deleted_docs_set if self.reader.has_deletions() else None

    def docs(self, q: query.Query) -> set[int]:
        found = self._docs(q)
        return found - self.deleted if self.deleted else found

    def _docs(self, q: query.Query) -> set[int]:
        if isinstance(q, query.Term) and self._plain(q.fieldname):
            return set(_posting_ids(self.reader, q.fieldname, q.text))
        if isinstance(q, query.MultiTerm) and self._plain(q.fieldname):
            out: set[int] = set()
            for btext in q._btexts(self.reader):
                out.update(_posting_ids(self.reader, q.fieldname, btext))
            return out
        if isinstance(q, query.Or) and not q.minmatch:
            out = set()
            for sub in q.subqueries:
                out |= self._docs(sub)
            return out
        if isinstance(q, query.And):
            parts = sorted((self._docs(sub) for sub in q.subqueries), key=len)
            return parts[0].intersection(*parts[1:]) if parts else set()
        if isinstance(q, query.AndNot):
            return self._docs(q.a) - self._docs(q.b)
        if isinstance(q, query.AndMaybe):
            return self._docs(q.a)
        if isinstance(q, query.Not):
            return set(range(self.reader.doc_count_all())) - self._docs(q.query)
        if isinstance(q, type(query.NullQuery)):
            return set()
        return set(self.searcher.docs_for_query(q))  # phrases, ranges: Whoosh's matchers

    def _plain(self, fieldname: str | None) -> bool:
        return fieldname in _PLAIN_NAMES


def _posting_ids(reader, fieldname: str, text) -> list[int]:
    """Every document number in one term's postings in one segment (deleted ones too)."""
    if (fieldname, text) not in reader:
        return []
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # the deletions filter: applied by the caller
        matcher = matcher.child
    if not (hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block")):
        return list(matcher.all_ids())  # another codec: one document at a time
    ids: list[int] = []
    while matcher.is_active():  # the whoosh3 block reader: a whole block's ids at once
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return ids
