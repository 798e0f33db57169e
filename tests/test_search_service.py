"""SearchService: freshness, the query language, ranking, snippets and offsets, suggestions."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.library import ArticleNotFound, Library
from tuireader.search import Filters, SearchService

WORDS = [
    "harbour",
    "council",
    "winter",
    "service",
    "bridge",
    "engineer",
    "island",
    "market",
    "bread",
    "flour",
    "oven",
    "garden",
    "river",
    "valley",
    "railway",
    "station",
    "museum",
    "painting",
    "concert",
    "theatre",
    "forest",
    "mountain",
    "weather",
    "election",
    "budget",
    "school",
    "teacher",
    "hospital",
    "doctor",
    "factory",
    "worker",
    "harvest",
    "orchard",
    "village",
]


def make_library(root: Path, n: int, seed: int = 7) -> Path:
    """n small text articles with a title line, a byline and random sentences."""
    rng = random.Random(seed)
    for i in range(n):
        folder = root / f"d{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(3)) + f" {i}"
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(4)
        ]
        (folder / f"a{i:05d}.txt").write_text(
            f"{title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
    return root


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FERRY = (
    "Harbour Town Keeps Its Night Ferry\n\nBy Ilse Marnersdottir\n\n"
    "The council voted to keep the night ferry running through the winter.\n\n"
    "Hospital staff said the last boat was their only way home from the café.\n"
)
TRAM = (
    "Valley Tramway Returns\n\nThe first tram in forty years left the depot, "
    "carrying schoolchildren and a brass band. The ferry company complained.\n"
)
BREAD = (
    "---\ntitle: Sourdough log\nauthor: Mira Sol\ndate: 2023-05-02\ntags: [cooking, bread]\n---\n"
    "A week of feeding the starter. Fermentation was slow in the cold kitchen.\n"
)
ENGINES = (
    "---\ntitle: How a search engine ranks\nauthor: Lu Wen\ndate: 2022-11-20\ntags: [search]\n"
    "---\nA search engine splits text into tokens and keeps an inverted index.\n"
)


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "news/ferry.txt", FERRY)
    write(root, "news/tram.txt", TRAM)
    write(root, "notes/sourdough.md", BREAD)
    write(root, "notes/engines.md", ENGINES)
    return root


@pytest.fixture()
def svc(lib: Path, tmp_path: Path) -> SearchService:
    service = SearchService(lib, tmp_path / "cache")
    service.refresh(processes=1)
    return service


def titles(svc: SearchService, query: str, **kw) -> list[str]:
    results = svc.search(query, **kw)
    assert results.error is None, results.error
    return [h.title for h in results.hits]


# -- freshness -------------------------------------------------------------------------


def test_first_refresh_adds_everything_and_second_is_a_no_op(lib: Path, tmp_path: Path) -> None:
    svc = SearchService(lib, tmp_path / "cache")
    assert svc.stale()
    first = svc.refresh(processes=1)
    assert (first.added, first.updated, first.removed, first.indexed) == (4, 0, 0, 4)
    assert not svc.stale()
    again = svc.refresh(processes=1)
    assert not again.changed and again.line().startswith("added 0, updated 0, removed 0")
    assert len(svc.entries()) == 4


def test_add_edit_delete_are_seen(lib: Path, svc: SearchService) -> None:
    write(lib, "news/new.txt", "Lighthouse Reopens\n\nThe lighthouse keeper returned.\n")
    ferry = lib / "news/ferry.txt"
    ferry.write_text(FERRY.replace("night ferry", "night hovercraft"), encoding="utf-8")
    os.utime(ferry, ns=(1, 1_000_000_000))  # a different mtime even on coarse clocks
    (lib / "news/tram.txt").unlink()
    assert svc.stale()
    summary = svc.refresh(processes=1)
    assert (summary.added, summary.updated, summary.removed) == (1, 1, 0 + 1)
    assert titles(svc, "lighthouse") == ["Lighthouse Reopens"]
    assert titles(svc, "hovercraft") == ["Harbour Town Keeps Its Night Ferry"]
    assert titles(svc, "tramway") == []
    assert {e.path for e in svc.entries()} == {
        "news/ferry.txt",
        "news/new.txt",
        "notes/sourdough.md",
        "notes/engines.md",
    }


def test_a_move_keeps_the_article_and_reports_old_and_new_id(lib: Path, svc: SearchService) -> None:
    old = svc.entry("news/tram.txt")
    assert old is not None
    (lib / "archive").mkdir()
    (lib / "news/tram.txt").rename(lib / "archive/tram.txt")
    summary = svc.refresh(processes=1)
    new = svc.entry("archive/tram.txt")
    assert new is not None and new.fingerprint == old.fingerprint
    assert summary.moved == [(old.id, new.id)]
    assert (summary.added, summary.removed) == (0, 0)
    assert [h.path for h in svc.search("tramway").hits] == ["archive/tram.txt"]


def test_skipped_files_are_reported_with_a_reason(lib: Path, svc: SearchService) -> None:
    (lib / "empty.txt").write_bytes(b"")
    summary = svc.refresh(processes=1)
    assert [p for p, _r in summary.skipped] == ["empty.txt"]
    assert summary.skipped[0][1]
    assert not svc.stale()  # an unchanged skipped file is not parsed again


def test_rebuild_starts_over(svc: SearchService) -> None:
    summary = svc.refresh(rebuild=True, processes=1)
    assert summary.rebuilt and summary.added == 4 and summary.indexed == 4
    assert titles(svc, "ferry")[0] == "Harbour Town Keeps Its Night Ferry"


def test_catalog_only_refresh_lists_before_indexing(lib: Path, tmp_path: Path) -> None:
    svc = SearchService(lib, tmp_path / "cache")
    svc.refresh(index=False, processes=1)
    assert len(svc.entries()) == 4 and svc.stale()
    assert svc.search("ferry").total == 0
    svc.refresh(processes=1)
    assert svc.search("ferry").total == 2


def test_library_interface_is_catalog_backed(lib: Path) -> None:
    library = Library(lib)
    assert {a.path for a in library.articles()} == {
        "news/ferry.txt",
        "news/tram.txt",
        "notes/sourdough.md",
        "notes/engines.md",
    }
    ferry = library.get("news/ferry.txt")
    assert library.get(ferry.id).body == ferry.body
    assert library.get(ferry.id[:6]).path == "news/ferry.txt"
    with pytest.raises(ArticleNotFound):
        library.get("nope")


# -- the query language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ferry", {"Harbour Town Keeps Its Night Ferry", "Valley Tramway Returns"}),
        ("ferries", {"Harbour Town Keeps Its Night Ferry", "Valley Tramway Returns"}),  # stem
        ("cafe", {"Harbour Town Keeps Its Night Ferry"}),  # accent folding
        ('"night ferry"', {"Harbour Town Keeps Its Night Ferry"}),
        ('"ferry night"', set()),
        ("ferry AND tram", {"Valley Tramway Returns"}),
        ("tram OR sourdough", {"Valley Tramway Returns", "Sourdough log"}),
        ("ferry NOT tram", {"Harbour Town Keeps Its Night Ferry"}),
        ("ferry -tram", {"Harbour Town Keeps Its Night Ferry"}),
        ("title:ferry", {"Harbour Town Keeps Its Night Ferry"}),
        ("author:sol", {"Sourdough log"}),
        ("tag:cooking", {"Sourdough log"}),
        ("format:markdown", {"Sourdough log", "How a search engine ranks"}),
        ("date:2023", {"Sourdough log"}),
        ("date:2023-05", {"Sourdough log"}),
        ("date:2023-04", set()),
        ("date:[2022-01-01 to 2022-12-31]", {"How a search engine ranks"}),
        ("date:>2022", {"Sourdough log"}),
        ("date:>=2022-11", {"Sourdough log", "How a search engine ranks"}),
        ("date:<2023", {"How a search engine ranks"}),
        ("date:<=2023-05", {"Sourdough log", "How a search engine ranks"}),
        ("date:>2023-05-02", set()),
        ("date:>=2023-05-02", {"Sourdough log"}),
        ("sourdough date:2022", set()),  # a date beside words is a condition, not an OR
        ("search date:<2023", {"How a search engine ranks"}),
        ("sourdough -tram date:>=2023", {"Sourdough log"}),
        ("search date:2021 OR date:2022", {"How a search engine ranks"}),
        ("ferm*", {"Sourdough log"}),
        ("tram*", {"Valley Tramway Returns"}),
        ("sourdogh~", {"Sourdough log"}),
        ("fermentaton~2", {"Sourdough log"}),
    ],
)
def test_query_forms(svc: SearchService, query: str, expected: set[str]) -> None:
    assert set(titles(svc, query)) == expected


def test_all_words_rank_above_some_words(svc: SearchService) -> None:
    ranked = titles(svc, "ferry tram")
    assert ranked[0] == "Valley Tramway Returns"  # has both words
    assert "Harbour Town Keeps Its Night Ferry" in ranked


def test_a_title_query_finds_its_article_first(lib: Path, tmp_path: Path) -> None:
    make_library(lib / "gen", 150)
    svc = SearchService(lib, tmp_path / "cache2")
    svc.refresh(processes=1)
    assert titles(svc, "harbour town keeps night ferry")[0] == "Harbour Town Keeps Its Night Ferry"
    entry = next(e for e in svc.entries() if e.path.endswith("a00042.txt"))
    assert titles(svc, entry.title)[0] == entry.title


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("", "empty"),
        ("((", "nothing to search"),
        ("date:xyz", "date"),
        ("date:[2023-13-45 to 2023-99-99]", "cannot read the date '[2023-13-45 to 2023-99-99]'"),
        ("x" * 2000, "too long"),
        ("date:>2023-13", "cannot read the date '>2023-13'"),
        ('date:"next week"', 'date:"last week"'),  # the help names the forms it reads
    ],
)
def test_unusable_queries_give_a_message(svc: SearchService, query: str, fragment: str) -> None:
    if not query:
        assert svc.search(query).total == 4  # an empty query lists the catalog
        return
    results = svc.search(query)
    assert results.error and fragment in results.error and results.hits == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60) | st.text(alphabet='ab "():*~-[]^+AND OR NOT date:tag:', max_size=40))
def test_any_string_gives_results_or_a_message(svc: SearchService, query: str) -> None:
    results = svc.search(query, limit=5)
    assert results.error is None or results.error.strip()
    assert results.total >= len(results.hits)
    for hit in results.hits:
        body = svc.cached_article(svc.entry(hit.id)).body
        assert all(0 <= s < e <= len(body) for s, e in hit.matches)


# -- results: snippets, offsets, sorting, filters, suggestions --------------------------


def test_offsets_slice_the_body_to_the_matched_words(svc: SearchService) -> None:
    hit = svc.search("ferry").hits[0]
    article = svc.article(hit.id)
    assert hit.matches and hit.matches == sorted(hit.matches)
    assert [article.body[s:e].lower() for s, e in hit.matches] == ["ferry"] * len(hit.matches)
    assert hit.matches == svc.matches_in(article, "ferry")
    for (s, e), (ss, se) in zip(hit.matches, hit.snippet_matches, strict=False):
        assert hit.snippet[ss:se] == article.body[s:e]


def test_offsets_for_phrases_stems_accents_wildcards_and_fuzzy(svc: SearchService) -> None:
    ferry = svc.article("news/ferry.txt")
    body = ferry.body

    def marked(query: str) -> list[str]:
        return [body[s:e] for s, e in svc.matches_in(ferry, query)]

    assert marked('"night ferry"') == ["night ferry"]
    assert marked("running") == ["running"]
    assert marked("keeping") == ["keep"]  # same stem
    assert marked("cafe") == ["café"]
    assert marked("hosp*") == ["Hospital"]
    assert marked("hospitel~") == ["Hospital"]
    assert marked("ferry -night") == ["ferry"]
    assert marked("night NOT ferry") == ["night"]
    assert marked("((") == []


def test_snippet_marks_matches_and_stays_short(svc: SearchService) -> None:
    hit = svc.search("hospital").hits[0]
    assert len(hit.snippet) <= 230
    assert [hit.snippet[s:e] for s, e in hit.snippet_matches] == ["Hospital"]


def test_sorting_and_filters(svc: SearchService) -> None:
    everything = "ferry OR tram OR sourdough OR search"
    by_title = titles(svc, everything, sort="title")
    assert by_title == sorted(by_title, key=str.casefold)
    by_date = titles(svc, everything, sort="date")
    assert by_date[:2] == ["Sourdough log", "How a search engine ranks"]
    assert titles(svc, everything, filters=Filters(tag="bread")) == ["Sourdough log"]
    assert titles(svc, everything, filters=Filters(author="LU WEN")) == [
        "How a search engine ranks"
    ]
    assert set(titles(svc, everything, filters=Filters(format="text"))) == {
        "Harbour Town Keeps Its Night Ferry",
        "Valley Tramway Returns",
    }
    tram_id = svc.entry("news/tram.txt").id
    assert titles(svc, everything, filters=Filters(ids=frozenset({tram_id}))) == [
        "Valley Tramway Returns"
    ]
    assert titles(svc, everything, filters=Filters(ids=frozenset())) == []
    assert svc.search("x", sort="colour").error


def test_an_empty_query_with_filters_lists_the_catalog(svc: SearchService) -> None:
    results = svc.search("", filters=Filters(format="markdown"), sort="title")
    assert [h.title for h in results.hits] == ["How a search engine ranks", "Sourdough log"]
    assert all(h.score == 0 and h.snippet == "" for h in results.hits)
    assert svc.search("", limit=1).total == 4


def test_did_you_mean_uses_the_library_vocabulary(svc: SearchService) -> None:
    results = svc.search("hospitl")
    assert results.total == 0 and results.suggestion == "hospital"
    assert svc.search("ferry").suggestion is None
    assert svc.search("title:ferri tramwya").suggestion == "title:ferri tramway"
    assert svc.search("ferry hospitl").suggestion == "ferry hospital"  # 2 hits: still offered


def test_no_suggestion_when_the_query_already_finds_enough(lib: Path, svc: SearchService) -> None:
    write(lib, "news/ferry2.txt", "Ferry Fares Rise\n\nThe ferry costs more this winter.\n")
    svc.refresh(processes=1)
    results = svc.search("ferry hospitl")
    assert results.total == 3 and results.suggestion is None


def test_no_suggestion_rewrites_a_field_value(svc: SearchService) -> None:
    byline = svc.search('author:"Ilse Marnersdottir"')
    assert byline.total == 1 and byline.suggestion is None  # "Ilse" is not in the vocabulary
    assert svc.search("author:Ilse hospitl").suggestion == "author:Ilse hospital"
    assert svc.search("tag:breadd").suggestion is None


def test_article_by_ref(svc: SearchService, lib: Path) -> None:
    assert svc.article("news/ferry.txt").title == "Harbour Town Keeps Its Night Ferry"
    assert svc.article(str(lib / "news/ferry.txt")).path == "news/ferry.txt"
    with pytest.raises(ArticleNotFound):
        svc.article("missing.txt")


def test_a_large_id_filter_uses_the_id_map(svc: SearchService, monkeypatch) -> None:
    from tuireader.search import whoosh_query

    monkeypatch.setattr(whoosh_query, "ID_MAP_ABOVE", 1)
    ids = frozenset({svc.entry("news/tram.txt").id, svc.entry("news/ferry.txt").id, "nope"})
    assert set(titles(svc, "ferry", filters=Filters(ids=ids))) == {
        "Valley Tramway Returns",
        "Harbour Town Keeps Its Night Ferry",
    }
    assert titles(svc, "ferry", filters=Filters(ids=ids, format="markdown")) == []


def test_entries_are_cached_until_any_process_changes_the_catalog(
    lib: Path, svc: SearchService, tmp_path: Path
) -> None:
    first = svc.entries()
    assert svc.entries() == first
    other = SearchService(lib, tmp_path / "cache")  # another connection, as another process
    write(lib, "news/extra.txt", "Extra Edition\n\nA late edition of the paper.\n")
    other.refresh(processes=1)
    assert len(svc.entries()) == len(first) + 1
    (lib / "news/extra.txt").unlink()
    svc.refresh(processes=1)
    assert len(svc.entries()) == len(first)


def test_optimize_leaves_one_segment(lib: Path, svc: SearchService) -> None:
    write(lib, "news/late.txt", "Late Ferry News\n\nAnother ferry story arrived late.\n")
    svc.refresh(processes=1)
    assert not svc.store.searcher().reader().is_atomic()  # two segments
    assert svc.optimize()
    assert svc.store.searcher().reader().is_atomic()
    assert svc.search("ferry").total == 3


def test_a_bug_in_whoosh_internals_is_not_taken_for_damage(
    lib: Path, svc: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TypeError from inside Whoosh's writer (what a changed private attribute that we
    patch gives) surfaces as the bug it is; the index is not wiped and rebuilt."""
    from tuireader.search.whoosh_pool import FastSegmentWriter

    before = svc.store.doc_count()
    assert before == 4
    write(lib, "news/harbour.txt", "Harbour\n\nThe harbour wall was mended in spring.\n")

    def broken(self: object, **fields: object) -> None:
        raise TypeError("an internal changed shape")

    monkeypatch.setattr(FastSegmentWriter, "add_document", broken)
    with pytest.raises(TypeError, match="internal changed shape"):
        svc.refresh(processes=1)
    monkeypatch.undo()
    svc.store.close()
    assert svc.store.doc_count() == before  # nothing wiped
    assert "Ferry" in " ".join(titles(svc, "ferry"))


def test_relative_dates_count_back_from_today(lib: Path, tmp_path: Path) -> None:
    from datetime import date, timedelta

    recent = (date.today() - timedelta(days=3)).isoformat()
    write(lib, "notes/recent.md", f"---\ntitle: Recent note\ndate: {recent}\n---\nFresh text.\n")
    svc = SearchService(lib, tmp_path / "cache")
    svc.refresh(processes=1)
    assert set(titles(svc, "date:7d")) == {"Recent note"}
    assert set(titles(svc, 'date:"last week"')) == {"Recent note"}
    assert set(titles(svc, "date:2d")) == set()
    assert set(titles(svc, "date:yesterday")) == set()
    assert "Recent note" in titles(svc, "date:5y")
    assert set(titles(svc, "fresh date:1m")) == {"Recent note"}
    assert titles(svc, "ferry date:1m") == []


def test_rewrite_dates_forms() -> None:
    from datetime import date

    from tuireader.search.date_terms import UnknownDate, rewrite_dates

    today = date(2026, 12, 4)  # a Friday
    cases = {
        "date:>2024-01": "date:[2024-02-01 to]",
        "date:>=2024-01": "date:[2024-01-01 to]",
        "date:<2023": "date:[to 2022-12-31]",
        "date:<=2024-02": "date:[to 2024-02-29]",
        "date:>2024-12-31": "date:[2025-01-01 to]",
        "date:7d": "date:[2026-11-27 to]",
        "date:2w": "date:[2026-11-20 to]",
        "date:3m": "date:[2026-09-04 to]",
        "date:1y": "date:[2025-12-04 to]",
        "date:today": "date:[2026-12-04 to 2026-12-04]",
        "date:yesterday": "date:[2026-12-03 to 2026-12-03]",
        'date:"last week"': "date:[2026-11-27 to 2026-12-04]",
        "date:'this week'": "date:[2026-11-30 to 2026-12-04]",
        'date:"this month"': "date:[2026-12-01 to 2026-12-04]",
        'date:"last year"': "date:[2025-12-04 to 2026-12-04]",
        "ferry date:2023": "ferry date:2023",  # absolute forms are the parser's
        "date:>2023-13": "date:>2023-13",
    }
    for written, expected in cases.items():
        assert rewrite_dates(written, today) == expected, written
    with pytest.raises(UnknownDate):
        rewrite_dates('date:"next week"', today)
