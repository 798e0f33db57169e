"""The query language on top of Whoosh's parser, and running a query.

Syntax: plain words (OR-ed with a bonus for documents that have all of them), "phrases",
AND / OR / NOT and -word, field:value for title, author, tag, format (and path, url),
date:2023, date:2023-03, date:[2023-01-01 to 2023-06-30], wild* and fuzzy~ (fuzzy~2).
Fuzzy terms are expanded (`expand_fuzzy`) against the library's unstemmed vocabulary and
searched as ordinary stemmed terms. Any string is accepted: what cannot be parsed becomes a `QueryError` with a readable message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from whoosh import qparser, query
from whoosh.matching.binary import AndNotMatcher
from whoosh.qparser import syntax
from whoosh.qparser.plugins import FuzzyTermPlugin

from tuireader.search import query_words, whoosh_count
from tuireader.search.date_terms import UnknownDate, rewrite_dates
from tuireader.search.highlight import MatchPlan
from tuireader.search.models import Filters
from tuireader.search.whoosh_count import Count, count, countable
from tuireader.search.whoosh_phrase import ExactPhrasePlugin
from tuireader.search.whoosh_schema import DEFAULT_FIELDS, fold, normal_forms, parser_schema
from tuireader.search.word_prefix import WordPrefix

MAX_QUERY_CHARS = 1000
_TEXT_FIELDS = {"title", "body"}
_NULL = type(query.NullQuery)
_FIELD_REF = re.compile(r"(?<![\w:])(\w+):")
_FIELD_NAMES = {"title", "author", "tag", "tags", "format", "date", "path", "url", "body"}
_DATE_SHORT = re.compile(r"\bdate:(\d{4}-\d{2}(?:-\d{2})?)(?=\s|\)|$)", re.I)


def _and_not_find_first(self) -> None:
    """Fix for Whoosh's AndNotMatcher, which skipped an excluded first document only when
    both sides started on it: `a -b` leaked documents with b at the start of a segment when
    b's postings began earlier (3 of 1,521 hits of "government -people" on 10k articles)."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


AndNotMatcher._find_first = _and_not_find_first  # tested against whoosh-reloaded 2.7.x


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the user."""


def _fuzzy_to_words(parser: qparser.QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
    """Parser filter: unfielded (or body) fuzzy terms search the unstemmed field."""
    for node in group:
        if isinstance(node, syntax.GroupNode):
            _fuzzy_to_words(parser, node)
        elif isinstance(node, FuzzyTermPlugin.FuzzyTermNode) and node.fieldname in (None, "body"):
            node.fieldname = "words"
    return group


class _FuzzyFieldPlugin(qparser.Plugin):
    def filters(self, parser: qparser.QueryParser) -> list:
        return [(_fuzzy_to_words, 105)]  # after fields (100), before multifield (110)


@lru_cache(maxsize=1)
def _parser() -> qparser.QueryParser:
    schema = parser_schema()
    parser = qparser.MultifieldParser(
        list(DEFAULT_FIELDS), schema, group=qparser.OrGroup.factory(0.9)
    )
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(_FuzzyFieldPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin(minusexpr=r"(?:^|(?<=[\s(]))-(?=\S)"))
    parser.add_plugin(qparser.FieldAliasPlugin({"tags": ["tag"]}))
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin())  # stop words and sentence breaks count
    return parser


def parse(text: str, *, today: date | None = None) -> query.Query:
    """Parse a query string; raise QueryError with a user-facing message when unusable.
    `today` anchors relative dates (date:7d, date:"last week"); the local date by default."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long (more than {MAX_QUERY_CHARS} characters)")
    # NFC, as the parsers store titles, bodies and metadata: "e\u0301" typed or pasted is "é"
    # (the analysers fold both anyway; this is for field values such as tag: and author:)
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    cleaned = query_words.question_marks(cleaned)  # "winter?" is a question, not a wildcard
    try:
        cleaned = rewrite_dates(cleaned, today or date.today())
    except UnknownDate as exc:
        raise QueryError(_date_help(exc.written)) from None
    cleaned = _DATE_SHORT.sub(lambda m: f"date:'{m.group(1)}'", cleaned)
    try:
        parsed = _parser().parse(cleaned)
    except Exception as exc:  # the parser has many corner cases; none may escape
        bad = re.search(r"\bdate:(\S+(?:\s+to\s+\S+)?)", cleaned, re.IGNORECASE)
        if bad:  # e.g. date:[2023-13-45 to 2023-99-99]: Whoosh raises on impossible dates
            raise QueryError(_date_help(bad.group(1))) from exc
        raise QueryError(f"could not understand the query ({type(exc).__name__})") from exc
    if isinstance(parsed, _NULL) or _has_null(parsed):
        bad = re.search(r"\bdate:(\S+)", cleaned)
        if bad:
            raise QueryError(_date_help(bad.group(1)))
    if isinstance(parsed, _NULL):
        unknown = [m for m in _FIELD_REF.findall(cleaned) if m.lower() not in _FIELD_NAMES]
        if unknown:
            raise QueryError(
                f"unknown field {unknown[0]!r}: use title:, author:, tag:, format: or date:"
            )
        raise QueryError("nothing to search for: the query has no searchable words")
    return _ranked(query_words.weigh(_not_means_without(parsed), cleaned))


def _date_help(written: str) -> str:
    return (
        f"cannot read the date {written!r}: use date:2023, date:2023-03, "
        'date:[2023-01-01 to 2023-06-30], date:>2024-01, date:<2023, date:7d or date:"last week"'
    )


ALL_WORDS_BOOST = 3.0


def _prefer_all_words(q: query.Query) -> query.Query:
    """Add a bonus clause matching every word, so documents with all of them rank first.

    The parser flattens `a b` over title and body into one Or of four terms; its children
    are grouped back by word (term text) to build the AND of the words.
    """
    if not isinstance(q, query.Or):
        return q
    groups: dict[object, list[query.Query]] = {}
    for child in q.subqueries:
        key = getattr(child, "text", None) or tuple(getattr(child, "words", ())) or repr(child)
        groups.setdefault(key, []).append(child)
    if len(groups) < 2 or len(groups) > 8:
        return q
    every = [g[0] if len(g) == 1 else query.Or(g) for g in groups.values()]
    return query.Or([q, query.And(every, boost=ALL_WORDS_BOOST)])


def _is_date(q: query.Query) -> bool:
    return isinstance(q, query.NumericRange) and q.fieldname == "date"


def _ranked(q: query.Query) -> query.Query:
    """`ferry date:>2024` means ferry articles after 2023, not "ferry, or anything after
    2023": top-level date ranges beside other terms become a condition (several are one
    OR, as in `ferry date:2021 OR date:2023`); the words keep their all-words ranking."""
    if isinstance(q, query.AndNot):
        return query.AndNot(_ranked(q.a), q.b)
    if isinstance(q, query.Or):
        dates = [c for c in q.subqueries if _is_date(c)]
        others = [c for c in q.subqueries if not _is_date(c)]
        if dates and others:
            rest = others[0] if len(others) == 1 else query.Or(others, scale=q.scale)
            when = dates[0] if len(dates) == 1 else query.Or(dates)
            return query.And([_prefer_all_words(rest), when])
    return _prefer_all_words(q)


def _not_means_without(q: query.Query) -> query.Query:
    """In an OR-group, `a NOT b` means a without b (not "a, or anything without b")."""
    if q.is_leaf():
        return q
    q = q.apply(_not_means_without)
    if isinstance(q, query.Or):
        negated = [c.query for c in q.subqueries if isinstance(c, query.Not)]
        positive = [c for c in q.subqueries if not isinstance(c, query.Not)]
        if negated and positive:
            keep = positive[0] if len(positive) == 1 else query.Or(positive, scale=q.scale)
            drop = negated[0] if len(negated) == 1 else query.Or(negated)
            return query.AndNot(keep, drop)
    return q


def _has_null(q: query.Query) -> bool:
    return any(isinstance(leaf, _NULL) for leaf in _walk(q))


def _walk(q: query.Query):
    yield q
    if q.is_leaf():
        return
    for child in q.children():
        yield from _walk(child)


def _positive_leaves(q: query.Query):
    """Leaves that select documents (not under NOT / the right side of AndNot)."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _positive_leaves(q.a)
        return
    if isinstance(q, query.AndMaybe):
        yield from _positive_leaves(q.a)
        yield from _positive_leaves(q.b)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


def match_plan(q: query.Query) -> MatchPlan:
    """The words of a parsed query that should be marked in a body."""
    stems: set[str] = set()
    folded: set[str] = set()
    prefixes: list[str] = []
    wildcards: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for leaf in _positive_leaves(q):
        fieldname = getattr(leaf, "fieldname", None)
        if isinstance(leaf, query.Phrase) and fieldname in _TEXT_FIELDS:
            pattern = getattr(leaf, "pattern", tuple(leaf.words))
            if pattern:
                phrases.append(pattern)
        elif isinstance(leaf, query.Prefix | WordPrefix) and fieldname in _TEXT_FIELDS:
            prefixes.append(leaf.text)
        elif isinstance(leaf, query.Wildcard) and fieldname in _TEXT_FIELDS:
            wildcards.append(leaf.text)
        elif isinstance(leaf, query.Term) and fieldname in _TEXT_FIELDS:
            stems.add(leaf.text)
    return MatchPlan(
        frozenset(stems),
        frozenset(folded),
        tuple(prefixes),
        tuple(wildcards),
        tuple(phrases),
    )


NearWords = Callable[[str, int, int], list[tuple[int, str]]]
MAX_EXPANSION = 50


def expand_fuzzy(q: query.Query, near: NearWords) -> query.Query:
    """Replace each fuzzy term by the known words within its distance, as stemmed terms on
    title and body (or only its own field when one was given)."""

    def swap(node: query.Query) -> query.Query:
        if not isinstance(node, query.FuzzyTerm):
            return node
        fields = DEFAULT_FIELDS if node.fieldname in ("words", "body") else (node.fieldname,)
        words = [w for _d, w in near(fold(node.text), node.maxdist, node.prefixlength)]
        stems = dict.fromkeys(
            s for s in (normal_forms(w)[1] for w in words[:MAX_EXPANSION]) if s is not None
        )
        terms = [query.Term(f, s, boost=node.boost) for s in stems for f in fields]
        if not terms:
            return query.NullQuery
        return terms[0] if len(terms) == 1 else query.Or(terms)

    if isinstance(q, query.FuzzyTerm):
        return swap(q)
    return q.accept(swap).normalize()


def filter_query(filters: Filters | None) -> query.Query | None:
    """author / tag / format as a Whoosh query (ids: see `allowed_docs`)."""
    if filters is None:
        return None
    parts: list[query.Query] = []
    if filters.author:
        parts.append(query.Term("author_key", filters.author.casefold()))
    if filters.tag:
        parts.append(query.Term("tags", filters.tag.casefold().replace(",", " ").strip()))
    if filters.format:
        parts.append(query.Term("format", filters.format.casefold()))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


@dataclass(frozen=True)
class RawHit:
    id: str
    score: float


_SORT_FIELDS = {
    "date": ("date_sort", True),
    "title": ("title_key", False),
    "author": ("author_sort", False),
}


def run(
    searcher, q: query.Query, *, limit: int | None, sort: str, filters: Filters | None
) -> tuple[Count, list[RawHit]]:
    """(how many match, [RawHit] of the top `limit`) for a parsed query. Offsets and
    snippets come from `highlight`, so Whoosh need not record matched terms.

    Ranked by relevance, the query is scored as arrays over Whoosh's postings (`vector`:
    the same scores, an exact total, 10-100x faster); other sorts, and query shapes the
    arrays do not model, go through Whoosh's own searcher (`run_whoosh`)."""
    if sort not in _SORT_FIELDS and not isinstance(q, _NULL):
        from tuireader.search.vector import run as vector

        try:
            return _run_vector(vector, searcher, q, limit, filters)
        except vector.Unsupported:
            pass
    return run_whoosh(searcher, q, limit=limit, sort=sort, filters=filters)


def _run_vector(vector, searcher, q, limit: int | None, filters: Filters | None):
    allowed = None
    if filters is not None and filters.ids is not None:
        allowed = id_docs(searcher, filters.ids)
        if not allowed:
            return Count(0, False), []
    from tuireader.search import ranking

    fq = filter_query(filters)
    try:  # queries of words: BM25F with proximity (search/ranking.py)
        ranked = ranking.rank(searcher, q, limit=limit, filter_q=fq, allowed=allowed)
    except ranking.Unsupported:
        ranked = vector.rank(searcher, q, limit=limit, filter_q=fq, allowed=allowed)
    stored = searcher.stored_fields
    hits = [
        RawHit(stored(int(d))["id"], float(s))
        for d, s in zip(ranked.docnums.tolist(), ranked.scores.tolist(), strict=True)
    ]
    return Count(ranked.total, False), hits


def run_whoosh(
    searcher, q: query.Query, *, limit: int | None, sort: str, filters: Filters | None
) -> tuple[Count, list[RawHit]]:
    """`run` through Whoosh's searcher: its sorts, and the reference for the array path."""
    fq: query.Query | set[int] | None = filter_query(filters)
    if filters is not None and filters.ids is not None:
        allowed = id_docs(searcher, filters.ids)
        if fq is not None and allowed:
            allowed &= set(searcher.docs_for_query(fq))
        fq = allowed
    if fq == set() or isinstance(q, _NULL):
        return Count(0, False), []
    # optimize=False: Whoosh's block-quality skipping skipped almost nothing here (BM25
    # block bounds are loose) and only made the count unknown.
    kwargs: dict = {"limit": limit, "filter": fq, "optimize": False}
    if sort in _SORT_FIELDS:
        name, reverse = _SORT_FIELDS[sort]
        kwargs.update(sortedby=name, reverse=reverse)
    scored = sort not in _SORT_FIELDS  # with sortedby, Whoosh's "score" is the sort key
    one_pass = (
        scored
        and limit is not None
        and not countable(q)
        and searcher.doc_count() <= whoosh_count.SAMPLE_DOCS
    )
    if one_pass:
        # phrases and ranges cannot be counted from posting sets, and in an index this small
        # the count would read everything anyway: score every match without pruning
        # (below), so Whoosh's own count is exact, in one pass. In a bigger index pruned
        # scoring plus a sampled count is faster ("world cup" at 100k: 130 vs 310 ms).
        collector = searcher.collector(**kwargs)
        _unpruned(collector)
        searcher.search_with_collector(q, collector)
        results = collector.results()
    else:
        results = _all_words_first(searcher, q, kwargs) if scored else None
        results = results or searcher.search(q, **kwargs)
    hits = [RawHit(r["id"], float(r.score or 0.0) if scored else 0.0) for r in results]
    if not scored or limit is None or len(hits) < limit or one_pass:
        # nothing was pruned: sorting sees every match, a top N that never filled up never
        # dropped a sub-query, and the unpruned collector counted every match
        return Count(len(results), False), hits
    if isinstance(fq, query.Query):
        return count(searcher, query.And([q, fq])), hits
    return count(searcher, q, allowed=fq), hits


def _all_words_first(searcher, q: query.Query, kwargs: dict):
    """The top N of a several-word query when at least N documents have every word: those
    rank first anyway (the all-words bonus), and the AND alone is scored 4-10x faster than
    the OR of every word plus the bonus (measured at 10k: 17-106 ms instead of 200-680 ms).
    None when fewer documents have every word: then the whole query is needed."""
    limit = kwargs["limit"]
    every = [c for c in q.subqueries if _is_all_words(c)] if isinstance(q, query.Or) else []
    if len(every) != 1 or limit is None:
        return None
    first = searcher.search(every[0], **kwargs)
    return first if first.scored_length() >= limit else None


def _is_all_words(q: query.Query) -> bool:
    return isinstance(q, query.And) and q.boost == ALL_WORDS_BOOST


def _unpruned(collector) -> None:
    """Stop a top-N collector from dropping sub-queries that cannot reach the top N (its
    `replace` step), which is what leaves Whoosh's count short."""
    while hasattr(collector, "child"):
        collector = collector.child
    collector.replace = 0


ID_MAP_ABOVE = 2000
_id_maps: dict[int, tuple[object, dict[str, int]]] = {}


def id_docs(searcher, ids: frozenset[str]) -> set[int]:
    """Document numbers of article ids. A few: one term lookup each; many ("unread" in a big
    library): a map of every id, built once per searcher (an Or of 100k terms takes seconds)."""
    if len(ids) <= ID_MAP_ABOVE:
        found = (searcher.document_number(id=i) for i in ids)
        return {n for n in found if n is not None}
    cached = _id_maps.get(id(searcher))
    if cached is None or cached[0] is not searcher:
        _id_maps.clear()
        mapping = {fields["id"]: n for n, fields in searcher.reader().iter_docs()}
        cached = _id_maps[id(searcher)] = (searcher, mapping)
    mapping = cached[1]
    return {mapping[i] for i in ids if i in mapping}
