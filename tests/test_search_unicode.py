"""Search with combining marks: a query typed in NFD (e + COMBINING ACUTE, as macOS input
methods and copy-paste often give) finds the NFC text the parsers store, every query form
agrees, offsets mark the right characters, did-you-mean leaves correct words alone, and a
letter whose combining sequence has no precomposed form stays inside its word."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tuireader.search import SearchService
from tuireader.search.catalog import Catalog
from tuireader.search.highlight import MatchPlan, find_matches
from tuireader.search.whoosh_schema import MARKS, TOKEN_RE, body_tokens, fold_word, make_schema
from tuireader.search.whoosh_store import FORMAT_FILE


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


CAFE_TITLE = "Café Society in München"
CAFE = (
    f"{CAFE_TITLE}\n\nThe old café near the gate reopened. Señora Núñez served crème brûlée "
    "to naïve visitors from Zürich.\n"
)
# x̃ and g̃ have no precomposed form: they stay two code points after NFC
NASAL_TITLE = "Notes on Nasal Letters"
NASAL = (
    f"{NASAL_TITLE}\n\nThe words kax\u0303apa and mbog\u0303ua keep their tilde. "
    "Hindi is written हिन्दी in Devanagari.\n"
)
# the whole file in NFD: the parser must store NFC, so NFC queries find it
ROAD_TITLE = "Straße nach Göttingen"
ROAD = nfd(f"{ROAD_TITLE}\n\nThe road to Göttingen passes the Schöne Aussicht café.\n")
FERRY = "Harbour Ferry\n\nThe night ferry runs all winter.\n"


@pytest.fixture()
def svc(tmp_path: Path) -> SearchService:
    root = tmp_path / "lib"
    write(root, "cafe.txt", CAFE)
    write(root, "nasal.txt", NASAL)
    write(root, "road.txt", ROAD)
    write(root, "ferry.txt", FERRY)
    service = SearchService(root, tmp_path / "cache")
    service.refresh(processes=1)
    return service


def titles(svc: SearchService, query: str) -> set[str]:
    results = svc.search(query)
    assert results.error is None, results.error
    return {h.title for h in results.hits}


def marked(svc: SearchService, path: str, query: str) -> list[str]:
    """The body text at each match offset of query in the article at path."""
    article = svc.cached_article(svc.entry(path))
    return [article.body[s:e] for s, e in svc.matches_in(article, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (nfd("café"), {CAFE_TITLE, "Straße nach Göttingen"}),
        (nfd("München"), {CAFE_TITLE}),
        (nfd("Zürich"), {CAFE_TITLE}),
        (nfd('"crème brûlée"'), {CAFE_TITLE}),
        (nfd('"old café near"'), {CAFE_TITLE}),
        (nfd("title:München"), {CAFE_TITLE}),
        (nfd("title:café"), {CAFE_TITLE}),
        (nfd("Zür*"), {CAFE_TITLE}),
        (nfd("Núñ?z"), {CAFE_TITLE}),
        (nfd("brûl*"), {CAFE_TITLE}),
        (nfd("Zürihc~"), {CAFE_TITLE}),
        (nfd("Münchan~"), {CAFE_TITLE}),
        (nfd("naïve -ferry"), {CAFE_TITLE}),
        # the other way round: an NFD file, NFC queries
        ("Göttingen", {ROAD_TITLE}),
        ("title:Göttingen", {ROAD_TITLE}),
        ('"schöne aussicht"', {ROAD_TITLE}),
        ("Göt*", {ROAD_TITLE}),
    ],
)
def test_nfd_and_nfc_queries_find_the_same_articles(
    svc: SearchService, query: str, expected: set[str]
) -> None:
    assert titles(svc, query) == expected
    assert titles(svc, unicodedata.normalize("NFC", query)) == expected


def test_the_nfd_file_is_stored_in_nfc(svc: SearchService) -> None:
    article = svc.cached_article(svc.entry("road.txt"))
    assert article.title == ROAD_TITLE
    assert unicodedata.is_normalized("NFC", article.body)


@pytest.mark.parametrize(
    ("path", "query", "words"),
    [
        ("cafe.txt", nfd("naïve"), ["naïve"]),  # (München is in the title only)
        ("cafe.txt", nfd("café"), ["café"]),
        ("cafe.txt", nfd('"crème brûlée"'), ["crème brûlée"]),
        ("cafe.txt", nfd("Núñ*"), ["Núñez"]),
        ("cafe.txt", nfd("Zürihc~"), ["Zürich"]),
        ("road.txt", "Göttingen", ["Göttingen"]),
        ("nasal.txt", "kax\u0303apa", ["kax\u0303apa"]),
        ("nasal.txt", "kaxapa", ["kax\u0303apa"]),
        ("nasal.txt", "mbog\u0303*", ["mbog\u0303ua"]),
        ("nasal.txt", "हिन्दी", ["हिन्दी"]),
    ],
)
def test_offsets_mark_the_whole_word_in_the_nfc_body(
    svc: SearchService, path: str, query: str, words: list[str]
) -> None:
    assert marked(svc, path, query) == words
    hit = next(h for h in svc.search(query).hits if h.path == path)
    assert [hit.snippet[s:e] for s, e in hit.snippet_matches] == words


@pytest.mark.parametrize("query", ["kax\u0303apa", "kaxapa", "mbog\u0303ua", "हिन्दी"])
def test_a_word_with_a_non_precomposable_mark_is_one_word(svc: SearchService, query: str) -> None:
    assert titles(svc, query) == {NASAL_TITLE}


@pytest.mark.parametrize("fragment", ["apa", "kax", "mbog"])
def test_a_combining_mark_does_not_split_a_word(svc: SearchService, fragment: str) -> None:
    assert titles(svc, fragment) == set()


@pytest.mark.parametrize(
    "query",
    [
        nfd("München"),
        nfd("Zürich Núñez"),
        nfd('"crème brûlée"'),
        nfd('"Señora Núñez"'),
        "kax\u0303apa",
        "mbog\u0303ua",
    ],
)
def test_did_you_mean_leaves_correct_nfd_words_alone(svc: SearchService, query: str) -> None:
    results = svc.search(query)
    assert 0 < results.total < 3  # few hits: a suggestion would have been looked for
    assert results.suggestion is None


def test_did_you_mean_still_corrects_a_misspelt_nfd_word(svc: SearchService) -> None:
    results = svc.search(nfd("Münchan"))
    assert results.total == 0 and results.suggestion == "munchen"
    # "brülee" folds to the known "brulee": only the misspelt word changes (output in NFC)
    assert svc.search(nfd('"crème brülee" Zürihc')).suggestion == '"crème brülee" zurich'


def test_an_index_of_the_old_format_is_rebuilt(svc: SearchService, tmp_path: Path) -> None:
    """The tokenisation changed: an index and vocabulary built before must not be used."""
    svc.close()
    catalog = Catalog(tmp_path / "cache" / "catalog.sqlite3")
    with catalog.transaction() as db:
        db.execute("UPDATE meta SET value='2' WHERE key='schema'")  # the previous version
        db.execute("DELETE FROM vocab WHERE word='kaxapa'")  # it had "kax" and "apa" instead
    catalog.close()
    (tmp_path / "cache" / "index" / FORMAT_FILE).unlink()  # older indexes had none
    again = SearchService(svc.library_root, tmp_path / "cache")
    assert again.stale()
    summary = again.refresh(processes=1)
    assert summary.rebuilt and summary.indexed == 4
    assert titles(again, "kaxapa") == {NASAL_TITLE}
    assert titles(again, "kaxepa~") == {NASAL_TITLE}  # the vocabulary was rebuilt too
    assert titles(again, "apa") == set()


def test_an_index_without_its_format_marker_is_rebuilt(svc: SearchService, tmp_path: Path) -> None:
    svc.close()
    (tmp_path / "cache" / "index" / FORMAT_FILE).write_text("1")  # another format
    again = SearchService(svc.library_root, tmp_path / "cache")
    assert "rebuilding" in (again.search("ferry").error or "")
    assert again.stale()
    assert again.refresh(processes=1).rebuilt
    assert titles(again, "ferry") == {"Harbour Ferry"}


# -- properties ------------------------------------------------------------------------

# Latin letters (some precomposed, some upper case), Greek with tonos, Cyrillic й and ё,
# Devanagari letters and vowel signs, and combining marks with or without a precomposed form
_LETTERS = "abcdeghnorsuxyzABEIÖØßéñüåøçάέήйёИहनदक"
_MARKS = "\u0300\u0301\u0302\u0303\u0308\u030a\u0327\u0331\u093f\u094d\u0940\u0941"
_WORD = st.builds(
    lambda head, rest: "q" + head + rest,  # "q...": never an English stop word
    st.text(alphabet=_LETTERS, min_size=1, max_size=3),
    st.text(alphabet=_LETTERS + _MARKS, max_size=6),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(_WORD, min_size=1, max_size=6), pick=st.integers(min_value=0))
def test_searching_any_word_in_nfd_finds_the_article(
    tmp_path_factory: pytest.TempPathFactory, words: list[str], pick: int
) -> None:
    root = tmp_path_factory.mktemp("prop")
    write(root / "lib", "a.txt", "Title line\n\n" + " ".join(words) + ".\n")
    service = SearchService(root / "lib", root / "cache")
    try:
        service.refresh(processes=1)
        word = words[pick % len(words)]
        for query in (nfd(word), unicodedata.normalize("NFC", word)):
            results = service.search(query)
            assert results.error is None and results.total == 1, (query, results.error)
            body = service.cached_article(service.entry("a.txt")).body
            marks = [body[s:e] for s, e in results.hits[0].matches]
            assert unicodedata.normalize("NFC", word) in marks
    finally:
        service.close()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LETTERS + _MARKS + " .,-'\n\u00a0", max_size=80))
def test_body_tokens_are_the_terms_the_index_stores(text: str) -> None:
    """Match offsets come from `body_tokens`: they must be exactly the index's tokens."""
    text = unicodedata.normalize("NFC", text)
    indexed = [t.text for t in make_schema()["body"].analyzer(text)]
    assert [stem for *_, stem in body_tokens(text) if stem is not None] == indexed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LETTERS + _MARKS, min_size=1, max_size=12))
def test_folding_ignores_the_normal_form(word: str) -> None:
    folded = fold_word(unicodedata.normalize("NFC", word))
    assert fold_word(nfd(word)) == folded
    assert fold_word(folded) == folded  # vocabulary words are folded again when expanded


def test_every_combining_mark_belongs_to_its_word() -> None:
    """`MARKS` against this Python's Unicode database: each mark continues a word, and
    nothing else that is not already a word character (punctuation, spaces) does."""
    marks = re.compile(f"[{MARKS}]")
    missing, extra = [], []
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        inside = bool(marks.match(char))
        if category.startswith("M") and not inside:
            missing.append(f"{code:X}")
        elif inside and not (category.startswith("M") or category == "Cn" or char.isalnum()):
            extra.append(f"{code:X}")
    assert (missing, extra) == ([], []), "regenerate whoosh_schema._MARK_SPANS"
    assert TOKEN_RE.findall("ax\u0303e q\u0301.b\u0301 \u0301c") == [
        "ax\u0303e",
        "q\u0301.b\u0301",
        "c",
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=_LETTERS + _MARKS + " .,-'\n", max_size=80),
    st.integers(min_value=0),
)
@example("xa\u0301bc bc", 1)  # "bc" after a mark is inside the word "xa\u0301bc"
@example("x\u0303.bc bc", 1)  # and after a mark and a dot
@example("\u0300AA", 0)  # a mark with no letter before it belongs to no word
def test_offsets_are_the_index_tokens_that_match(text: str, pick: int) -> None:
    """The prefiltered scan for matches marks exactly the tokens `body_tokens` says match."""
    text = unicodedata.normalize("NFC", text)
    tokens = body_tokens(text)
    stems = [stem for *_, stem in tokens if stem is not None]
    if not stems:
        return
    stem = stems[pick % len(stems)]
    plan = MatchPlan(stems=frozenset({stem}))
    if stem[:2].isascii() and stem[:2].isalnum():  # the prefiltered path is the one tested
        assert plan.prefilter() is not None
    expected = [(s, e) for s, e, folded, stem in tokens if plan.word_matches(folded, stem)]
    assert expected and find_matches(text, plan) == expected


def test_a_match_after_non_ascii_punctuation_starts_at_the_word() -> None:
    """The prefilter admits tokens starting with any non-ASCII character; one after a curly
    quote or a dash used to take the quote into its highlight."""
    body = "The night\u2014ferry runs. \u201cFerry\u201d they say."
    plan = MatchPlan(stems=frozenset({"ferri"}))
    assert [body[s:e] for s, e in find_matches(body, plan)] == ["ferry", "Ferry"]


def test_author_and_tag_filters_ignore_the_unicode_form(tmp_path: Path) -> None:
    """Metadata are stored in NFC like bodies, and filter values are read in NFC: one
    author spelt precomposed in one file and decomposed in another is one author."""
    from tuireader.search import Filters

    root = tmp_path / "lib"
    front = "---\ntitle: {t}\nauthor: {a}\ntags: [{g}]\n---\n\nThe ferry leaves at noon.\n"
    write(root, "a.md", front.format(t="One", a="Zoë Brontë", g="café"))
    write(root, "b.md", nfd(front.format(t="Two", a="Zoë Brontë", g="café")))
    service = SearchService(root, tmp_path / "cache")
    service.refresh(processes=1)
    entries = {e.title: e for e in service.entries()}
    assert entries["One"].author == entries["Two"].author == "Zoë Brontë"
    assert entries["Two"].tags == ("café",)
    for author, tag in (("Zoë Brontë", None), (nfd("Zoë Brontë"), None), (None, nfd("café"))):
        found = service.search("ferry", filters=Filters(author=author, tag=tag))
        assert sorted(h.title for h in found.hits) == ["One", "Two"], (author, tag)
        listed = service.search("", filters=Filters(author=author, tag=tag))  # no query
        assert sorted(h.title for h in listed.hits) == ["One", "Two"], (author, tag)
