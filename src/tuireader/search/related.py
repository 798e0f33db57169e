"""Articles like a given one: its strongest terms, searched with BM25 over the library.

"More like this" without a second index: the article's title and body are reduced to the
index's own terms (`whoosh_schema.index_term`: folded, stop words out, stemmed), each term
weighted by how often the article uses it (log-scaled, title words count thrice) times how
rare it is in the library, and the strongest `TERMS` are scored with BM25 over the other
articles' bodies, unboosted (boosting by the weight, or adding the title field, measured
worse). The article itself, and the articles given as its copies, are left out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from whoosh import query

from tuireader.search import whoosh_query
from tuireader.search.whoosh_count import Count
from tuireader.search.whoosh_schema import TOKEN_RE, fold_word, stem_folded

# bench/related_bench.py on BBC (share of the top 10 from the article's topic): 25 terms
# 0.87, 40 terms 0.91. Each term costs one posting read per index segment (Whoosh's pickled
# blocks: ~0.1 ms each), so fewer terms are asked for as segments grow: 40 up to 10
# segments, 22 at 18 (100,000 articles indexed in batches), 40 again after --optimize.
TERMS = 40
MIN_TERMS = 20
LOOKUPS = 400
TITLE_WEIGHT = 3  # a title word counts as three of the body's
MAX_SHARE = 0.5  # terms in more of the library than this tell nothing apart
MAX_TEXT = 200_000  # characters of a long article (a book) read for its terms


@dataclass(frozen=True)
class Term:
    text: str  # the index term (a stem)
    weight: float
    df: int = 0  # articles with it (its postings: what scoring it costs)


def strongest_terms(
    title: str,
    body: str,
    df: Callable[[str], int],
    total: int,
    *,
    limit: int = TERMS,
    max_share: float = MAX_SHARE,
) -> list[Term]:
    """The `limit` terms that best tell this article from the rest of the library.

    `df(word)` is how many of the `total` articles have a folded word (the catalog's
    vocabulary: one small lookup per word, where the index's own document frequencies cost
    a search of every segment's term dictionary); a term's is the largest of its words'.
    Terms no other article has cannot find anything and are left out, and so are terms in
    more than half the library."""
    if total < 2:
        return []
    counts: Counter[str] = Counter()
    words: dict[str, set[str]] = {}
    for text, weight in ((body[:MAX_TEXT], 1), (title, TITLE_WEIGHT)):
        for token in TOKEN_RE.findall(text):
            folded = fold_word(token)
            term = stem_folded(folded)
            if term is not None:
                counts[term] += weight
                words.setdefault(term, set()).add(folded)
    scored = []
    for term, n in counts.items():
        found = max(df(w) for w in words[term])
        if found <= 1 or found > total * max_share:
            continue
        scored.append(Term(term, (1 + math.log(n)) * math.log(total / found), found))
    scored.sort(key=lambda t: (-t.weight, t.text))
    return scored[:limit]


MARKED = 10  # the strongest terms marked in a related article's snippet


def term_count(segments: int) -> int:
    """How many terms to search with, for an index of this many segments."""
    return max(MIN_TERMS, min(TERMS, LOOKUPS // max(1, segments)))


def like_query(terms: list[Term]) -> query.Query | None:
    """The strongest terms as a query: what the snippets of related articles mark (all 40
    would cost a third of the call in finding every match, for a snippet that shows few)."""
    if not terms:
        return None
    return query.Or([query.Term("body", t.text) for t in terms[:MARKED]])


def run(
    searcher, terms: list[Term], *, limit: int, leave_out: Collection[str]
) -> tuple[Count, list[whoosh_query.RawHit]]:
    """The best `limit` articles by the sum of the terms' BM25 scores in their bodies, the
    `leave_out` ids (the article and its copies) left out; the count is of the rest.

    Scored sparsely: each term's (documents, BM25 scores) arrays from the array evaluator's
    cache, added up with one bincount per segment, instead of the dense match arrays a
    40-term OR costs there (measured on 2,225 articles: 16 -> 6 ms a call)."""
    from tuireader.search.vector import run as vector
    from tuireader.search.vector.evaluate import Evaluator, Stats

    schema_body = searcher.schema["body"]
    btexts = [schema_body.to_bytes(t.text) for t in terms]
    stats = Stats(searcher)
    docs: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    for seg, offset in vector.segments(searcher):
        ev = Evaluator(searcher, seg, vector.shared_cache(), stats)
        parts = [p for p in (ev.term_arrays("body", b) for b in btexts) if p is not None]
        if not parts:
            continue
        ids = np.concatenate([p[0] for p in parts])
        summed = np.bincount(ids, weights=np.concatenate([p[1] for p in parts]), minlength=seg.size)
        local = np.flatnonzero(summed)
        docs.append(local + offset)
        scores.append(summed[local])
    if not docs:
        return Count(0, False), []
    all_docs = np.concatenate(docs)
    top_docs, top_scores = vector.top(all_docs, np.concatenate(scores), limit + len(leave_out))
    stored = searcher.stored_fields
    raw = [
        whoosh_query.RawHit(stored(d)["id"], s)
        for d, s in zip(top_docs.tolist(), top_scores.tolist(), strict=True)
    ]
    kept = [r for r in raw if r.id not in leave_out]
    return Count(max(0, len(all_docs) - (len(raw) - len(kept))), False), kept[:limit]
