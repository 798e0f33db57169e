"""The indexer's derived arrays (search/vector/derived.py): the same postings and positions as
Whoosh's blocks, and never used when they do not match the segment."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index

from tuireader.search.vector import derived
from tuireader.search.vector import run as vector
from tuireader.search.vector.positions import decode
from tuireader.search.vector.postings import read_positions, read_postings
from tuireader.search.whoosh_codec import writer_options
from tuireader.search.whoosh_pool import FastSegmentWriter
from tuireader.search.whoosh_query import parse
from tuireader.search.whoosh_schema import make_schema

WORDS = ["ferry", "harbour", "island", "night", "market", "price", "music", "film"]
WORDS += ["chief", "executive", "world", "cup"]


def _build(folder: Path, sizes: list[int]) -> index.Index:
    rng = random.Random(7)
    ix = index.create_in(str(folder), make_schema())
    n = 0
    for size in sizes:
        writer = FastSegmentWriter(ix, **writer_options())
        writer.merge = False
        for _ in range(size):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.choice([4, 12, 40])))
            writer.add_document(
                id=f"d{n}", title=rng.choice(WORDS), body=body, path=f"{n}.txt", date_sort=0
            )
            n += 1
        writer.commit(merge=False)
    return ix


def _whoosh_postings(reader, fieldname: str, btext: bytes):
    """The term as Whoosh's blocks give it, with the derived arrays out of the way."""
    saved = dict(derived._OPEN)
    derived._OPEN[reader._segment.segment_id()] = None
    try:
        plain = read_postings(reader, fieldname, btext, with_values=True)
        return plain, decode(plain.ids, plain.values or (), reader.schema[fieldname].format)
    finally:
        derived._OPEN.clear()
        derived._OPEN.update(saved)


@pytest.fixture()
def built(tmp_path: Path):
    derived.forget()
    ix = _build(tmp_path, [400, 300])
    yield tmp_path, ix
    derived.forget()


def test_the_indexer_writes_arrays_equal_to_whoosh_s_postings(built) -> None:
    _folder, ix = built
    with ix.searcher() as searcher:
        readers = [s.reader() for s, _o in searcher.leaf_searchers()]
        assert len(readers) == 2
        for reader in readers:
            arrays = derived.for_reader(reader)
            assert arrays is not None
            for word in ("ferri", "chief", "music"):
                btext = word.encode()
                plain, positions = _whoosh_postings(reader, "body", btext)
                assert len(plain.ids) >= derived.MIN_POSTINGS  # held by the arrays
                got = read_postings(reader, "body", btext, with_values=False)
                assert got.ids.tolist() == plain.ids.tolist()
                assert got.weights.tolist() == plain.weights.tolist()
                assert not got.weights.flags.writeable  # a view of the mapped file
                read, pos = read_positions(reader, "body", btext)
                assert read.ids.tolist() == plain.ids.tolist()
                assert pos.starts.tolist() == positions.starts.tolist()
                assert pos.flat.tolist() == positions.flat.tolist()
                assert pos.flat.dtype == np.int64 and got.ids.dtype == np.int64
                # with values: Whoosh's encoded values, built from the arrays on demand
                valued = read_postings(reader, "body", btext, with_values=True)
                assert valued.values is not None and plain.values is not None
                assert not isinstance(valued.values, tuple)  # not decoded from blocks
                assert list(valued.values) == list(plain.values)
                assert valued.values[-1] == plain.values[-1]


def test_results_are_the_same_with_missing_stale_or_broken_arrays(built) -> None:
    folder, ix = built
    queries = ["ferry", "chief executive", '"world cup"', "mus*", "title:film", "price OR night"]

    def answers():
        derived.forget()
        vector._CACHE.forget_except(set())
        with ix.searcher() as searcher:
            out = []
            for text in queries:
                ranked = vector.rank(searcher, parse(text), limit=None)
                out.append((ranked.total, ranked.docnums.tolist(), ranked.scores.tolist()))
            opened = [derived.for_reader(s.reader()) for s, _o in searcher.leaf_searchers()]
        return out, opened

    with_arrays, opened = answers()
    assert all(a is not None for a in opened)
    files = sorted((folder / derived.FOLDER).glob(f"*{derived.SUFFIX}"))
    assert len(files) == 2
    first, second = files
    keep = folder / "keep"
    keep.mkdir()
    for f in files:
        shutil.copy(f, keep / f.name)

    shutil.copy(second, first)  # stale: another segment's arrays under this one's name
    stale, opened = answers()
    assert opened.count(None) == 1 and stale == with_arrays

    first.write_bytes((keep / first.name).read_bytes()[:-64])  # truncated
    truncated, opened = answers()
    assert opened.count(None) == 1 and truncated == with_arrays

    first.write_bytes(b"garbage")
    second.unlink()  # missing
    broken, opened = answers()
    assert opened == [None, None] and broken == with_arrays


def test_a_term_whose_extent_differs_is_read_from_whoosh(built) -> None:
    _folder, ix = built
    with ix.searcher() as searcher:
        reader = searcher.leaf_searchers()[0][0].reader()
        arrays = derived.for_reader(reader)
        assert arrays is not None
        info = reader._terms.term_info("body", b"ferri")
        offset, length = info.extent()
        if isinstance(length, tuple):  # whoosh3 keeps unpack_int's 1-tuple
            (length,) = length
        count = info.doc_frequency()
        assert arrays.term(offset, length, count) is not None
        assert arrays.term(offset, length + 1, count) is None
        assert arrays.term(offset + 1, length, count) is None
        assert arrays.term(offset, length, count + 1) is None


def test_arrays_of_merged_segments_are_pruned(built) -> None:
    folder, ix = built
    before = {p.name for p in (folder / derived.FOLDER).iterdir()}
    writer = FastSegmentWriter(ix, **writer_options())
    writer.commit(optimize=True)  # one segment: written again, the old ones' files go
    after = {p.name for p in (folder / derived.FOLDER).iterdir()}
    with ix.searcher() as searcher:
        (only,) = [s.reader() for s, _o in searcher.leaf_searchers()]
        assert after == {only._segment.segment_id() + derived.SUFFIX}
        assert not before & after
        assert derived.for_reader(only) is not None


def test_a_segment_without_arrays_is_rebuilt_from_whoosh_s_blocks(built) -> None:
    folder, ix = built
    with ix.searcher() as searcher:
        readers = [s.reader() for s, _o in searcher.leaf_searchers()]
        written = {r._segment.segment_id(): path_bytes(folder, r) for r in readers}
        for reader in readers:
            derived.path_for(folder, reader._segment.segment_id()).unlink()
        derived.forget()
        assert all(derived.for_reader(r) is None for r in readers)  # missing: Whoosh's path
        for reader in readers:
            path = derived.rebuild(reader)
            assert path is not None
            # the same arrays as the indexer wrote (header and all)
            assert path.read_bytes() == written[reader._segment.segment_id()]
        derived.forget()
        assert all(derived.for_reader(r) is not None for r in readers)


def path_bytes(folder: Path, reader) -> bytes:
    return derived.path_for(folder, reader._segment.segment_id()).read_bytes()


def test_complete_fills_in_the_segments_without_arrays_and_only_those(built) -> None:
    folder, ix = built
    with ix.reader() as reader:
        leaves = [leaf for leaf, _base in reader.leaf_readers()]
        written = {r._segment.segment_id(): path_bytes(folder, r) for r in leaves}
        gone = leaves[0]._segment.segment_id()
        derived.path_for(folder, gone).unlink()  # an index of an older tuireader
        derived.forget()
        assert derived.complete(reader) == 1
        assert path_bytes(folder, leaves[0]) == written[gone]
        assert derived.complete(reader) == 0  # nothing left to do: one read a segment


def test_a_segment_with_no_big_term_has_an_empty_file_not_a_missing_one(tmp_path) -> None:
    derived.forget()
    ix = _build(tmp_path, [20])  # under MIN_POSTINGS everywhere
    with ix.reader() as reader:
        segment_id = reader._segment.segment_id()
        assert derived.path_for(tmp_path, segment_id).is_file()
        arrays = derived.for_reader(reader)
        assert arrays is not None and len(arrays.table) == 0
        assert derived.complete(reader) == 0


def test_a_refresh_gives_an_older_index_its_arrays(tmp_path) -> None:
    from tuireader.search import SearchService

    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(200):
        (lib / f"{i}.txt").write_text(f"Note {i}\n\nThe ferry and the harbour, {i}.\n", "utf-8")
    svc = SearchService(lib, tmp_path / "cache")
    svc.refresh(processes=1)
    arrays = tmp_path / "cache" / "index" / derived.FOLDER
    names = sorted(p.name for p in arrays.iterdir())
    assert names
    shutil.rmtree(arrays)
    svc.close()
    derived.forget()
    svc = SearchService(lib, tmp_path / "cache")
    assert svc.refresh(processes=1).indexed == 0  # nothing changed in the library
    assert sorted(p.name for p in arrays.iterdir()) == names
    assert svc.search("ferry").total == 200


def test_forget_except_unmaps_merged_away_segments_and_retries_missing_ones(built) -> None:
    _folder, ix = built
    with ix.reader() as reader:
        leaves = [leaf for leaf, _base in reader.leaf_readers()]
        for leaf in leaves:
            assert derived.for_reader(leaf) is not None
        kept = leaves[0]._segment.segment_id()
        derived._OPEN["gone-segment"] = derived._OPEN[kept]
        derived._OPEN["no-arrays-yet"] = None
        derived.forget_except(frozenset({kept, "no-arrays-yet"}))
        assert set(derived._OPEN) == {kept}
