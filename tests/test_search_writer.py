"""The fast index writer (whoosh_pool's term pool and add_document, whoosh_codec's
a-term-at-a-time postings, the spawned segment workers) writes what Whoosh's own writer
writes: every term's statistics, postings (doc, weight, positions), stored fields and
lengths, and the postings files byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

from whoosh import index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import PostingPool, SegmentWriter

from tuireader.articles.model import Article
from tuireader.search.whoosh_codec import _WHOOSH_POOL_ADD, FastCodec, FastPostingsWriter
from tuireader.search.whoosh_pool import FastSegmentWriter, TermPool
from tuireader.search.whoosh_schema import document, make_schema

WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "mat",
    "and",
    "ran",
    "to",
    "café",
    "Zürich",
    "government",
    "governs",
    "3.5",
    "U.S.",
    "end",
]


def articles(count: int, seed: int = 3) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        body = ". ".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40)))
            for _ in range(rng.randint(1, 6))
        )
        out.append(
            Article(
                id=f"{i:08x}",
                path=f"d/a{i}.txt",
                format="text",
                title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6))),
                author=rng.choice([None, "Ann Lee", "José Núñez"]),
                date=None,
                tags=tuple(rng.sample(["x", "y", "z"], rng.randint(0, 2))),
                url=None,
                summary="",
                body=body,
                words=len(body.split()),
                fingerprint=f"{i}",
            )
        )
    return out


def snapshot(folder: Path) -> dict:
    """Everything a reader can see of an index, term by term and document by document."""
    ix = index.open_dir(str(folder), indexname="main")
    out: dict = {}
    with ix.reader() as reader:
        for field, text in reader.all_terms():
            info = reader.term_info(field, text)
            matcher = reader.postings(field, text)
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            out[field, text] = (stats, info.max_weight(), info.min_id(), info.max_id(), found)
        out["stored"] = list(reader.iter_docs())
        out["lengths"] = [
            reader.doc_field_length(d, f) for d in range(reader.doc_count_all()) for f in "tb"
        ]
    return out


def postings_files(folder: Path) -> dict[str, bytes]:
    """The sub-files of the one segment, by extension (their names hold a random id)."""
    ix = index.open_dir(str(folder), indexname="main")
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage)
    out = {}
    for name in storage.list():
        with storage.open_file(name) as handle:
            out[name.rsplit(".", 1)[-1]] = handle.read()
    return out


def build(folder: Path, items: list[Article], fast: bool) -> None:
    folder.mkdir()
    ix = index.create_in(str(folder), make_schema(), "main")
    if fast:
        writer = FastSegmentWriter(ix, codec=FastCodec())
    else:
        writer = SegmentWriter(ix, codec=W3Codec())
    for article in items:
        writer.add_document(**document(article))
    writer.commit()


def test_fast_writer_writes_what_whoosh_writes(tmp_path: Path, monkeypatch) -> None:
    """The same terms, statistics and postings as Whoosh's writer; with every block
    compressed (small_block 0) the postings and term files are Whoosh's byte for byte."""
    monkeypatch.setattr(PostingPool, "add", _WHOOSH_POOL_ADD)  # Whoosh's own pool
    items = articles(300)
    build(tmp_path / "whoosh", items, fast=False)
    build(tmp_path / "fast", items, fast=True)
    plain = snapshot(tmp_path / "whoosh")
    assert len(plain) > 50 and plain == snapshot(tmp_path / "fast")
    files_plain, files_fast = postings_files(tmp_path / "whoosh"), postings_files(tmp_path / "fast")
    assert {"pst", "trm"} <= set(files_plain)
    assert files_plain["pst"] != files_fast["pst"]  # small blocks left uncompressed
    assert len(files_fast["pst"]) < 1.1 * len(files_plain["pst"])
    monkeypatch.setattr(FastPostingsWriter, "small_block", 0)
    build(tmp_path / "fast0", items, fast=True)
    files_fast = postings_files(tmp_path / "fast0")
    assert files_plain["pst"] == files_fast["pst"]  # the postings, byte for byte
    assert files_plain["trm"] == files_fast["trm"]  # the term dictionary


def test_term_pool_orders_out_of_order_postings_as_whoosh_sorts() -> None:
    pool = TermPool()
    for item in [("b", b"x", 5, 1.0, b"1"), ("a", b"y", 2, 2.0, None), ("b", b"x", 3, 1.0, b"2")]:
        pool.add(item)
    pool.add(("a", b"a", 9, 1.0, b""))
    assert list(pool.iter_postings()) == [
        ("a", b"a", 9, 1.0, b""),
        ("a", b"y", 2, 2.0, None),
        ("b", b"x", 3, 1.0, b"2"),
        ("b", b"x", 5, 1.0, b"1"),
    ]
    assert pool.fieldnames == {"a", "b"}
