"""The index writer's posting pool: postings grouped by term as they arrive, not sorted later.

Whoosh's `PostingPool` keeps one 5-tuple per posting (field, term, doc, weight, value),
sorts them all at commit and, past `limitmb` (an estimate that undercounts Python's real
size about twofold), pickles sorted runs to disk and merges them back with a heap. A 2,000
article build spent 25 % of its index phase adding, sorting and merging those tuples, and
a 100k build's writers held well over a gigabyte. `TermPool` appends each posting to its
term's arrays (doc numbers as 4-byte ints, weights as 8-byte floats, values as references,
the one-position values being shared), so memory is ~20 bytes a posting plus the distinct
values, and commit sorts only the distinct terms. The postings come out in exactly the
order Whoosh's sort gives (field, term, then doc number), which `FastFieldWriter` checks
with Whoosh's own order checks; `TermPostings` also lets it take a whole term at a time.

`FastSegmentWriter` is Whoosh's `SegmentWriter` with this pool (its `poolclass` argument is
ignored by Whoosh itself).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator

from whoosh.util.text import utf8encode
from whoosh.writing import SegmentWriter

# One term's postings: doc numbers, weights, values (None or bytes), in arrival order.
Postings = tuple[array | list, array | list, list]


class TermPostings:
    """The pool's postings, sorted by (field, term, doc number): iterable as Whoosh's
    5-tuples, or a term at a time through `terms()`."""

    def __init__(self, fields: dict[str, dict[bytes, Postings]]) -> None:
        self._fields = fields

    def terms(self) -> Iterator[tuple[str, bytes, Postings]]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for btext in sorted(terms):
                yield fieldname, btext, _in_order(terms[btext])

    def __iter__(self) -> Iterator[tuple]:
        for fieldname, btext, (docs, weights, values) in self.terms():
            for i, docnum in enumerate(docs):
                yield fieldname, btext, docnum, weights[i], values[i]


def _in_order(postings: Postings) -> Postings:
    """A term's postings sorted as Whoosh sorts its tuples. Documents arrive in increasing
    order, so this is almost always the postings as they are (checked in one pass)."""
    docs, weights, values = postings
    if len(docs) < 2 or all(a < b for a, b in itertools.pairwise(docs)):
        return postings
    items = sorted(zip(docs, weights, values, strict=True), key=_sort_key)
    return [d for d, _w, _v in items], [w for _d, w, _v in items], [v for _d, _w, v in items]


def _sort_key(item: tuple) -> tuple:
    docnum, weight, value = item
    return (docnum, weight, b"" if value is None else value, value is not None)


class TermPool:
    """Postings grouped by field and term, each term's doc numbers in an array of 4-byte
    ints, weights in one of 8-byte floats (the float objects Whoosh would keep cost 24
    bytes each) and values as references (the one-position values are shared): about 30
    bytes a posting where Whoosh's tuples took over 200. The interface of Whoosh's
    PostingPool that SegmentWriter and the codec use: add, fieldnames, iter_postings,
    cleanup."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, Postings]] = {}

    @property
    def fieldnames(self) -> set[str]:
        """The fields that have postings (as Whoosh's pool counts them)."""
        return {name for name, terms in self.fields.items() if terms}

    def terms(self, fieldname: str) -> dict[bytes, Postings]:
        """The term -> flat postings dict of one field (created on first use)."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    def add(self, item: tuple) -> None:
        fieldname, btext, docnum, weight, value = item
        terms = self.terms(fieldname)
        found = terms.get(btext)
        if found is None:
            found = terms[btext] = (array("i"), array("d"), [])
        found[0].append(docnum)
        found[1].append(weight)
        found[2].append(value)

    def iter_postings(self) -> TermPostings:
        return TermPostings(self.fields)

    def items(self) -> TermPostings:
        return self.iter_postings()

    def save(self) -> None:
        """Nothing is spilled to disk."""

    def cleanup(self) -> None:
        self.fields = {}


class FastSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with a `TermPool`, and `add_document` putting each field's
    postings straight into the pool's per-term lists."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPool()

    def commit(self, *args, **kwargs) -> None:
        """Whoosh's commit, then the derived arrays of segments it merged away deleted
        (vector.derived; Whoosh deleted those segments' own files)."""
        super().commit(*args, **kwargs)
        from tuireader.search.vector import derived  # numpy: not needed to open the index

        folder = derived.folder_of(self.storage)
        if folder is not None:
            derived.prune(folder)

    def add_document(self, **fields) -> None:
        """Whoosh's `SegmentWriter.add_document` (writing.py), the same steps in the same
        order, with the inner posting loop writing to the term lists."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    items = field.index(value)
                    scorable = field.scorable
                    terms = pool.terms(fieldname)
                    get = terms.get
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        found = get(tbytes)
                        if found is None:
                            found = terms[tbytes] = (array("i"), array("d"), [])
                        found[0].append(docnum)
                        found[1].append(weight * fieldboost)
                        found[2].append(vbytes)
                if field.separate_spelling():
                    spellfield = field.spelling_fieldname(fieldname)
                    for word in field.spellable_words(value):
                        pool.add((spellfield, utf8encode(word)[0], 0, 1, vbytes))
                vformat = field.vector
                if vformat:
                    vitems = vformat.word_values(value, field.analyzer, mode="index")
                    vitems = sorted((text, weight, vb) for text, _, weight, vb in vitems)
                    perdocwriter.add_vector_items(fieldname, field, vitems)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(
                    fieldname, field, customval if field.stored else None, length
                )
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(
                        fieldname, column, field.to_column_value(customval)
                    )
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
