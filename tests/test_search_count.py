"""Totals: exact counts despite Whoosh's top-N pruning, AND NOT at segment starts, estimates."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.filedb.filestore import RamStorage

from tuireader.search import Filters, SearchService, whoosh_count, whoosh_query
from tuireader.search.whoosh_schema import make_schema


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def ferry_library(root: Path, batches: int = 1) -> tuple[Path, SearchService, int]:
    """Articles with "ferry" in the title and body, or in the body only, indexed in batches
    (one index segment each); every article also mentions the harbour."""
    svc = SearchService(root, root.parent / "cache")
    n = 0
    for batch in range(batches):
        for i in range(40):
            title = "Ferry news" if i % 2 else "Harbour news"
            body = "The ferry left the harbour. " * (1 + i % 3) + f"Item {batch} {i}."
            body += " A lighthouse." if i == 7 else ""
            write(root, f"b{batch}/a{i:03d}.txt", f"{title}\n\n{body}\n")
            n += 1
        svc.refresh(processes=1)
    return root, svc, n


def test_the_total_counts_every_match_not_only_the_unpruned_ones(tmp_path: Path) -> None:
    _root, svc, n = ferry_library(tmp_path / "lib")
    results = svc.search("ferry", limit=5)
    assert len(results.hits) == 5
    assert results.total == n and not results.total_is_estimate
    assert svc.search("ferry OR harbour", limit=3).total == n
    assert svc.search("ferry", limit=5, sort="date").total == n
    assert svc.search("title:ferry", limit=5).total == n // 2
    assert svc.search("ferry", limit=5, filters=Filters(format="text")).total == n
    assert svc.search('"ferry left"', limit=5).total == n  # phrases: counted while scoring


def test_and_not_excludes_a_document_at_the_start_of_a_segment() -> None:
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as writer:
        writer.add_document(id="x", title="Tram", body="the night tram")
        writer.add_document(id="y", title="Ferry", body="the night ferry")
        writer.add_document(id="z", title="Ferry", body="the morning ferry")
    with ix.searcher() as searcher:
        q = whoosh_query.parse("ferry -night")
        found, hits = whoosh_query.run(searcher, q, limit=None, sort="relevance", filters=None)
        assert [h.id for h in hits] == ["z"] and found.total == 1
        assert whoosh_count.count(searcher, q).total == 1


def test_a_big_index_ranked_by_relevance_counts_exactly_where_whoosh_would_estimate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _root, svc, n = ferry_library(tmp_path / "lib", batches=4)
    monkeypatch.setattr(whoosh_count, "SAMPLE_DOCS", 50)  # two of the four segments
    monkeypatch.setattr(whoosh_count, "EXACT_BELOW", 30)
    # the array path counts every match from the arrays it scored: exact, however big
    for text in ("ferry", '"ferry left"'):
        found = svc.search(text, limit=5)
        assert found.total == n and not found.total_is_estimate, text
        assert "total_is_estimate" not in found.to_dict()
    # Whoosh's own path (other sorts' fallback, query shapes the arrays do not model)
    # still samples, and says so
    searcher = svc.store.searcher()
    q = whoosh_query.parse("ferry")
    about, hits = whoosh_query.run_whoosh(searcher, q, limit=5, sort="relevance", filters=None)
    assert about.estimated and len(hits) == 5
    assert n * 0.75 <= about.total <= n * 1.25
    phrase, hits = whoosh_query.run_whoosh(
        searcher, whoosh_query.parse('"ferry left"'), limit=5, sort="relevance", filters=None
    )
    assert phrase.estimated and len(hits) == 5
    assert n * 0.75 <= phrase.total <= n * 1.25
    rare, _hits = whoosh_query.run_whoosh(
        searcher, whoosh_query.parse("lighthouse"), limit=1, sort="relevance", filters=None
    )
    assert rare.total == 4 and not rare.estimated  # one per segment: too few to scale


def test_documents_with_every_word_fill_the_top_when_there_are_enough(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for i in range(30):  # one word, many times: high scores without the other word
        write(root, f"one/a{i:02d}.txt", f"Notes {i}\n\n" + "ferry " * 30 + "\n")
    for i in range(8):
        write(root, f"both/b{i:02d}.txt", f"Log {i}\n\nA ferry crossed to the island.\n")
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    top = svc.search("ferry island", limit=5)
    assert [h.path.split("/")[0] for h in top.hits] == ["both"] * 5
    assert top.total == 38 and not top.total_is_estimate
    more = svc.search("ferry island", limit=10)  # only 8 have both: the rest follow
    assert [h.path.split("/")[0] for h in more.hits] == ["both"] * 8 + ["one"] * 2
    assert more.total == 38
