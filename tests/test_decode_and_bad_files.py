"""Encodings and files that are not articles: detected, skipped with a reason, never fatal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuireader.articles.errors import SkipFile
from tuireader.articles.registry import parse_bytes
from tuireader.articles.scan import Skipped, scan_library

TEXT = "Café society\n\nThe naïve critic ordered crème brûlée — twice. Señor Müller paid.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("cp1252"),
        TEXT.replace("—", "-").encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-nobom", "cp1252", "latin1"],
)
def test_encodings(data: bytes) -> None:
    article = parse_bytes("a.txt", data)
    assert article.title == "Café society"
    assert "crème brûlée" in article.body and "Müller" in article.body


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"abc\x00def\x00\x01\x02" * 100, "binary"),
    ],
)
def test_bad_bytes_are_skipped_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SkipFile) as info:
        parse_bytes("x.txt", data)
    assert reason in info.value.reason


def test_escape_sequences_never_survive_parsing() -> None:
    data = b"Title \x1b]0;pwned\x07here\n\nBody \x1b[31mred\x1b[0m and \x1b]52;c;aGk=\x07 and \xc2\x9b2J.\n"
    article = parse_bytes("x.txt", data)
    assert article.title == "Title here"
    assert "\x1b" not in article.body and "\x9b" not in article.body
    assert article.body == "Body red and and ."


def test_scan_reports_skips_and_continues(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good\n\nA fine article body.\n")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "big.txt").write_bytes(b"a" * (20 * 1024 * 1024 + 1))
    (tmp_path / "bin.html").write_bytes(b"\x00\x01\x02\x03" * 50)
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    hidden = tmp_path / ".hidden"
    hidden.mkdir()
    (hidden / "secret.txt").write_text("Hidden\n\nShould not be read.\n")
    locked = tmp_path / "locked.txt"
    locked.write_text("Locked\n\nNo access.\n")
    locked.chmod(0)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "loop").symlink_to(tmp_path, target_is_directory=True)
    (sub / "deep.md").write_text("# Deep\n\nNested note.\n")
    try:
        results = list(scan_library(tmp_path))
    finally:
        locked.chmod(0o644)
    articles = {r.path for r in results if not isinstance(r, Skipped)}
    skipped = {r.path: r.reason for r in results if isinstance(r, Skipped)}
    assert articles >= {"good.txt", "sub/deep.md"}
    assert not any("hidden" in p or "loop/" in p for p in articles | set(skipped))
    assert "empty" in skipped["empty.md"]
    assert "too large" in skipped["big.txt"]
    assert "binary" in skipped["bin.html"]
    if os.geteuid() != 0:  # root can read anything
        assert "permission" in skipped["locked.txt"]
