"""HTML extractor regressions: bylines/datelines left in the body, unsplit keyword tags,
pages nested deeper than libxml2 builds."""

from __future__ import annotations

import pytest

from conftest import LIBRARY
from tuireader.articles.errors import SkipFile
from tuireader.articles.html import parse_html
from tuireader.articles.html_meta import TrafilaturaMeta, _choose_tags
from tuireader.articles.html_signals import PageSignals
from tuireader.articles.registry import parse_bytes

GRENNOCK = LIBRARY / "economy" / "grennock-tool-library.html"

STORY = """<html><head><title>Quiet streets | Daily Courier</title>
<meta name="keywords" content="streets, traffic, Lowmere">
</head><body><nav><a href="/">Home</a></nav>
<article class="post">
<h1>Quiet streets</h1>
<div class="post-meta"><span class="byline">By Ana Ruiz</span>
<span class="dateline">Posted on 4 May 2023</span></div>
<p itemprop="datePublished">Updated 5 May 2023, 9.00am</p>
<p>The council closed three streets to through traffic last spring, and the shops that
feared the worst have had their busiest year. Footfall on Lowmere Road rose by a fifth.</p>
<p>Residents asked for the scheme to be made permanent, and the council agreed on Tuesday
after a consultation that drew more than two thousand replies.</p>
<address>Ana Ruiz, transport reporter</address>
<p>The article's author adds that bus routes are unchanged, and the author of the scheme
agrees that the next step is a crossing near the school.</p>
</article></body></html>"""


def _paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


def test_grennock_body_has_no_byline_or_published_line() -> None:
    article = parse_bytes("economy/grennock-tool-library.html", GRENNOCK.read_bytes())
    paragraphs = _paragraphs(article.body)
    assert not any(p.startswith("Published") for p in paragraphs)
    assert "Dev Castellano, Business editor" not in paragraphs
    # the headline is the title, not reading text: the body starts with the article
    assert paragraphs[0].startswith("Behind a green door on Fenner Street")
    # the metadata itself is still found, from the page's signals
    assert article.author == "Dev Castellano"
    assert article.date is not None and article.date.isoformat() == "2021-12-03T07:30:00+00:00"


def test_bylines_and_datelines_leave_the_body_but_prose_stays() -> None:
    fields = parse_html(STORY)
    body = fields.body
    for meta in ("By Ana Ruiz", "Posted on", "Updated 5 May", "transport reporter"):
        assert meta not in body, meta
    assert "busiest year" in body and "two thousand replies" in body
    # a paragraph that merely mentions the author is reading text, not a byline
    assert "The article's author adds that bus routes are unchanged" in body
    assert fields.author == "Ana Ruiz"


def test_byline_classes_on_a_whole_article_do_not_remove_it() -> None:
    long_text = "<p>" + "A sentence of the article that goes on. " * 20 + "</p>"
    page = f'<html><body><div class="author-page">{long_text * 3}</div></body></html>'
    assert "A sentence of the article" in parse_html(page).body


def test_keyword_tags_are_split_once_not_repeated_whole() -> None:
    fields = parse_html(STORY)
    assert fields.tags == ("streets", "traffic", "Lowmere")
    tarn = parse_bytes(
        "science/tarn-elsby-sediment.html",
        (LIBRARY / "science" / "tarn-elsby-sediment.html").read_bytes(),
    )
    assert tarn.tags == ("sediment", "lakes", "floods", "Tarn Elsby")
    assert not any("," in tag for tag in tarn.tags)


def test_choose_tags_splits_extractor_keyword_strings() -> None:
    signals = PageSignals({}, {}, _empty_jsonld(), "", "", [], [], [])
    guess = TrafilaturaMeta(tags=("alpha, beta", "Beta", "gamma"))
    assert _choose_tags(signals, guess) == ("alpha", "beta", "gamma")


def _empty_jsonld():
    from tuireader.articles.html_signals import JsonLdArticle

    return JsonLdArticle()


@pytest.mark.parametrize("tag", ["<div>", '<div class="author">'])
@pytest.mark.parametrize("depth", [300, 2000])
def test_deep_pages_keep_their_text(depth: int, tag: str) -> None:
    """Deep subtrees are flattened to text (before: libxml2 dropped everything below 255
    levels, and byline checks on nested "author" elements were quadratic)."""
    page = "<html><body>" + tag * depth + "<p>deep words only</p>" + "</div>" * depth
    article = parse_bytes("deep.html", (page + "</body></html>").encode())
    assert "deep words only" in article.body


def test_page_deeper_than_libxml2_builds_is_skipped_with_a_reason() -> None:
    page = "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000
    with pytest.raises(SkipFile, match="no article text"):
        parse_bytes("deep.html", (page + "</body></html>").encode())


def test_deep_page_with_shallow_text_still_parses() -> None:
    intro = "<p>" + "Shallow text that comes before the deep part of the page. " * 5 + "</p>"
    page = "<html><body>" + intro + "<div>" * 100_000 + "x" + "</div>" * 100_000
    assert "Shallow text" in parse_bytes("deep.html", (page + "</body></html>").encode()).body


def test_text_node_over_ten_megabytes_is_kept() -> None:
    """libxml2 drops a text node over 10 MB unless huge_tree is on (the page was skipped
    as "no article text found" although it is under the 20 MB cap)."""
    line = "harbour ferry tram " * 600_000  # 11.4 MB in one paragraph
    article = parse_bytes("long.html", f"<html><body><p>{line}</p></body></html>".encode())
    assert article.words == 1_800_000


def test_page_with_very_many_elements_uses_the_one_pass_walk() -> None:
    """50,000 unclosed <p><b><i> (150,000 elements): the text is read without the
    extractors' several passes per element (which grow to minutes for a 20 MB page)."""
    page = "<html><head><title>Many</title></head><body>" + "<p><b><i>word " * 50_000
    fields = parse_html(page)
    assert fields.body.count("word") == 50_000
    assert fields.title == "Many"
