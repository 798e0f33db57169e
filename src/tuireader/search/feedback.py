"""Pseudo-relevance feedback (RM3) for long questions: words of the best answers join the query.

A question written out at length ("methods of measuring the use made of a library's
journals...") names its topic in the asker's words; the articles that answer it use others
as well ("periodicals", "circulation"). RM3 (Lavrenko & Croft's relevance model, interpolated
with the query, as Anserini runs it) takes those from the first ranking's best articles:

- the best `docs` articles, each weighted by how near its score comes to the best one
  (`doc_weights`: the first ranking's confidence in it; the plain share of the scores, as
  Anserini weighs them, let the neighbours of a known item's article pull it down);
- a term's weight is the sum over them of that share times the term's frequency in the
  article over the article's length (title words counted `title_weight` times, as BM25F
  counts them), so a term most of the best articles use often ranks first;
- the strongest `terms` (normalised to sum 1) join the query, leaving out function words
  ("was", "their": the index keeps them) and terms in half the library or more (RSJ idf
  below log 2: they tell nothing apart, and reading their postings is most of the cost;
  together they took half of the 20 terms on news): the original words keep their
  weights and the new terms together weigh (1 - original) / original times as much as all of
  them (RM3's interpolation, the original query at `original`).

Only long questions are expanded (`applies`: `from_words` different words or more, all of
them plain words searched in title and body): a short query says what it means, a phrase, a
field or an operator means exactly that, and a word being typed is not finished.

The index holds no term vectors, so the feedback articles' terms come from their texts: the
catalog's copies, which the service lends to a finished query's search (`lend_texts`; not to
search-as-you-type), tokenised as the index tokenises them (`index_term`), the first
`MAX_TEXT` characters of each. Without texts at hand nothing is expanded.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tuireader.search.query_words import is_function_word
from tuireader.search.whoosh_schema import DEFAULT_FIELDS, TOKEN_RE, index_term

if TYPE_CHECKING:  # numpy is the array scorer's: the service imports this module without it
    import numpy as np

__all__ = [
    "MAX_TEXT",
    "MIN_SHARE",
    "Feedback",
    "applies",
    "doc_weights",
    "expansion",
    "feedback_texts",
    "lend_texts",
    "relevance_model",
]

MIN_SHARE = 0.001  # a feedback article weighing less is not read (it would change nothing)
MAX_TEXT = 20_000  # characters of a feedback article read for its terms (a book: its start)
_FIELDS = frozenset(DEFAULT_FIELDS)


@dataclass(frozen=True)
class Feedback:
    """RM3's knobs (see docs/benchmarks.md for how they were chosen)."""

    docs: int  # feedback articles (0: no feedback)
    terms: int  # expansion terms
    original: float  # the original query's share of the interpolated query
    sharpness: float  # a feedback article's weight: (its score / the best score) ** sharpness
    from_words: int  # a query of this many different words or more is expanded


class Word(Protocol):
    """What `applies` reads of a query unit (ranking.Unit)."""

    @property
    def stem(self) -> str: ...
    @property
    def fields(self) -> frozenset[str]: ...
    @property
    def exact(self) -> bool: ...


def applies(units: Iterable[Word], settings: Feedback) -> bool:
    """Whether a query is a long question of plain words: at least `from_words` different
    words, each written whole (not a prefix being typed), each searched in title and body."""
    units = list(units)
    if settings.docs <= 0 or settings.terms <= 0 or not 0 < settings.original < 1:
        return False
    if any(not u.exact or u.fields != _FIELDS for u in units):
        return False
    return len({u.stem for u in units}) >= settings.from_words


# (fieldname, article ids) -> {id: that field's text}, as whoosh_phrase.PhraseTexts
Texts = Callable[[str, Sequence[str]], dict[str, str]]
_TEXTS: ContextVar[Texts | None] = ContextVar("feedback_texts", default=None)


@contextmanager
def lend_texts(texts: Texts | None) -> Iterator[None]:
    """Let a search expand a long question meanwhile (None: not this one, e.g. a query
    being typed)."""
    token = _TEXTS.set(texts)
    try:
        yield
    finally:
        _TEXTS.reset(token)


def feedback_texts() -> Texts | None:
    """The texts the service lent to the search running now, if any."""
    return _TEXTS.get()


def _terms(text: str, weight: float, counts: dict[str, float]) -> float:
    """Add a text's index terms to counts (times weight); its length in terms. Each
    different word is stemmed once."""
    size = 0.0
    for token, n in Counter(TOKEN_RE.findall(text[:MAX_TEXT])).items():
        term = index_term(token)
        if term is not None:
            counts[term] = counts.get(term, 0.0) + weight * n
            size += weight * n
    return size


def doc_weights(scores: np.ndarray, sharpness: float) -> np.ndarray:
    """Each feedback article's share of the relevance model: (score / best) ** sharpness,
    normalised. That is exp(sharpness * log(score / best)), a softmax over the scores
    measured against the best one (so it does not depend on their scale): with 16 an article
    scoring 4 % below the best counts half as much, one 15 % below a tenth."""
    import numpy as np

    best = float(np.max(scores)) if len(scores) else 0.0
    if best <= 0:
        return np.zeros(len(scores))
    weights = np.clip(scores / best, 0.0, 1.0) ** sharpness
    return weights / weights.sum()


def relevance_model(
    docs: Sequence[tuple[str, str]], weights: np.ndarray, title_weight: float
) -> dict[str, float]:
    """RM1: each term's sum over the (title, body) documents of the document's weight
    (`doc_weights`) times the term's frequency in it over its length."""
    model: dict[str, float] = {}
    for (title, body), share in zip(docs, weights.tolist(), strict=True):
        counts: dict[str, float] = {}
        size = _terms(title, title_weight, counts) + _terms(body, 1.0, counts)
        if size <= 0:
            continue
        for term, n in counts.items():
            model[term] = model.get(term, 0.0) + share * n / size
    return model


def expansion(
    model: dict[str, float], count: int, informative: Callable[[str], bool]
) -> list[tuple[str, float]]:
    """The `count` strongest terms of a relevance model that are not function words and
    that `informative` accepts (asked strongest first, until `count` are found), their
    weights summing to 1 (ties broken by the term, never by dictionary order)."""

    def order(item: tuple[str, float]) -> tuple[float, str]:
        return -item[1], item[0]

    def strongest() -> Iterator[tuple[str, float]]:
        # a model has thousands of terms: the strongest few first, the rest only if needed
        pool = heapq.nsmallest(4 * count, model.items(), key=order)
        yield from pool
        if len(pool) < len(model):
            yield from sorted(set(model.items()) - set(pool), key=order)

    best: list[tuple[str, float]] = []
    for term, weight in strongest():
        if len(best) == count:
            break
        if not is_function_word(term) and informative(term):
            best.append((term, weight))
    total = sum(w for _t, w in best)
    return [(t, w / total) for t, w in best] if total > 0 else []
