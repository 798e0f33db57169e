"""Full builds done the fast way store and index exactly what the plain way does.

The parsing workers compute each article's vocabulary words and compressed body, and big
index batches go to Whoosh's multi-process writer: the catalog's vocabulary (did-you-mean,
fuzzy terms), bodies and the index must come out the same as when everything is done in one
process, also after incremental changes.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh.analysis import RegexTokenizer, StemFilter, StopFilter

from tuireader.search import SearchService
from tuireader.search.spelling import text_words
from tuireader.search.whoosh_schema import (
    SENTENCE_BREAK,
    SENTENCE_GAP,
    TOKEN_PATTERN,
    FoldFilter,
    StemmedText,
    make_schema,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "café",
    "naïve",
    "Zürich",
    "straße",
    "ΟΔΟΣ",
    "résumé",
    "U.S.",
    "x\u0303y",  # a combining mark inside a word
    "government",
    "people",
    "market",
    "music",
    "election",
    "champion",
    "phone",
    "minister",
]


def make_library(root: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    for i in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(3))
        body = "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))) for _ in range(3)
        )
        sub = root / f"d{i % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        if i % 5 == 0:
            (sub / f"a{i}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
        else:
            (sub / f"a{i}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def vocab(svc: SearchService) -> dict[str, int]:
    return dict(svc.catalog.db.execute("SELECT word, df FROM vocab"))


def expected_vocab(svc: SearchService) -> dict[str, int]:
    """The vocabulary recomputed from the catalog's own titles and bodies."""
    entries = svc.entries()
    bodies = svc.catalog.bodies([e.id for e in entries])
    counts: Counter[str] = Counter()
    for e in entries:
        counts.update(text_words(f"{e.title}\n{bodies[e.id]}"))
    return dict(counts)


def bodies(svc: SearchService) -> dict[str, str]:
    return svc.catalog.bodies([e.id for e in svc.entries()])


def test_worker_built_catalog_equals_the_single_process_one(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root, 260)  # >= 200 files: parsed in spawned workers
    fast = SearchService(root, tmp_path / "fast")
    slow = SearchService(root, tmp_path / "slow")
    assert fast.refresh(processes=2).added == 260
    assert slow.refresh(processes=1).added == 260
    assert vocab(fast) == vocab(slow) == expected_vocab(slow)
    assert "cafe" in vocab(fast) and "zurich" in vocab(fast)
    assert bodies(fast) == bodies(slow)
    assert fast.search("government").total == slow.search("government").total > 0
    fast.close()
    slow.close()


def test_vocabulary_stays_exact_through_incremental_changes(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root, 240)
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=2)
    files = sorted(root.rglob("a*.*"))
    for path in files[:30]:  # edited
        path.write_text("Edited\n\nonly quokka words here quokka\n", encoding="utf-8")
    for path in files[30:40]:  # deleted
        path.unlink()
    files[40].rename(root / "moved.txt")
    make_library(root / "more", 210, seed=2)  # a big batch of new files: workers again
    summary = svc.refresh(processes=2)
    assert summary.updated == 30 and summary.removed == 10 and len(summary.moved) == 1
    assert vocab(svc) == expected_vocab(svc)
    assert vocab(svc)["quokka"] == 30
    assert svc.search("quokka").total == 30
    fresh = SearchService(root, tmp_path / "fresh")
    fresh.refresh(processes=1)
    assert vocab(fresh) == vocab(svc)
    svc.close()
    fresh.close()


def test_cached_field_lengths_equal_whooshs_own(tmp_path: Path) -> None:
    from tuireader.search.whoosh_codec import CachedLengths

    root = tmp_path / "lib"
    make_library(root, 40)
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    reader = svc.store.searcher().reader()
    segment = reader.leaf_readers()[0][0] if not reader.is_atomic() else reader
    per_doc = segment._perdoc  # what add_postings is given when a segment is written
    cached = CachedLengths(per_doc)
    count = per_doc.doc_count_all()
    assert count == 40
    for field in ("title", "body", "author", "date_sort", "id"):
        for doc in range(count):
            assert cached.doc_field_length(doc, field) == per_doc.doc_field_length(doc, field)
    assert any(cached.doc_field_length(d, "body") for d in range(count))
    assert cached.doc_field_length(0, "nope", 7) == per_doc.doc_field_length(0, "nope", 7) == 7
    svc.close()


SAMPLES = [
    "",
    "a",
    "The cat sat on the mat, and the cat ran.",
    "a b c the of and",
    "I think it's the U.S. economy, e.g. 3.5 per cent in 2024.",
    "Café CAFÉ cafe\u0301 naïve Zürich straße ΟΔΟΣ οδος x\u0303y résumé",
    "the the the government governments governing governed the",
    "Straße STRASSE ﬁnance ǅemal İstanbul",
    "word " * 300 + "end",
]


# Whoosh's analyser with the stop words keeping their places (renumber=False)
_KEEP_PLACES = RegexTokenizer(TOKEN_PATTERN) | FoldFilter() | StopFilter(renumber=False)
_KEEP_PLACES |= StemFilter()


def analysed(ours: fields.FieldType, text: str) -> list:
    """What Whoosh's own TEXT.index gives for text with the schema's analyser (the terms,
    frequencies, weights), with each position moved on SENTENCE_GAP per sentence break
    before it: the postings StemmedText must write."""
    plain = fields.TEXT(analyzer=_KEEP_PLACES, field_boost=ours.format.field_boost)
    breaks = [m.start() for m in SENTENCE_BREAK.finditer(text)]
    poses: dict[str, list[int]] = {}
    for t in _KEEP_PLACES(text, positions=True, chars=True):
        gaps = sum(1 for b in breaks if b < t.startchar)
        poses.setdefault(t.text, []).append(t.pos + gaps * SENTENCE_GAP)
    expected = {w: (n, wt) for w, n, wt, _v in plain.index(text)}
    out = []
    for word, found in poses.items():
        n, weight = expected[word.encode()]
        assert n == len(found)
        out.append((word.encode(), n, weight, ours.format.encode(found)))
    assert len(out) == len(expected)
    return sorted(out)


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("field", ["title", "body"])
def test_stemmed_text_indexes_like_the_analyser(text: str, field: str) -> None:
    ours = make_schema()[field]
    assert isinstance(ours, StemmedText)
    assert sorted(ours.index(text)) == analysed(ours, text)


_PIECES = ["the", "a", "I", "of", "Cat", "cats", "naïve", "e\u0301t\u00e9", "U.S.", "3.5", "x"]
_PIECES += ["ΣΟΦΟΣ", "straße", "running", " ", "  ", ", ", ".", "\n\n", "-", "'"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES)).map("".join))
def test_stemmed_text_property(text: str) -> None:
    ours = make_schema()["body"]
    assert sorted(ours.index(text)) == analysed(ours, text)


def test_stemmed_text_bodies_of_the_bench_corpus() -> None:
    """Real sentences (the BBC corpus the benchmarks use, when present; else the fixtures)."""
    corpus = Path("/work/shared/corpora/bbc")
    files = sorted(corpus.glob("*/*.txt"))[:150] or sorted(FIXTURES.rglob("*.*"))
    assert files
    ours = make_schema()["body"]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert sorted(ours.index(text)) == analysed(ours, text), path


def test_primed_stems_are_the_analysers(tmp_path: Path) -> None:
    """Priming fills the same cache the indexer reads: a primed word gives the analyser's term."""
    from tuireader.search import whoosh_schema

    raw = ["governments", "the", "a", "Café", "running", "U.S", "Zürich", "ß", "x\u0303y", "ΟΔΟΣ"]
    words = [whoosh_schema.fold_word(w) for w in raw]  # the vocabulary holds folded words
    whoosh_schema._index_terms.clear()
    whoosh_schema.prime_index_terms(words)
    for word in words:
        assert word in whoosh_schema._index_terms
        expected = [t.text for t in whoosh_schema._stemmed(word)]
        assert whoosh_schema.stem_folded(word) == (expected[0] if expected else None)


def test_sort_columns_sort_without_index_terms(tmp_path: Path) -> None:
    """date_sort, title_key and author_sort are sort columns only: sorting still works and
    they add no terms to the index."""
    rng = random.Random(5)
    root = tmp_path / "lib"
    root.mkdir()
    authors = ["Dana Okafor", "lu wen", "Émile Zola", None]
    for i in range(40):
        lines = [f"Title {rng.randrange(10**6):06d} {i}", ""]
        author = authors[i % 4]
        if author:
            lines += [f"By {author}", ""]
        lines.append("A common word for every article here.")
        if i % 3:
            lines += ["", f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}"]
        (root / f"a{i}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    entries = {e.title: e for e in svc.entries()}

    def order(sort: str) -> list[str]:
        return [h.title for h in svc.search("common", sort=sort, limit=None).hits]

    by_title = order("title")
    assert len(by_title) == 40 and by_title == sorted(by_title, key=str.casefold)
    by_date = order("date")
    dated = [t for t in by_date if entries[t].date is not None]
    assert len(dated) == 26 and by_date[:26] == dated  # undated last
    assert dated == sorted(dated, key=lambda t: entries[t].date, reverse=True)
    by_author = [entries[t].author for t in order("author")]
    named = [a for a in by_author if a]
    assert by_author[: len(named)] == named and named == sorted(named, key=str.casefold)
    reader = svc.store.searcher().reader()
    indexed = {field for field, _term in reader.all_terms()}
    assert {"body", "title", "id"} <= indexed
    assert not indexed & {"date_sort", "title_key", "author_sort"}
    svc.close()


def index_postings(store) -> dict:
    """Every term's postings by article id (doc numbers differ between segmentations),
    with weights and positions, and each article's field lengths."""
    with store.open().searcher() as searcher:
        reader = searcher.reader()
        out: dict = {}
        for field, text in reader.all_terms():
            matcher = reader.postings(field, text)
            found = []
            while matcher.is_active():
                doc = matcher.id()
                found.append((reader.stored_fields(doc)["id"], matcher.weight(), matcher.value()))
                matcher.next()
            out[field, text] = sorted(found)
        for doc in reader.all_doc_ids():
            key = reader.stored_fields(doc)["id"]
            out[key] = [reader.doc_field_length(doc, f) for f in ("title", "body", "author")]
        return out


def test_worker_written_segments_hold_the_single_process_postings(tmp_path: Path) -> None:
    """Batches of new articles are indexed by spawned workers, each writing a segment from
    the catalog: the index holds exactly the postings one process writes."""
    root = tmp_path / "lib"
    make_library(root, 700)  # batches of 500 and 200: both go to the workers
    fast = SearchService(root, tmp_path / "fast")
    slow = SearchService(root, tmp_path / "slow")
    assert fast.refresh(processes=2).indexed == slow.refresh(processes=1).indexed == 700
    with fast.store.open().reader() as reader:
        assert len(reader.leaf_readers()) == 4  # two batches, two workers
    with slow.store.open().reader() as reader:
        assert len(reader.leaf_readers()) == 2
    assert index_postings(fast.store) == index_postings(slow.store)
    fast.close()
    slow.close()


def test_merged_segments_hold_the_same_postings(tmp_path: Path) -> None:
    """Past MAX_SEGMENTS commits the tiered policy merges the smallest segments (through
    the cached field lengths and the leaner posting pool): the merged index holds exactly
    the postings of an index written in one commit."""
    from tuireader.search.catalog import to_article
    from tuireader.search.whoosh_store import MAX_SEGMENTS, WhooshStore

    root = tmp_path / "lib"
    make_library(root, 200)
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1, index=False)
    ids = [e.id for e in svc.entries()]
    entries, texts = svc.catalog.entries_by_id(ids), svc.catalog.bodies(ids)
    articles = [to_article(entries[i], texts[i]) for i in ids]
    merged, single = WhooshStore(tmp_path / "merged"), WhooshStore(tmp_path / "single")
    for start in range(0, 200, 10):  # 20 commits
        merged.write(add=articles[start : start + 10])
    single.write(add=articles)

    def postings(store: WhooshStore) -> dict:
        with store.open().searcher() as searcher:
            reader = searcher.reader()
            out = {}
            for field, text in reader.all_terms():
                matcher = reader.postings(field, text)
                found = []
                while matcher.is_active():
                    found.append((reader.stored_fields(matcher.id())["id"], matcher.weight()))
                    matcher.next()
                info = reader.term_info(field, text)  # block stats: from the field lengths
                out[field, text] = (sorted(found), info.min_length(), info.max_length())
            return out

    with merged.open().reader() as reader:
        segments = len(reader.leaf_readers())
    assert 1 < segments <= MAX_SEGMENTS  # merges happened
    assert postings(merged) == postings(single)
    assert merged.doc_count() == single.doc_count() == 200
    svc.close()
