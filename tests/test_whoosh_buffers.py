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
