"""Match offsets: the fast (prefiltered) path agrees with the full tokenisation; snippets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.search.highlight import MatchPlan, find_matches, snippet
from tuireader.search.whoosh_query import match_plan, parse

VOCAB = ["night", "ferry", "ferries", "Running", "run", "the", "U.S.", "e.g.", "gov", "go"]
VOCAB += ["café", "Éclair", "eclairs", "ÆSIR", "£5", "naïve", "İstanbul", "straße", "x.é"]
QUERIES = ["ferry", '"night ferry"', "run*", "fer?y", "go", "night -ferry", "u.s", "the ferry"]
QUERIES += ["cafe", "eclair", "ecl*", "naive", "strasse", "istanbul", "æsir", '"cafe eclair"']


def full_path(plan: MatchPlan) -> MatchPlan:
    forced = MatchPlan(plan.stems, plan.folded, plan.prefixes, plan.wildcards, plan.phrases)
    forced._prefilter.append(None)
    return forced


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([*VOCAB, " ", ", ", ".", "\n\n", "x"]), max_size=40),
    st.sampled_from(QUERIES),
)
def test_prefiltered_offsets_equal_full_tokenisation(pieces: list[str], query: str) -> None:
    body = " ".join(pieces)
    plan = match_plan(parse(query))
    assert find_matches(body, plan) == find_matches(body, full_path(plan))


def test_snippet_offsets_point_at_the_matches() -> None:
    body = (
        ("filler words here. " * 30)
        + "The night ferry left.\n\nAnother ferry came."
        + (" more text" * 30)
    )
    matches = find_matches(body, match_plan(parse("ferry")))
    text, inside = snippet(body, matches)
    assert text.startswith("…") and text.endswith("…") and len(text) <= 230
    assert [text[s:e] for s, e in inside] == ["ferry", "ferry"]
    assert "\n" not in text


def test_snippet_without_matches_starts_at_the_top() -> None:
    assert snippet("Short body.", []) == ("Short body.", [])
