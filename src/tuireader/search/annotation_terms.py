"""Searching what the reader wrote: `has:`, `note:` and plain words found in annotations.

Annotations live in the user's store, not in the Whoosh index: they change with every
highlight, and re-indexing an article for each note would cost far more than matching a few
thousand short texts here. `split` takes `has:` and `note:` out of the query text before
Whoosh parses the rest; they narrow the whole query to articles with such annotations.
Notes are matched with the body's `MatchPlan`, so they are tokenised, folded and stemmed
exactly as article text is. The store is reached through `AnnotationSource`, so the search
layer knows no annotation code (the library layer adapts the store).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from tuireader.search.highlight import MatchPlan, find_matches, snippet
from tuireader.search.models import Span

KINDS = {
    "highlight": "highlight",
    "highlights": "highlight",
    "bookmark": "bookmark",
    "bookmarks": "bookmark",
    "note": "note",
    "notes": "note",
    "annotation": "annotation",
    "annotations": "annotation",
}
_TERM = re.compile(r'(?<![\w:])(-?)(has|note):("[^"]*"?|[^\s()"]+)', re.IGNORECASE)
_LABELS = {"note": "note", "tags": "tags", "quote": "highlight"}


class AnnotationTermError(ValueError):
    """A has: or note: term that cannot be searched (the message is for the user)."""


@dataclass(frozen=True)
class AnnotationText:
    """One bookmark or highlight, as far as search cares."""

    article_id: str
    kind: str  # "bookmark" | "highlight"
    note: str = ""
    quote: str = ""  # a highlight's passage ("" for a bookmark)
    tags: tuple[str, ...] = ()

    def parts(self, *, written_only: bool) -> list[tuple[str, str]]:
        """(label, text) pairs to match: `note:` looks at what the reader wrote (the note and
        the tags), plain words also at the passage they highlighted."""
        out = [("note", self.note), ("tags", " ".join(self.tags))]
        if not written_only:
            out.append(("quote", self.quote))
        return [(label, text) for label, text in out if text]

    def is_kind(self, kind: str) -> bool:
        return kind == "annotation" or kind == self.kind or (kind == "note" and bool(self.note))


class AnnotationSource(Protocol):
    """What `SearchService.search` needs of the annotation store."""

    def annotation_texts(self) -> Sequence[AnnotationText]: ...


@dataclass(frozen=True)
class AnnotationTerms:
    """The has: and note: terms of a query (each must hold; `-` negates)."""

    has: tuple[str, ...] = ()
    has_not: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    notes_not: tuple[str, ...] = ()
    written: str = ""  # the terms as typed, put back in front of a did-you-mean

    @property
    def any(self) -> bool:
        return bool(self.has or self.has_not or self.notes or self.notes_not)


def split(text: str) -> tuple[str, AnnotationTerms]:
    """(the query without its has:/note: terms, those terms)."""
    has: list[str] = []
    has_not: list[str] = []
    notes: list[str] = []
    notes_not: list[str] = []
    written: list[str] = []

    def take(m: re.Match[str]) -> str:
        negated, name, value = m.group(1) == "-", m.group(2).lower(), m.group(3)
        written.append(m.group(0))
        value = value.strip('"').strip()
        if name == "has":
            kind = KINDS.get(value.lower())
            if kind is None:
                raise AnnotationTermError(
                    f"has:{value} is not known: use has:highlight, has:bookmark, has:note "
                    "or has:annotation"
                )
            (has_not if negated else has).append(kind)
        else:
            if not value:
                raise AnnotationTermError('note: needs words, as in note:budget or note:"to do"')
            (notes_not if negated else notes).append(value)
        return " "

    rest = _TERM.sub(take, text)
    terms = AnnotationTerms(
        tuple(has), tuple(has_not), tuple(notes), tuple(notes_not), " ".join(written)
    )
    return " ".join(rest.split()), terms


@dataclass(frozen=True)
class NoteMatch:
    """How an article's annotations match: a score and the best one as a snippet."""

    score: int
    snippet: str
    spans: list[Span]


PlanFor = Callable[[str], MatchPlan]


def narrow(
    ids: frozenset[str] | None,
    terms: AnnotationTerms,
    texts: Sequence[AnnotationText],
    plan_for: PlanFor,
    universe: Callable[[], Iterable[str]],
) -> frozenset[str] | None:
    """A filter's ids narrowed to the articles the has:/note: terms admit (None: all)."""
    if not terms.any:
        return ids
    by_article: dict[str, list[AnnotationText]] = {}
    for t in texts:
        by_article.setdefault(t.article_id, []).append(t)
    wanted = [plan_for(v) for v in terms.notes]
    unwanted = [plan_for(v) for v in terms.notes_not]

    def admits(items: list[AnnotationText]) -> bool:
        return all(any(t.is_kind(k) for t in items) for k in terms.has) and all(
            _written_match(items, p) for p in wanted
        )

    def excludes(items: list[AnnotationText]) -> bool:
        return any(t.is_kind(k) for t in items for k in terms.has_not) or any(
            _written_match(items, p) for p in unwanted
        )

    if terms.has or terms.notes:  # only annotated articles can pass
        admitted = frozenset(a for a, items in by_article.items() if admits(items))
        ids = admitted if ids is None else ids & admitted
    excluded = {a for a, items in by_article.items() if excludes(items)}
    if excluded:
        ids = frozenset((ids if ids is not None else frozenset(universe())) - excluded)
    return ids


def _written_match(items: list[AnnotationText], plan: MatchPlan) -> bool:
    return any(find_matches(text, plan) for t in items for _l, text in t.parts(written_only=True))


def note_matches(
    texts: Sequence[AnnotationText], plan: MatchPlan, *, written_only: bool = False
) -> dict[str, NoteMatch]:
    """Articles whose annotations match the plan, each with its best-matching annotation."""
    out: dict[str, NoteMatch] = {}
    if plan.empty:
        return out
    for t in texts:
        for label, text in t.parts(written_only=written_only):
            spans = find_matches(text, plan)
            if not spans:
                continue
            known = out.get(t.article_id)
            score = len(spans) + (known.score if known else 0)
            if known is None or len(spans) > len(known.spans):
                shown, inside = _labelled(label, text, spans)
            else:
                shown, inside = known.snippet, known.spans
            out[t.article_id] = NoteMatch(score, shown, inside)
    return out


def first_of_kind(texts: Sequence[AnnotationText], kinds: Sequence[str]) -> dict[str, NoteMatch]:
    """For `has:` alone: each article's first annotation of a wanted kind, as its snippet."""
    out: dict[str, NoteMatch] = {}
    for t in texts:
        if t.article_id in out or not any(t.is_kind(k) for k in kinds):
            continue
        parts = t.parts(written_only=False)
        if parts:
            label, text = parts[-1] if t.kind == "highlight" and "note" not in kinds else parts[0]
            shown, inside = _labelled(label, text, [])
            out[t.article_id] = NoteMatch(0, shown, inside)
    return out


def _labelled(label: str, text: str, spans: list[Span]) -> tuple[str, list[Span]]:
    shown, inside = snippet(text, spans)
    head = f"{_LABELS[label]}: "
    return head + shown, [(s + len(head), e + len(head)) for s, e in inside]


_NOT_PLAIN = re.compile(r"(?<![\w:])\w+:|(?:^|[\s(])-\S|\bNOT\b")


def plain_words(text: str) -> bool:
    """Whether a query is words and phrases only: then annotations may match it too. A
    field, a date or NOT is about the article, which a note cannot stand in for."""
    return not _NOT_PLAIN.search(text)
