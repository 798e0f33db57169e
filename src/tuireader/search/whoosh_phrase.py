"""ExactPhrase: the parser's "..." over the stemmed text fields, matched exactly.

A phrase's words carry their offsets from the first (`phrases.parse_phrase`). Where the
phrase has unindexed words inside ("of" in "house of commons"), positions only say that
*some* word stood there, so the documents the positions found are checked against their
text (`verify`, through the `PhraseTexts` the service installs for a search with
`phrase_texts`). A phrase of indexed words only needs no text: its positions are the answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from whoosh import matching, query
from whoosh.qparser import plugins

from tuireader.search.phrases import parse_phrase, phrase_in
from tuireader.search.whoosh_schema import StemmedText

if TYPE_CHECKING:
    import numpy as np

# (fieldname, article ids) -> {id: that field's text}; None outside a search that set one
PhraseTexts = Callable[[str, Sequence[str]], dict[str, str]]
_TEXTS: ContextVar[PhraseTexts | None] = ContextVar("phrase_texts", default=None)


@contextmanager
def phrase_texts(texts: PhraseTexts) -> Iterator[None]:
    """Let phrases with unindexed words inside check their documents' texts meanwhile."""
    token = _TEXTS.set(texts)
    try:
        yield
    finally:
        _TEXTS.reset(token)


class ExactPhrase(query.Phrase):
    """A Phrase whose words stand at `offsets` from the first (not simply one apart)."""

    def __init__(
        self, fieldname, words, slop=1, boost=1.0, char_ranges=None, *, offsets=None, pattern=None
    ):
        super().__init__(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
        self.offsets = tuple(offsets) if offsets is not None else tuple(range(len(words)))
        # () when a sentence break is inside: only the positions can match it
        self.pattern = tuple(words) if pattern is None else tuple(pattern)

    @property
    def gapped(self) -> bool:
        """Whether unindexed words stand inside (their identity needs the text)."""
        return self.offsets != tuple(range(len(self.words)))

    def __eq__(self, other):
        return super().__eq__(other) and self.offsets == other.offsets

    def __hash__(self):
        return super().__hash__() ^ hash(self.offsets)

    def normalize(self):
        if not self.words:
            return query.NullQuery
        if len(self.words) == 1:
            return super().normalize()
        return copy.copy(self)

    def matcher(self, searcher, context=None):
        """Whoosh's own matcher when the words are one apart; else the documents where the
        positions (and the text) agree, scored by the words' summed weights."""
        if not self.gapped or self.slop != 1:
            return super().matcher(searcher, context)
        if not searcher.is_atomic():
            subs = [(self.matcher(s, context), offset) for s, offset in searcher.leaf_searchers()]
            return matching.MultiMatcher([m for m, _o in subs], [o for _m, o in subs])
        import numpy as np  # the array scorer's; not loaded for a listing

        from tuireader.search.vector.positions import adjacent, decode
        from tuireader.search.vector.postings import read_postings

        reader = searcher.reader()
        fieldname = self.fieldname
        fmt = searcher.schema[fieldname].format
        lists = []
        for word in self.words:
            btext = word.encode("utf-8")
            read = read_postings(reader, fieldname, btext, with_values=True)
            if not len(read.ids):
                return matching.NullMatcher()
            lists.append(decode(read.ids, read.values or (), fmt))
        candidates = lists[0].ids
        for term in lists[1:]:
            candidates = np.intersect1d(candidates, term.ids, assume_unique=True)
        found = adjacent(candidates, lists, self.offsets) if len(candidates) else candidates
        found = verify(self, reader, found)
        if reader.has_deletions():
            found = np.asarray([d for d in found.tolist() if not reader.is_deleted(d)], np.int64)
        if not len(found):
            return matching.NullMatcher()
        return matching.ListMatcher(found.tolist(), all_weights=self.boost)


def verify(q: ExactPhrase, reader, docs: np.ndarray) -> np.ndarray:
    """The documents (a segment's numbers) whose text holds the phrase as written; all of
    them when the phrase has no unindexed words inside or no texts are at hand."""
    texts_of = _TEXTS.get()
    if not len(docs) or not q.gapped or texts_of is None or not q.pattern:
        return docs
    ids = [reader.stored_fields(int(d)).get("id") for d in docs.tolist()]
    texts = texts_of(q.fieldname, [i for i in ids if i is not None])
    keep = [i is not None and phrase_in(texts.get(i, ""), q.pattern) for i in ids]
    return docs[keep]  # a list of bools is a mask


class ExactPhrasePlugin(plugins.PhrasePlugin):
    """The parser's "..." syntax, making an ExactPhrase for the stemmed text fields."""

    class PhraseNode(plugins.PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            schema = parser.schema
            if not (schema and fieldname in schema and isinstance(schema[fieldname], StemmedText)):
                return super().query(parser)
            words, offsets, pattern = parse_phrase(self.text)
            q = ExactPhrase(
                fieldname,
                words,
                slop=self.slop,
                boost=self.boost,
                offsets=offsets,
                pattern=pattern,
            )
            return plugins.attach(q, self)

    class PhraseTagger(plugins.RegexTagger):
        def create(self, parser, match):
            slop = match.group("slop")
            return ExactPhrasePlugin.PhraseNode(
                match.group("text"), match.start("text"), int(slop) if slop else 1
            )

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]
