"""Plain-text news articles: trailers, headers, bylines, whitespace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tuireader.articles.plaintext import parse_text
from tuireader.articles.registry import parse_bytes

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return parse_bytes(name, (FIXTURES / "text" / name).read_bytes())


def test_trailer_becomes_author_and_date_and_leaves_the_body() -> None:
    article = load("trailer.txt")
    assert article.title == "Harbour Town Votes To Keep Its Night Ferry Running Through Winter"
    assert article.author == "Ilse Marnersdottir"
    assert article.date == datetime(2023, 3, 19, 13, 0, tzinfo=UTC)
    assert "Marnersdottir" not in article.body
    assert "03/19/2023" not in article.body
    assert article.body.endswith("will come from the harbour fund.")


def test_nbsp_and_trailing_spaces_are_normalised() -> None:
    body = load("trailer.txt").body
    assert "\u00a0" not in body
    assert not any(line != line.rstrip() for line in body.split("\n"))
    assert "late shift. A petition" in body  # NBSP pair between sentences -> one space
    assert body.count("\n\n") == 3  # four paragraphs


def test_no_trailer_keeps_every_paragraph() -> None:
    article = load("plain.txt")
    assert article.title == "Glassworks reopens as a museum"
    assert article.author is None and article.date is None
    assert article.body.endswith("cataloguing moulds.")


def test_email_header_block() -> None:
    article = load("email.txt")
    assert article.title == "Minutes of the allotment society meeting"
    assert article.author == "Rolf Haber"
    assert article.date == datetime(2023, 2, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.tags == ("garden", "minutes")
    assert "Subject:" not in article.body
    # hard-wrapped lines of one paragraph are joined
    assert "The treasurer reported" in article.body


def test_by_line_under_title_and_written_date_at_end() -> None:
    article = load("byline.txt")
    assert article.author == "Dana Okafor"
    assert article.date == datetime(2023, 3, 19, tzinfo=UTC)
    assert not article.body.startswith("By ")
    assert "March 19" not in article.body


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("19 Mar 2023", datetime(2023, 3, 19, tzinfo=UTC)),
        ("2023-03-19", datetime(2023, 3, 19, tzinfo=UTC)),
        ("03/19/2023", datetime(2023, 3, 19, tzinfo=UTC)),
        ("Sun, 19 Mar 2023 13:00:00 +0000", datetime(2023, 3, 19, 13, tzinfo=UTC)),
    ],
)
def test_trailing_date_forms(line: str, expected: datetime) -> None:
    parsed = parse_text(
        f"Title\n\nFirst paragraph here.\n\nSecond paragraph.\n\nBy Kai Berg\n{line}\n"
    )
    assert parsed.date == expected
    assert parsed.author == "Kai Berg"
    assert parsed.body == "First paragraph here.\n\nSecond paragraph."


def test_a_last_sentence_is_not_mistaken_for_a_byline() -> None:
    parsed = parse_text("Title\n\nOne.\n\nThe match ended two all in 2023.\n")
    assert parsed.author is None and parsed.date is None
    assert parsed.body.endswith("two all in 2023.")


def test_identity_fields() -> None:
    a = parse_bytes("news/a.txt", b"Title\n\nSome body text here.\n")
    b = parse_bytes("elsewhere/b.txt", b"Title\n\nSome  body text\nhere.\n")
    assert a.id != b.id and len(a.id) == 10
    assert a.id == parse_bytes("news/a.txt", b"Other\n\nx y\n").id  # id follows the path
    assert (
        a.fingerprint == parse_bytes("moved/a.txt", b"Title\n\nSome body text here.\n").fingerprint
    )
    assert a.words == 4


def test_prose_starting_with_by_is_not_a_byline() -> None:
    parsed = parse_text(
        "Net gap\n\nBy 2025, 40% of homes will still be offline, says a study.\n\nMore text.\n\n"
        "By any measure, the plan is a winner.\n"
    )
    assert parsed.author is None
    assert parsed.body.startswith("By 2025")
    assert parsed.body.endswith("a winner.")


def test_two_authors_in_a_byline() -> None:
    parsed = parse_text("T\nBy Ann Lee and Kofi Mensah\n\nText here.\n")
    assert parsed.author == "Ann Lee and Kofi Mensah"


def test_a_closing_site_line_is_the_site_not_body_text() -> None:
    from tuireader.articles.plaintext import parse_text

    text = (
        "Night ferry keeps running\n\nThe council voted to keep the night ferry through the "
        "winter.\n\nnews.example.co.uk \nSun, 03/19/2023 – 13:00\n"
    )
    fields = parse_text(text)
    assert fields.site == "news.example.co.uk" and fields.author is None
    assert fields.date is not None and fields.date.date().isoformat() == "2023-03-19"
    assert "example" not in fields.body and fields.body.endswith("winter.")
    alone = parse_text("Quay works\n\nThe quay is closed for repairs.\n\nexample.com\n")
    assert alone.site == "example.com" and alone.body == "The quay is closed for repairs."
    person = parse_text("Quay works\n\nThe quay is closed.\n\nIlse Marner\nMarch 3, 2024\n")
    assert person.author == "Ilse Marner" and person.site is None


def test_the_site_shows_where_the_author_would(tmp_path) -> None:
    from click.testing import CliRunner

    from tuireader.cli import cli

    (tmp_path / "ferry.txt").write_text(
        "Night ferry\n\nThe ferry runs all winter.\n\nexample.com\nMarch 3, 2024\n", "utf-8"
    )
    result = CliRunner().invoke(cli, ["--library", str(tmp_path), "show", "ferry.txt"])
    assert result.exit_code == 0 and "example.com · 2024-03-03" in result.output
