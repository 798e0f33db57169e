"""Saved e-mail and Usenet posts: any RFC 5322 header block, folding, RFC 2047, short years,
and extensionless spool files found by the library walk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tuireader.articles.dates import parse_date
from tuireader.articles.mailheaders import author_from, split_headers
from tuireader.articles.plaintext import parse_text
from tuireader.articles.registry import parse_bytes
from tuireader.articles.scan import scan_library, walk_library

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def test_usenet_post_headers_are_metadata_not_body() -> None:
    article = parse_bytes("usenet.txt", (FIXTURES / "usenet.txt").read_bytes())
    assert article.title == "Re: Winter timetable for the north crossing"  # folded, Re: kept
    assert article.author == "Petra Nilsen"  # the old `address (Name)` form
    assert article.date == datetime(1993, 4, 5, 18, 1, 16, tzinfo=UTC)
    assert article.body.startswith("In article <1993Apr3")
    for name in ("Xref:", "Path:", "NNTP-Posting-Host", "Article-I.D.", "References", "Lines:"):
        assert name not in article.body


def test_encoded_words_are_decoded() -> None:
    article = parse_bytes("encoded_words.txt", (FIXTURES / "encoded_words.txt").read_bytes())
    assert article.title == "Fahrplan für den Winter"
    assert article.author == "Jörg Müller"
    assert article.date == datetime(1993, 4, 6, 7, 15, tzinfo=timezone(timedelta(hours=2)))
    assert "X-Mailer" not in article.body


def test_mbox_separator_and_crlf_and_address_only_sender() -> None:
    text = (
        "From kai@example.org Tue Apr  6 07:15:00 1993\r\n"
        "From: kai@example.org\r\nSubject: Buoys\r\n\r\nThe buoys were painted red.\r\n"
    )
    parsed = parse_text(text)
    assert (parsed.title, parsed.author) == ("Buoys", "kai@example.org")
    assert parsed.body == "The buoys were painted red."


@pytest.mark.parametrize(
    "text",
    [
        "Note: the ferry is late\n\nIt was late again today.\n",  # prose, no key field
        "Subject: x\nnot a header line\n\nBody.\n",  # a line that is no field
        "http://example.org/page\n\nBody text.\n",
    ],
)
def test_prose_is_not_a_header_block(text: str) -> None:
    assert split_headers(text) == ({}, text)


def test_author_from_forms() -> None:
    assert author_from('"Roe, Jane" <jane@example.org>') == "Roe, Jane"
    assert author_from("=?utf-8?b?w4VzYQ==?= <asa@example.se>") == "Åsa"
    assert author_from("<only@example.org>") == "only@example.org"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 05 Apr 93 18:01:16 GMT", datetime(1993, 4, 5, 18, 1, 16, tzinfo=UTC)),
        ("5 Apr 93 18:01 -0500", datetime(1993, 4, 5, 18, 1, tzinfo=timezone(-timedelta(hours=5)))),
        ("Thu, 01 Jan 04 00:00:00 +0000", datetime(2004, 1, 1, tzinfo=UTC)),
    ],
)
def test_two_digit_years_in_rfc822_dates(value: str, expected: datetime) -> None:
    assert parse_date(value) == expected


def test_extensionless_spool_files_are_scanned_other_files_not(tmp_path: Path) -> None:
    group = tmp_path / "rec.boats.ferries"
    group.mkdir()
    (group / "4417").write_bytes((FIXTURES / "usenet.txt").read_bytes())
    (tmp_path / "page").write_text(
        "<!DOCTYPE html><html><body><p>Ferry page text.</p></body></html>"
    )
    (tmp_path / "LICENSE").write_text("Permission is hereby granted, free of charge.\n")
    (tmp_path / "program").write_bytes(b"\x7fELF\x00\x00binary")
    assert [e.relpath for e in walk_library(tmp_path)] == ["page", "rec.boats.ferries/4417"]
    titles = sorted(a.title for a in scan_library(tmp_path))  # type: ignore[union-attr]
    assert "Re: Winter timetable for the north crossing" in titles


def test_a_message_without_a_subject_keeps_its_whole_body() -> None:
    """No Subject: the first line names the message and stays in the body (it was taken
    away as a title line, and a one-line message was skipped as having no text)."""
    head = "From: Kai Berg <kai@example.org>\nNewsgroups: rec.boats\nDate: 5 Apr 93 18:01:16 GMT\n"
    one = parse_bytes("4418", (head + "\nThe lanterns were lit at dusk along the quay.\n").encode())
    assert one.title == "The lanterns were lit at dusk along the quay."
    assert one.body == "The lanterns were lit at dusk along the quay."
    assert (one.author, one.date) == ("Kai Berg", datetime(1993, 4, 5, 18, 1, 16, tzinfo=UTC))
    long_line = "The lanterns were lit at dusk along the quay " + "and down by the slipway " * 4
    two = parse_text(head + "Subject: \n\n" + long_line + "\n\nThe ferry came in late.\n")
    assert two.title == long_line[:80].rsplit(" ", 1)[0] + "…"
    assert two.body.startswith("The lanterns were lit") and two.body.endswith("came in late.")


def test_a_first_field_without_a_space_after_its_colon() -> None:
    text = (
        "From:kai@example.org (Kai Berg)\nSubject:Ferry lanterns\n\nLit at dusk along the quay.\n"
    )
    parsed = parse_text(text)
    assert (parsed.title, parsed.author, parsed.body) == (
        "Ferry lanterns",
        "Kai Berg",
        "Lit at dusk along the quay.",
    )
    for prose in ("Note:the ferry is late\n\nIt was late.\n", "http://example.org/x\n\nBody.\n"):
        assert split_headers(prose) == ({}, prose)
