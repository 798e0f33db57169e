"""Exports against golden files, injection cases, the JSON round trip and imports."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from test_annotations_support import FERRY_BODY, frozen_store, make_article
from tuireader.annotations import (
    AnnotationStore,
    BadImport,
    export_annotations,
    import_json,
    write_atomically,
)
from tuireader.articles.model import Article

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path("/srv/tuireader-golden/library")
EXPORTED_AT = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
EVIL_TITLE = "]] [[Evil]] <script>alert(1)</script> # =cmd|' /C calc'!A0"
EVIL_BODY = (
    "=SUM(A1:A9) is how the sheet starts.\n\n"
    "# not a heading\n- not a list\n1. not a list either\n\n"
    "A line with <b>tags</b>, [links](http://x.test) and ![[embeds]] and ==marks==."
)


def build_scenario(db: Path) -> tuple[AnnotationStore, dict[str, Article]]:
    """A store with every kind of annotation: plain, orphaned, file gone, hostile text."""
    store = frozen_store(db, ROOT)
    ferry = make_article(
        "news/ferry.txt",
        FERRY_BODY,
        "Ferries & Harbours",
        author="Ana Ruiz",
        date=datetime(2024, 3, 1, tzinfo=UTC),
        url="https://example.com/ferry?id=1&x=2",
        tags=("transport", "city life"),
    )
    evil = make_article(
        "web/evil.txt",
        EVIL_BODY,
        EVIL_TITLE,
        author='=HYPERLINK("http://evil.test")',
        url="javascript:alert(1)",
        tags=("x]]", "<b>"),
    )
    gone = make_article("old/gone.txt", "Words that were here once.", "A Vanished Piece")
    store.add_bookmark(ferry, note="Read again on Sunday", tags=["weekend"])
    store.add_bookmark(ferry, offset=FERRY_BODY.index("By seven"), note="where I stopped")
    store.add_highlight_by_quote(ferry, "gulls are awake", color="green", note="Lovely.\nSecond line", tags=["nature"])  # fmt: skip
    store.add_highlight_by_quote(ferry, "smells of diesel and rain", tags=["senses"])
    store.save_reading_state(ferry, position=120, percent=45.5)
    store.set_read(ferry.id, True)
    store.add_highlight_by_quote(evil, "=SUM(A1:A9)", note="@admin [click](http://x.test)")
    store.add_highlight_by_quote(evil, "# not a heading\n- not a list\n1. not a list either")
    store.add_highlight_by_quote(evil, "<b>tags</b>, [links](http://x.test) and ![[embeds]]", color="purple")  # fmt: skip
    store.add_bookmark(evil, note="<script>alert('x')</script>", tags=["a,b"])
    store.add_highlight_by_quote(gone, "were here", color="pink")
    edited = make_article("news/ferry.txt", FERRY_BODY.replace("gulls are awake", "gulls wake"), "Ferries & Harbours", author="Ana Ruiz", date=datetime(2024, 3, 1, tzinfo=UTC), url="https://example.com/ferry?id=1&x=2", tags=("transport", "city life"))  # fmt: skip
    store.reconcile([edited, evil])  # one highlight orphaned, one file gone
    return store, {edited.id: edited, evil.id: evil}


@pytest.fixture
def scenario(tmp_path: Path):
    store, articles = build_scenario(tmp_path / "a.sqlite3")
    yield store, articles
    store.close()


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("markdown", "annotations.md"), ("json", "annotations.json"), ("csv", "annotations.csv"), ("html", "bookmarks.html")],
)  # fmt: skip
def test_export_matches_golden_file(scenario, fmt: str, name: str) -> None:
    store, articles = scenario
    text = export_annotations(store, articles, fmt, exported_at=EXPORTED_AT)
    golden = GOLDEN / name
    if os.environ.get("TUIREADER_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == golden.read_bytes().decode("utf-8")


def test_export_is_deterministic_and_lookup_may_be_a_callable(scenario) -> None:
    store, articles = scenario
    first = export_annotations(store, articles, "markdown")
    assert export_annotations(store, articles.get, "markdown") == first


def test_markdown_neutralises_hostile_metadata_and_text(scenario) -> None:
    store, articles = scenario
    text = export_annotations(store, articles, "markdown")
    assert "[[" not in text and "]]" not in text.replace("\\]\\]", "")
    assert "<script>" not in text and "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link can be formed
    assert "javascript:" not in text  # not a web URL: left out
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all(h.startswith(("# tuireader", "## ", "### ")) for h in headings)
    quote_lines = [line for line in text.splitlines() if line.startswith(">")]
    assert "> \\# not a heading" in quote_lines and "> \\- not a list" in quote_lines
    assert "> 1\\. not a list either" in quote_lines


def test_csv_has_readwise_columns_and_no_formulas(scenario) -> None:
    store, articles = scenario
    rows = list(csv.reader(io.StringIO(export_annotations(store, articles, "csv"))))
    assert rows[0] == ["Highlight", "Title", "Author", "URL", "Note", "Location", "Date"]
    assert all(len(row) == 7 for row in rows)
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    evil = [row for row in rows if row[1].startswith("]]")]
    assert evil and all(row[2] == '\'=HYPERLINK("http://evil.test")' for row in evil)
    assert all(row[3] == "" for row in evil)  # javascript: is not a URL to hand on
    assert any(row[0] == "'=SUM(A1:A9)" for row in evil)


# Readwise's CSV import (readwise.io/import_bulk): Highlight is required, the others optional.
READWISE_COLUMNS = ["Highlight", "Title", "Author", "URL", "Note", "Location", "Date"]


def test_csv_is_exactly_readwise_import_with_a_highlight_in_every_row(scenario) -> None:
    store, articles = scenario
    rows = list(csv.DictReader(io.StringIO(export_annotations(store, articles, "csv"))))
    header = next(csv.reader(io.StringIO(export_annotations(store, articles, "csv"))))
    assert header == READWISE_COLUMNS  # complete, in order, nothing else
    highlights = [h for h in store.highlights() if h.quote.strip()]
    assert len(rows) == len(highlights) == 6  # one row each; the 4 bookmarks are not rows
    for row in rows:
        assert set(row) == set(READWISE_COLUMNS) and None not in row
        assert row["Highlight"].strip()
        assert row["Location"].isdigit()
        assert datetime.strptime(row["Date"], "%Y-%m-%d %H:%M:%S")


def test_markdown_has_no_internal_ids_unless_asked(scenario) -> None:
    store, articles = scenario
    plain = export_annotations(store, articles, "markdown")
    assert "ID:" not in plain and "offset" not in plain and "hl-" not in plain
    assert "- Date: 2024-05-01" in plain
    with_ids = export_annotations(store, articles, "markdown", ids=True)
    assert "- ID: `hl-00000004`" in with_ids and "52% (offset 114)" in with_ids


def test_netscape_escapes_and_refuses_script_urls(scenario) -> None:
    store, articles = scenario
    text = export_annotations(store, articles, "html")
    assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    assert "<script>" not in text and "javascript:" not in text
    assert 'HREF="https://example.com/ferry?id=1&amp;x=2"' in text
    assert 'HREF="file:///srv/tuireader-golden/library/web/evil.txt"' in text
    assert text.count("<DT><A ") == 2  # one per bookmarked article


def test_json_round_trip_and_idempotent_import(scenario, tmp_path: Path) -> None:
    store, articles = scenario
    exported = export_annotations(store, articles, "json", exported_at=EXPORTED_AT)
    with AnnotationStore(tmp_path / "fresh.sqlite3", ROOT) as fresh:
        report = import_json(fresh, exported)
        assert report.added == 9 + 1 and report.updated == 0  # 9 annotations + reading state
        again = export_annotations(fresh, articles, "json", exported_at=EXPORTED_AT)
        assert again == exported
        report = import_json(fresh, exported)
        assert (report.added, report.updated) == (0, 0)
        assert export_annotations(fresh, articles, "json", exported_at=EXPORTED_AT) == exported
    assert import_json(store, exported).added == 0  # into the store it came from


def test_import_applies_newer_edits_only(scenario, tmp_path: Path) -> None:
    store, articles = scenario
    document = json.loads(export_annotations(store, articles, "json"))
    highlight = document["articles"][0]["highlights"][0]
    highlight["note"] = "edited elsewhere"
    highlight["updated"] = "2030-01-01T00:00:00+00:00"
    stale = document["articles"][0]["bookmarks"][0]
    stale["note"] = "older edit"
    stale["updated"] = "2000-01-01T00:00:00+00:00"
    report = import_json(store, json.dumps(document))
    assert report.updated == 1
    assert store.highlight(highlight["id"]).note == "edited elsewhere"
    assert store.bookmark(stale["id"]).note != "older edit"


def _dump(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [
            row
            for table in ("articles", "bookmarks", "highlights", "reading_state")
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1")
        ]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: "not json at all {",
        lambda d: json.dumps({"bookmarks": []}),
        lambda d: json.dumps({**d, "version": 99}),
        lambda d: json.dumps({**d, "format": "pocket"}),
        lambda d: json.dumps([1, 2]),
        lambda d: json.dumps({**d, "articles": [*d["articles"], {"id": 3}]}),
        lambda d: json.dumps(_with(d, "highlights", 0, color="red")),
        lambda d: json.dumps(_with(d, "highlights", 0, start=-4)),
        lambda d: json.dumps(_with(d, "bookmarks", 0, created="yesterday")),
        lambda d: json.dumps(_with(d, "highlights", 1, id=d["articles"][0]["highlights"][0]["id"])),
    ],
)
def test_bad_import_is_refused_and_changes_nothing(scenario, tmp_path: Path, mutate) -> None:
    store, articles = scenario
    document = json.loads(export_annotations(store, articles, "json"))
    document["articles"][0]["highlights"].append({**document["articles"][0]["highlights"][0], "id": "hl-new00001"})  # fmt: skip
    before = _dump(store.db_path)
    with pytest.raises(BadImport) as info:
        import_json(store, mutate(document))
    assert "\n" not in str(info.value)
    assert _dump(store.db_path) == before


def test_import_of_an_id_owned_by_another_library_changes_nothing(scenario, tmp_path: Path) -> None:
    store, articles = scenario
    exported = export_annotations(store, articles, "json")
    other = AnnotationStore(store.db_path, tmp_path / "other-library")
    other.add_bookmark(make_article("z.txt", "zzz"))
    before = _dump(store.db_path)
    with pytest.raises(BadImport, match="another"):
        import_json(other, exported)
    assert _dump(store.db_path) == before
    other.close()


def _with(document: dict, kind: str, index: int, **changes: object) -> dict:
    document = json.loads(json.dumps(document))
    document["articles"][0][kind][index].update(changes)
    return document


def test_write_atomically_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, "new\r\ntext")
    assert target.read_bytes() == b"new\r\ntext"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing-dir" / "x.md", "x")
