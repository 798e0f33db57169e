"""The HTML parser: article text without page chrome, publisher metadata, hostile input."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tuireader.articles.errors import SkipFile
from tuireader.articles.html import parse_html
from tuireader.articles.html_meta import clean_author, clean_title_tag, strip_site
from tuireader.articles.model import Article
from tuireader.articles.registry import parse_bytes
from tuireader.text.inert import CONTROL_CHARS

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_news_page_body_has_article_not_chrome() -> None:
    fields = parse_html(fixture("news_page.html"))
    body = fields.body
    assert "The old ferry that once carried sheep across the estuary" in body
    assert "the three island villages that have never had a library" in body
    for chrome in ("Weatherdesk", "Subscribe now", "Zebracrossing", "marmalade", "Cookie settings"):
        assert chrome not in body
    paragraphs = body.split("\n\n")
    assert "Shelves that float" in paragraphs  # heading is its own paragraph
    assert "• Late returns are forgiven during storms." in paragraphs
    assert "\n\n\n" not in body and body == body.strip()


def test_news_page_metadata() -> None:
    fields = parse_html(fixture("news_page.html"))
    assert fields.title == "Harbour Town Opens Its Floating Library"  # site suffix cut
    assert fields.site == "The Pebble Gazette"
    assert fields.author == "Odile Wren"
    assert fields.url == "https://gazette.example/2024/05/floating-library"
    assert fields.date == datetime(2024, 5, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))


def test_metadata_from_jsonld_only() -> None:
    fields = parse_html(fixture("jsonld_only.html"))
    assert fields.title == "Night Trains Return to the Valley"
    assert fields.author == "Piet Aldana, Mei Tsosie"
    assert fields.date == datetime(2023, 11, 2, 18, 45, tzinfo=UTC)
    assert fields.url == "https://lantern.example/night-trains"
    assert fields.site == "Lantern Quarterly"
    assert fields.summary == "Sleeper carriages run again after twelve years."
    assert {"rail", "travel"} <= set(fields.tags)
    assert "six carriages of bunks" in fields.body


def test_metadata_from_opengraph_only() -> None:
    fields = parse_html(fixture("opengraph_only.html"))
    assert fields.title == "How to Mend a Wool Sock"
    assert fields.site == "Darning Weekly"
    assert fields.url == "https://darning.example/mend-a-sock"
    assert fields.summary == "A patient guide to darning."
    assert fields.author == "Ines Halloran"
    assert fields.date is not None
    assert fields.date.astimezone(UTC) == datetime(2022, 2, 20, 12, 15, tzinfo=UTC)
    assert fields.tags[:2] == ("wool", "repair")


def test_byline_only_as_visible_text() -> None:
    fields = parse_html(fixture("byline_visible.html"))
    assert fields.author == "Tomasz Ekwueme"
    assert fields.title == "Counting Owls in the Orchard"
    assert fields.date is None  # nothing on the page says when, so nothing is invented


def test_time_datetime_without_zone_is_utc() -> None:
    page = (
        "<html><head><title>Tide tables</title></head><body><article>"
        '<time datetime="2021-07-03 06:00">early</time>'
        "<p>The spring tide reaches the sea wall twice this week, at dawn on Saturday and again "
        "on Sunday evening, so the lower car park will be closed.</p></article></body></html>"
    )
    assert parse_html(page).date == datetime(2021, 7, 3, 6, 0, tzinfo=UTC)


def test_relative_canonical_is_not_a_url() -> None:
    page = (
        '<html><head><link rel="canonical" href="/only/a/path"><title>T</title></head>'
        "<body><p>Some words of text for the reader to read here today.</p></body></html>"
    )
    assert parse_html(page).url is None


def test_markup_and_escapes_stay_inert() -> None:
    raw = fixture("hostile_text.html").replace("hidden inside", "hidden \x1b[31mraw\x1b[0m inside")
    fields = parse_html(raw)
    assert "[bold red]x[/]" in fields.body  # literal text, not interpreted
    assert fields.title == "[bold red]Alarm[/] title"
    everything = fields.body + fields.title + (fields.author or "") + fields.summary
    assert "\x1b" not in everything and "\x07" not in everything
    assert not CONTROL_CHARS.search(everything)
    assert "ZXZpbA==" not in fields.body  # the OSC payload went with its sequence
    assert "raw" in fields.body and "text after it" in fields.body


BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ' <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    "<html><head><title>Laughs &lol9;</title></head><body><article>"
    "<p>A paragraph about laughter that is long enough to count as the article text. &lol9;</p>"
    "<p>Secret: &xxe; end.</p></article></body></html>"
)


def test_entity_bomb_is_not_expanded() -> None:
    start = time.perf_counter()
    fields = parse_html(BOMB)
    assert time.perf_counter() - start < 5
    assert "lollol" not in fields.body + fields.title
    assert "root:" not in fields.body  # the external entity was not fetched
    assert "ENTITY" not in fields.body and "]>" not in fields.body
    assert "long enough to count as the article text" in fields.body
    assert len(fields.body) < 1000


def test_entity_bomb_through_registry() -> None:
    article = parse_bytes("bomb.html", BOMB.encode())
    assert isinstance(article, Article)
    assert "lollol" not in article.body


def test_deep_nesting_parses_or_skips_promptly() -> None:
    page = "<html><body>" + "<div>" * 20_000 + "<p>deep words</p>" + "</div>" * 20_000
    page += "<p>A shallow paragraph after the deep part of the page, with enough words.</p>"
    page = (page + "</body></html>").encode()
    start = time.perf_counter()
    try:
        result = parse_bytes("deep.html", page)
    except SkipFile as skip:
        assert skip.reason
    else:
        assert isinstance(result, Article)
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize("page", ["", "   ", "<html></html>", "<html><body></body></html>"])
def test_empty_page(page: str) -> None:
    fields = parse_html(page, fallback_title="my page")
    assert fields.body == ""
    assert fields.title == "my page"
    with pytest.raises(SkipFile):
        parse_bytes("empty.html", page.encode() or b" ")


def test_tiny_page_keeps_its_text() -> None:
    fields = parse_html("<html><body><p>hello reader</p></body></html>", fallback_title="x")
    assert fields.body == "hello reader"
    assert fields.title == "x"


def test_title_helpers() -> None:
    assert strip_site("Night Trains | Lantern", "Lantern") == "Night Trains"
    assert strip_site("Lantern - Night Trains", "Lantern") == "Night Trains"
    assert strip_site("A - B", "") == "A - B"
    assert clean_title_tag("Why owls hoot at night - Orchard Notes", []) == "Why owls hoot at night"
    assert clean_title_tag("Owls: a note", []) == "Owls: a note"  # too little left to cut
    assert clean_title_tag("Orchard Notes: Why owls hoot at night", []) == "Why owls hoot at night"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Ann Lee", "Ann Lee"),
        ("by: Ann Lee", "Ann Lee"),
        ("Ann Lee (https://ann.example/)", "Ann Lee"),
        ("https://example.com/staff/ann", ""),
        ("@annlee", ""),
        ("word " * 30, ""),
        ("2024", ""),
    ],
)
def test_clean_author(raw: str, expected: str) -> None:
    assert clean_author(raw) == expected


def _article_page(lead: str, title: str = "Ferries Return to the Northern Sound") -> str:
    body = "".join(
        f"<p>Paragraph {i} of the piece about the ferries, long enough to count as text.</p>"
        for i in range(8)
    )
    return (
        f"<html><head><title>{title} | The Sound Herald</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article>{lead}{body}</article></body></html>"
    )


def test_kicker_and_repeated_title_are_not_reading_text() -> None:
    page = _article_page(
        "<p class='kicker'>Earth &amp; Life</p><h1>Ferries return to the northern sound</h1>"
        "<p class='dek'>The old routes reopen after a decade.</p>"
        "<p>Posted on April 21, 2015, at 11:29 a.m.</p>"
    )
    fields = parse_html(page)
    assert fields.title == "Ferries Return to the Northern Sound"
    paragraphs = fields.body.split("\n\n")
    assert paragraphs[0] == "The old routes reopen after a decade."
    assert paragraphs[1].startswith("Paragraph 0 of the piece")
    assert "Earth & Life" not in fields.body
    assert "Posted on" not in fields.body


def test_short_first_line_stays_when_the_title_is_not_repeated() -> None:
    fields = parse_html(_article_page("<p>Good morning</p>"))
    assert fields.body.split("\n\n")[0] == "Good morning"


def test_a_page_that_is_only_its_headline_keeps_it() -> None:
    page = "<html><head><title>Notice</title></head><body><h1>Notice</h1></body></html>"
    assert parse_html(page).body == "Notice"


def test_stray_c1_byte_before_the_article_loses_nothing() -> None:
    # buzzfeed-1: a mis-decoded "\x98" (8-bit SOS) in an SVG id swallowed the rest of the page.
    page = _article_page("<svg><path id='\u00ef\u0081\u0098-2'></path></svg>")
    fields = parse_html(page)
    assert "Paragraph 7 of the piece" in fields.body
