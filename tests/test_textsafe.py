"""Untrusted text is made inert before it reaches a terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.text.inert import clean_line, clean_text

NASTY = [
    ("\x1b[31mred\x1b[0m", "red"),
    ("a\x1b]0;new title\x07b", "ab"),
    ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),  # OSC 52 clipboard write, ST-terminated
    ("a\x1b]8;;https://evil.example\x07link\x1b]8;;\x07b", "alinkb"),  # OSC 8 hyperlink
    ("a\x9b2Jb", "ab"),  # 8-bit CSI
    ("a\x9d0;t\x9cb", "ab"),  # 8-bit OSC + ST
    ("a\x1bP1$qm\x1b\\b", "ab"),  # DCS
    ("a\x90qdata\x9cb", "ab"),  # 8-bit DCS
    ("a\x1b[2;5Hb", "ab"),  # cursor movement
    ("a\x1b7\x1b8b", "ab"),  # save/restore cursor
    ("a\x1bcb", "ab"),  # full reset
    ("a\x07\x08\x00b", "ab"),  # BEL, BS, NUL
    ("abc\u202edcba", "abcdcba"),  # right-to-left override
    ("zero\u200bwidth", "zerowidth"),
    ("[bold red]x[/]", "[bold red]x[/]"),  # markup is not ours to interpret: kept as text
    ("family 👩\u200d👩\u200d👧", "family 👩\u200d👩\u200d👧"),  # ZWJ emoji kept
]


@pytest.mark.parametrize(("raw", "expected"), NASTY)
def test_sequences_removed(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_line_flattens_newlines_and_tabs() -> None:
    assert clean_line("  a\tb\n\nc  ") == "a b c"
    assert clean_line(None) == ""


def test_text_keeps_paragraphs() -> None:
    assert clean_text("one\r\ntwo\rthree\n\nfour") == "one\ntwo\nthree\n\nfour"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_nothing_dangerous_survives(raw: str) -> None:
    out = clean_text(raw)
    assert "\x1b" not in out
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in out)
    assert not any(ord(ch) < 0x20 and ch not in "\n\t" for ch in out)
    assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in out)
    assert clean_text(out) == out  # idempotent


def _slow_clean_line(text: str) -> str:
    import re

    return re.sub(r" {2,}", " ", clean_text(text).replace("\t", " ").replace("\n", " ")).strip()


@given(st.text(max_size=80))
def test_clean_line_fast_path_agrees_with_the_full_cleaning(text: str) -> None:
    assert clean_line(text) == _slow_clean_line(text)


@pytest.mark.parametrize(
    "text", ["Plain title", " padded ", "café · naïve — “quotes”", "emoji 🚋 ok", "a\u00a0nbsp"]
)
def test_clean_line_fast_path_examples(text: str) -> None:
    assert clean_line(text) == _slow_clean_line(text)


@pytest.mark.parametrize("intro", ["\x98", "\x90", "\x9d", "\x9e", "\x9f", "\x1bP", "\x1b]"])
def test_unterminated_string_sequence_keeps_the_rest(intro: str) -> None:
    # Mojibake is full of C1 bytes ("\x98" from a mis-decoded quote): a string introducer
    # without its terminator must not swallow the rest of the page (buzzfeed-1 lost its article).
    raw = f"before {intro}after\n\nthe whole article follows " + "text " * 2000
    cleaned = clean_text(raw)
    assert cleaned.startswith("before ")
    assert cleaned.endswith("text ")
    assert "the whole article follows" in cleaned
    assert not any(0x80 <= ord(c) <= 0x9F or c == "\x1b" for c in cleaned)
