"""Shapes of real saved pages that went wrong: escaped metadata, comment sections, long
author lists, page furniture, dates only in a path. Every page here is written for the test."""

from __future__ import annotations

from datetime import UTC, datetime

from tuireader.articles.html import parse_html
from tuireader.articles.markdown import parse_markdown
from tuireader.articles.registry import parse_bytes

_PARAS = "".join(
    f"<p>The {n} crossing of the sound takes forty minutes when the wind is from the west, "
    f"and the crew counts passengers at both ends of the route every single day.</p>"
    for n in ("first", "second", "third", "fourth")
)


def _page(head: str = "", body: str = _PARAS, before: str = "", after: str = "") -> str:
    return (
        f"<html><head><title>Harbour notes</title>{head}</head><body>{before}"
        f"<article><h1>Harbour notes</h1>{body}</article>{after}</body></html>"
    )


def test_entities_in_every_metadata_value_are_decoded() -> None:
    head = (
        '<meta property="og:title" content="The B&amp;amp;B that can&amp;#39;t close">'
        '<meta name="author" content="Mike D&#39;Angelo">'
        '<meta name="description" content="Anastassiades&#039; ferry">'
        '<meta name="keywords" content="boats, &quot, B&amp;B">'
        '<meta property="og:site_name" content="Sound &amp; Shore">'
    )
    parsed = parse_html(_page(head))
    assert parsed.title == "The B&B that can't close"
    assert parsed.author == "Mike D'Angelo"
    assert parsed.summary == "Anastassiades' ferry"
    assert parsed.tags == ("boats", "B&B")  # the bare `&quot` is no tag
    assert parsed.site == "Sound & Shore"


def test_jsonld_values_are_decoded() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"Dock&#8217;s new crane", "author": {"name": "Ana&iuml;s Roe"}}</script>'
    )
    parsed = parse_html(_page(head))
    assert (parsed.title, parsed.author) == ("Dock’s new crane", "Anaïs Roe")


_COMMENTS = (
    '<div id="comments" class="comments-area"><h2>24 comments</h2><ol class="comment-list">'
    + "".join(
        f'<li class="comment"><div class="comment-author vcard"><b class="fn">Reader {i}</b>'
        f'</div><div class="comment-content"><p>I took that boat in {1990 + i} and the '
        f"coffee on board was cold every time, comment number {i}.</p></div></li>"
        for i in range(24)
    )
    + "</ol></div>"
)


def test_a_commenter_is_never_the_author_and_comments_are_not_the_body() -> None:
    parsed = parse_html(_page(after=_COMMENTS))
    assert parsed.author is None
    assert "coffee on board" not in parsed.body
    assert "fourth crossing" in parsed.body


def test_sf_comment_author_is_not_the_byline() -> None:
    after = (
        '<section class="sf_comments"><div class="sf_comment_author">Pat Commenter</div>'
        "<p>Nice piece about the harbour and its ferries and all the people.</p></section>"
    )
    parsed = parse_html(_page(after=after))
    assert parsed.author != "Pat Commenter"
    assert "Pat Commenter" not in parsed.body and "Nice piece" not in parsed.body


def test_a_long_author_list_is_kept() -> None:
    names = "Wang, T., Yang, Y., Okafor, D., Berg, K., Nilsen, P., Haber, R., Roe, J., Lind, A."
    parsed = parse_html(_page(f'<meta name="author" content="{names}">'))
    assert parsed.author == names


def test_a_sentence_is_still_no_author() -> None:
    long = "This page was written by the staff of the harbour office in the long cold winter"
    parsed = parse_html(_page(f'<meta name="author" content="{long}.">'))
    assert parsed.author != long + "."


def test_page_furniture_and_repeated_captions_go() -> None:
    caption = "The night ferry leaving the north pier at dusk in January."
    body = (
        "<ul><li>narrow-browser-and-phone</li><li>wide-browser-and-tablet-up</li></ul>"
        "<h3>STORY HIGHLIGHTS</h3>"
        + _PARAS
        + f"<figure><img src='a.jpg' alt='x'><figcaption>{caption}</figcaption></figure>"
        + f"<p>{caption}</p>"
        + "".join(f"<p>Question {i}: which pier is older?</p><p>Take Quiz</p>" for i in range(5))
        + "<p>Updated 1647 GMT (0047 HKT) February 1, 2016</p>"
    )
    parsed = parse_html(_page(body=body))
    assert "narrow-browser-and-phone" not in parsed.body
    assert "STORY HIGHLIGHTS" not in parsed.body
    assert "Take Quiz" not in parsed.body
    assert "Updated 1647 GMT" not in parsed.body
    assert parsed.body.count(caption) == 1
    assert parsed.body.count("which pier is older") == 5  # the questions stay
    assert "fourth crossing" in parsed.body


def test_paragraphs_repeated_on_purpose_stay() -> None:
    refrain = (
        "The tide comes in and the tide goes out, and the harbour master writes the hour in "
        "the big book by the door of the office, as his father did before him."
    )
    parsed = parse_html(_page(body=f"<p>{refrain}</p>{_PARAS}<p>{refrain}</p>"))
    assert parsed.body.count(refrain) == 2


def test_date_from_a_dated_canonical_url() -> None:
    head = '<link rel="canonical" href="https://news.example.org/2014/12/12/ferry-slug/">'
    assert parse_html(_page(head)).date == datetime(2014, 12, 12, tzinfo=UTC)


def test_date_from_a_dated_file_path() -> None:
    data = _page().encode()
    article = parse_bytes("blog/2014/12/12/ferry.html", data)
    assert article.date == datetime(2014, 12, 12, tzinfo=UTC)
    assert parse_bytes("blog/2014/13/40/ferry.html", data).date is None


def test_date_from_a_toml_front_matter_path() -> None:
    text = '+++\ntitle = "Ferry"\npath = "2014/12/12/ferry-slug"\n+++\n\nThe ferry ran.\n'
    assert parse_markdown(text).date == datetime(2014, 12, 12, tzinfo=UTC)


def test_a_date_in_an_encyclopaedia_page_text_is_not_its_date() -> None:
    body = (
        "<p>The harbour was founded on 28 February 1998 by the town council, which bought "
        "the land from the railway company.</p>" + _PARAS
    )
    page = (
        '<html><head><title>Harbour - Example Encyclopedia</title><meta name="generator" '
        'content="MediaWiki 1.40"></head><body><div id="content"><h1>Harbour</h1>'
        f'<div id="bodyContent">{body}<ul><li><span class="date">28 February 1998</span>'
        "</li></ul></div></div></body></html>"
    )
    assert parse_html(page).date is None
