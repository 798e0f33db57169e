"""`tuireader outline`: the headings of an article with their offsets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cli_helpers import run_cli
from tuireader.annotations.packet import Packet, PacketArticle
from tuireader.annotations.packet_epub import render_epub
from tuireader.articles.registry import parse_bytes

NOTE = "# Trip notes\n\nWe left early.\n\n## Day one\n\nRain.\n\n### Lunch\n\nSoup.\n\n## Day two\n\nSun.\n"


def test_outline_of_a_markdown_note(tmp_path: Path):
    (tmp_path / "trip.md").write_text(NOTE, encoding="utf-8")
    out = run_cli("--library", str(tmp_path), "outline", "trip.md", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    headings = [(h["level"], h["title"]) for h in data["headings"]]
    assert headings == [(1, "Trip notes"), (2, "Day one"), (3, "Lunch"), (2, "Day two")]
    body = run_cli("--library", str(tmp_path), "show", "trip.md", "--json")
    text = json.loads(body.stdout)["body"]
    for h in data["headings"]:  # each offset is where the heading's text starts
        assert text[h["offset"] :].startswith(h["title"])
    plain = run_cli("--library", str(tmp_path), "outline", "trip.md")
    assert plain.stdout.splitlines()[2].split("%", 1)[1] == "      Lunch"


def test_outline_of_an_epub_lists_chapters_in_order(tmp_path: Path):
    made = datetime(2026, 1, 2, tzinfo=UTC)
    chapters = []
    for n in range(3):
        article = parse_bytes(f"c{n}.txt", f"Chapter {n}\n\nText of chapter {n}.\n".encode())
        chapters.append(PacketArticle(article))
    (tmp_path / "book.epub").write_bytes(render_epub(Packet("A book", "", made, tuple(chapters))))
    out = run_cli("--library", str(tmp_path), "outline", "book.epub", "--json")
    assert out.returncode == 0, out.stderr
    headings = json.loads(out.stdout)["headings"]
    level_one = [h["title"] for h in headings if h["level"] == 1]
    assert level_one == ["A book", "Chapter 0", "Chapter 1", "Chapter 2"]
    offsets = [h["offset"] for h in headings]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


def test_outline_without_headings_and_of_an_unknown_article(tmp_path: Path):
    (tmp_path / "plain.txt").write_text("Plain\n\nJust text.\n", encoding="utf-8")
    out = run_cli("--library", str(tmp_path), "outline", "plain.txt")
    assert out.returncode == 0 and out.stdout == "" and "no headings" in out.stderr
    missing = run_cli("--library", str(tmp_path), "outline", "nope.md")
    assert missing.returncode == 1 and "nope.md" in missing.stderr
