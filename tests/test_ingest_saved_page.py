"""The offline copy every importer writes: parsed back with its metadata, saved once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tuireader.articles.registry import parse_bytes
from tuireader.ingest.saved_page import (
    SavedPage,
    SaveOutcome,
    save_page,
    site_folder,
    slugify,
)

BODY = (
    "<p>The ferry across the estuary stopped running in March, and the village learned "
    "how far the nearest bridge really was.</p>"
    "<script>alert('x')</script>"
    '<p onclick="steal()">Forty minutes by road became the new distance to the school, '
    "the surgery and the only late shop.</p>"
)


def _page(**changes: object) -> SavedPage:
    fields: dict[str, object] = {
        "title": "When the ferry stopped",
        "body_html": BODY,
        "source_id": "https://news.example.org/ferry",
        "url": "https://news.example.org/ferry",
        "author": "Ines Marlow",
        "published": datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        "site": "Example News",
        "tags": ("transport", "villages"),
    }
    fields.update(changes)
    return SavedPage(**fields)  # type: ignore[arg-type]


def test_saved_page_parses_back_with_its_metadata(tmp_path: Path) -> None:
    result = save_page(tmp_path, "saved/news.example.org", _page())
    assert result.outcome is SaveOutcome.WRITTEN
    assert str(result.path) == "saved/news.example.org/2024-03-05-when-the-ferry-stopped.html"
    raw = (tmp_path / result.path).read_bytes()
    assert b"<script" not in raw and b"onclick" not in raw
    parsed = parse_bytes(str(result.path), raw)
    assert parsed.title == "When the ferry stopped"
    assert parsed.author == "Ines Marlow"
    assert parsed.url == "https://news.example.org/ferry"
    assert parsed.date is not None and parsed.date.date().isoformat() == "2024-03-05"
    assert set(parsed.tags) >= {"transport", "villages"}
    assert "nearest bridge" in parsed.body and "late shop" in parsed.body
    assert "alert" not in parsed.body


def test_saving_twice_changes_nothing_and_another_source_gets_its_own_file(
    tmp_path: Path,
) -> None:
    first = save_page(tmp_path, "saved/x", _page())
    before = (tmp_path / first.path).read_bytes()
    again = save_page(tmp_path, "saved/x", _page(body_html="<p>changed</p>"))
    assert again.outcome is SaveOutcome.UNCHANGED and again.path == first.path
    assert (tmp_path / first.path).read_bytes() == before
    other = save_page(tmp_path, "saved/x", _page(source_id="https://other.example/ferry"))
    assert other.outcome is SaveOutcome.WRITTEN and other.path != first.path
    assert (tmp_path / first.path).read_bytes() == before
    updated = save_page(tmp_path, "saved/x", _page(body_html="<p>changed</p>"), overwrite=True)
    assert updated.outcome is SaveOutcome.UPDATED
    assert b"changed" in (tmp_path / first.path).read_bytes()


def test_untrusted_metadata_stays_data(tmp_path: Path) -> None:
    page = _page(title='Ferry "quoted" <b>[bold]x[/bold]</b>\x1b]52;c;AAAA\x07', author="A\x1b[2J")
    result = save_page(tmp_path, "saved/x", page)
    raw = (tmp_path / result.path).read_bytes()
    assert b"\x1b" not in raw and b"<b>" not in raw.split(b"<body>")[0]
    parsed = parse_bytes(str(result.path), raw)
    assert "[bold]" in parsed.title and "\x1b" not in parsed.title


def test_slugs_and_site_folders_are_safe() -> None:
    assert slugify("Ærø — the island’s ferry!") == "aero-the-islands-ferry"
    assert slugify("///") == "article"
    assert len(slugify("word " * 40)) <= 60
    assert site_folder("https://www.Example.org:8080/a/b") == "example.org"
    assert site_folder("not a url", "My Blog") == "my-blog"
    assert site_folder("http://../../etc") not in ("", "..", ".")
    assert "/" not in site_folder("http://a/b/../c")
