"""Whoosh reads index files from the memory map in place (no copy of each file)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from whoosh import query
from whoosh.filedb import structfile

from tuireader.articles.model import Article
from tuireader.search import whoosh_buffers
from tuireader.search.whoosh_store import WhooshStore


def test_a_buffer_file_reads_like_the_copy_it_replaces() -> None:
    data = pickle.dumps({"a": [1, 2, 3]}, 2) + b"line one\nline two\n" + bytes(range(256))
    view = memoryview(data)
    f = structfile.BufferFile(view, name="x")
    assert isinstance(f.file, whoosh_buffers._ViewReader)
    assert f.read_pickle() == {"a": [1, 2, 3]}
    assert f.readline() == b"line one\n" and f.readline() == b"line two\n"
    assert f.read(3) == bytes([0, 1, 2]) and f.tell() == len(data) - 253
    f.seek(-1, 2)
    assert f.read() == b"\xff" and f.read() == b""
    assert f.get(0, 2) == data[:2]
    f.seek(0)
    assert f.read_pickle() == {"a": [1, 2, 3]}


def test_installing_twice_is_harmless_and_a_changed_whoosh_is_loud(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whoosh_buffers.install()
    assert structfile.BufferFile.__init__ is whoosh_buffers._init
    monkeypatch.delattr(structfile, "BufferFile")
    with pytest.raises(whoosh_buffers.WhooshChanged):
        whoosh_buffers.install()


def test_an_open_index_keeps_no_copy_of_its_postings(tmp_path: Path) -> None:
    store = WhooshStore(tmp_path / "index")
    articles = [
        Article(
            f"a{i}",
            f"{i}.txt",
            "text",
            f"Ferry {i}",
            None,
            None,
            (),
            None,
            "",
            "ferry " * i,
            i,
            f"f{i}",
        )
        for i in range(1, 40)
    ]
    store.write(add=articles)
    searcher = store.searcher()
    readers = [sub.reader() for sub, _o in searcher.leaf_searchers()]
    postfiles = [r._terms._postfile for r in readers]
    assert postfiles and all(isinstance(p.file, whoosh_buffers._ViewReader) for p in postfiles)
    assert searcher.doc_count() == 39
    assert len(searcher.search(query.Term("body", "ferri"), limit=None)) == 39


@pytest.mark.parametrize("write_offsets", [False, True])
def test_a_variable_column_reads_the_same_offsets_as_whoosh_s_loop(write_offsets: bool) -> None:
    from whoosh import columns
    from whoosh.filedb.filestore import RamStorage

    whoosh_buffers.install()
    values = [b"", b"a", b"bcd" * 40, b"", b"\x00\xff", b"x" * 300] * 50
    storage = RamStorage()
    out = storage.create_file("col")
    # Whoosh stores the offsets themselves past a cutoff (32,768 rows by default)
    column = columns.VarBytesColumn(write_offsets_cutoff=10 if write_offsets else 10**9)
    writer = column.writer(out)
    for docnum, value in enumerate(values):
        writer.add(docnum, value)
    writer.finish(len(values))
    length = out.tell()
    out.close()

    def read(method):
        reader = object.__new__(columns.VarBytesColumn.Reader)
        reader._dbfile, reader._basepos = storage.open_file("col"), 0
        reader._length, reader._doccount = length, len(values)
        reader.had_stored_offsets = False
        method(reader)
        return reader

    ours = read(whoosh_buffers._offsets_from_lengths)
    assert columns.VarBytesColumn.Reader._read_offsets_and_lengths is (
        whoosh_buffers._offsets_from_lengths
    )
    theirs = read(whoosh_buffers._WHOOSH_READ_OFFSETS)
    assert list(ours._offsets) == list(theirs._offsets)
    assert list(ours._lengths) == list(theirs._lengths)
    assert ours._offsets.typecode == theirs._offsets.typecode
    assert ours.had_stored_offsets is theirs.had_stored_offsets is write_offsets
    assert [ours[d] for d in range(len(values))] == values
