"""The annotation commands through the real click group: output, files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuireader.cli import cli

HARBOUR = "Harbour Notes\n\nThe ferry leaves at six. The ferry returns at nine.\n\nGulls circle the pier.\n"
TIDES = "Tide Tables\n\nHigh water comes twice a day, a little later each time.\n"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "news").mkdir(parents=True)
    (root / "news" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (root / "tides.txt").write_text(TIDES, encoding="utf-8")
    return root


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args], catch_exceptions=False)


def test_bookmark_add_list_remove(library: Path) -> None:
    added = run(library, "bookmark", "add", "news/harbour.txt", "--note", "later", "--tag", "sea", "--tag", "boats")  # fmt: skip
    assert added.exit_code == 0, added.output
    ident = added.output.split()[0]
    assert ident.startswith("bm-") and len(ident) == 11
    at = run(library, "bookmark", "add", str(library / "tides.txt"), "--at", "10")
    assert at.exit_code == 0
    listed = json.loads(run(library, "bookmark", "list", "--json").output)
    first = listed[0]
    assert (first["id"], first["note"], first["tags"], first["offset"]) == (ident, "later", ["sea", "boats"], None)  # fmt: skip
    # offset 10 is the space after "High water": the bookmark snaps to the next word
    assert listed[1]["offset"] == 11 and listed[1]["path"] == "tides.txt"
    assert listed[1]["quote"].startswith("comes twice")
    table = run(library, "bookmark", "list")
    assert table.exit_code == 0 and ident in table.output and "Harbour Notes" in table.output
    assert run(library, "bookmark", "remove", ident).exit_code == 0
    missing = run(library, "bookmark", "remove", ident)
    assert missing.exit_code == 1 and "no bookmark" in missing.output
    assert len(json.loads(run(library, "bookmark", "list", "--json").output)) == 1


def test_bookmark_errors(library: Path) -> None:
    assert run(library, "bookmark", "add", "nope.txt").exit_code == 1
    out_of_range = run(library, "bookmark", "add", "tides.txt", "--at", "99999")
    assert out_of_range.exit_code == 1 and "not inside" in out_of_range.output
    assert run(library, "bookmark", "add", "tides.txt", "--at", "-3").exit_code == 2
    assert run(library, "bookmark", "add").exit_code == 2


def test_highlight_add_list_remove_and_quote_errors(library: Path) -> None:
    added = run(library, "highlight", "add", "news/harbour.txt", "--quote", "Gulls circle", "--color", "green", "--note", "birds", "--tag", "nature")  # fmt: skip
    assert added.exit_code == 0, added.output
    ident = added.output.split()[0]
    ambiguous = run(library, "highlight", "add", "news/harbour.txt", "--quote", "The ferry")
    assert ambiguous.exit_code == 1 and "2 times" in ambiguous.output
    assert len(ambiguous.output.strip().splitlines()) == 1
    missing = run(library, "highlight", "add", "news/harbour.txt", "--quote", "submarine")
    assert missing.exit_code == 1 and "not found" in missing.output
    assert run(library, "highlight", "add", "tides.txt", "--quote", "High", "--color", "red").exit_code == 2  # fmt: skip
    assert run(library, "highlight", "add", "tides.txt").exit_code == 2  # --quote is required
    listed = json.loads(run(library, "highlight", "list", "--json").output)
    assert [(h["id"], h["quote"], h["color"], h["note"], h["tags"]) for h in listed] == [
        (ident, "Gulls circle", "green", "birds", ["nature"])
    ]
    assert "Gulls circle" in run(library, "highlight", "list").output
    assert run(library, "highlight", "remove", ident).exit_code == 0
    assert run(library, "highlight", "remove", ident).exit_code == 1


def test_export_formats_to_stdout_and_files(library: Path, tmp_path: Path) -> None:
    run(library, "highlight", "add", "tides.txt", "--quote", "twice a day", "--note", "=1+1")
    run(library, "bookmark", "add", "news/harbour.txt")
    markdown = run(library, "export")
    assert markdown.exit_code == 0
    assert "## Tide Tables" in markdown.output and "> twice a day" in markdown.output
    for fmt, marker in (("json", '"format": "tuireader-annotations"'), ("csv", "Highlight,Title,Author,URL,Note,Location,Date"), ("html", "NETSCAPE-Bookmark-file-1")):  # fmt: skip
        result = run(library, "export", "--format", fmt, "-o", "-")
        assert result.exit_code == 0 and marker in result.output
    target = tmp_path / "out" / "notes.md"
    target.parent.mkdir()
    result = run(library, "export", "-o", str(target), "--article", "tides.txt")
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "Tide Tables" in text and "Harbour Notes" not in text
    assert run(library, "export", "--format", "pdf").exit_code == 2
    assert run(library, "export", "--article", "nope").exit_code == 1
    assert run(library, "export", "-o", str(tmp_path / "no-dir" / "x.md")).exit_code == 1


def test_export_follows_a_moved_file(library: Path) -> None:
    run(library, "highlight", "add", "tides.txt", "--quote", "twice a day")
    (library / "archive").mkdir()
    (library / "tides.txt").rename(library / "archive" / "tides.txt")
    listed = json.loads(run(library, "highlight", "list", "--json").output)
    assert listed[0]["path"] == "archive/tides.txt" and not listed[0]["orphaned"]
    assert "archive/tides.txt" in run(library, "export").output


def test_import_round_trip_idempotent_and_refusals(library: Path, tmp_path: Path) -> None:
    run(library, "highlight", "add", "tides.txt", "--quote", "twice a day", "--tag", "sea")
    run(library, "bookmark", "add", "news/harbour.txt", "--note", "n")
    backup = tmp_path / "backup.json"
    assert run(library, "export", "--format", "json", "-o", str(backup)).exit_code == 0
    ids = [h["id"] for h in json.loads(run(library, "highlight", "list", "--json").output)]
    run(library, "highlight", "remove", ids[0])
    restored = run(library, "import", str(backup))
    assert restored.exit_code == 0 and "1 added" in restored.output
    again = run(library, "import", str(backup))
    assert again.exit_code == 0 and "0 added, 0 updated" in again.output
    assert [h["id"] for h in json.loads(run(library, "highlight", "list", "--json").output)] == ids
    before = run(library, "export", "--format", "json").output
    bad = tmp_path / "bad.json"
    for content in ("{oops", '{"format": "pocket", "version": 1, "articles": []}', "[]"):
        bad.write_text(content, encoding="utf-8")
        result = run(library, "import", str(bad))
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    bad.write_bytes(b"\xff\xfe\x00garbage")
    assert run(library, "import", str(bad)).exit_code == 1
    assert run(library, "import", str(tmp_path / "absent.json")).exit_code == 1
    after = run(library, "export", "--format", "json").output
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "exported_at"}  # noqa: E731
    assert strip(after) == strip(before)


def test_listing_and_exporting_read_only_the_annotated_bodies(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI reconciles through the catalog as the reader does: a library of many articles
    with one annotated decompresses that one body, not every body."""
    for n in range(30):
        (library / f"extra-{n:02}.txt").write_text(f"Extra {n}\n\nFiller text {n}.\n", "utf-8")
    assert run(library, "highlight", "add", "tides.txt", "--quote", "twice a day").exit_code == 0
    from tuireader.search.catalog import Catalog

    asked: list[str] = []
    original = Catalog.bodies

    def counting(self: Catalog, ids: list[str]) -> dict[str, str]:
        asked.extend(ids)
        return original(self, ids)

    monkeypatch.setattr(Catalog, "bodies", counting)
    for command in (["highlight", "list", "--json"], ["export", "--format", "json"]):
        asked.clear()
        result = run(library, *command)
        assert result.exit_code == 0, result.output
        assert "twice a day" in result.output
        assert len(asked) == 1, (command, len(asked))


def test_search_finds_notes_and_annotated_articles(library: Path) -> None:
    assert run(library, "bookmark", "add", "tides.txt", "--note", "compare with ferry times").exit_code == 0  # fmt: skip
    marked = run(library, "search", "has:bookmark", "--json")
    assert marked.exit_code == 0, marked.output
    assert [h["path"] for h in json.loads(marked.output)["hits"]] == ["tides.txt"]
    # "ferry" is in harbour's text and in tides' note: the text match comes first
    both = json.loads(run(library, "search", "ferry", "--json").output)
    assert [h["path"] for h in both["hits"]] == ["news/harbour.txt", "tides.txt"]
    assert both["hits"][1]["snippet"].startswith("note: compare with ferry")
    assert run(library, "search", "note:gulls").exit_code == 1  # in a text, not in a note
    bad = run(library, "search", "has:everything")
    assert bad.exit_code == 2 and "has:highlight" in bad.output


def test_highlight_and_bookmark_edit_and_delete(library: Path) -> None:
    added = run(library, "highlight", "add", "tides.txt", "--quote", "twice a day", "--note", "old", "--tag", "sea")  # fmt: skip
    ident = added.output.split()[0]
    edited = run(library, "highlight", "edit", ident, "--note", "new note", "--color", "blue")
    assert edited.exit_code == 0, edited.output
    assert edited.output.startswith(f"{ident}\tupdated Tide Tables")
    (item,) = json.loads(run(library, "highlight", "list", "--json").output)
    assert (item["note"], item["color"], item["tags"]) == ("new note", "blue", ["sea"])
    retagged = run(library, "highlight", "edit", ident, "--tag", "moon", "--tag", "water")
    assert retagged.exit_code == 0
    (item,) = json.loads(run(library, "highlight", "list", "--json").output)
    assert (item["note"], item["tags"]) == ("new note", ["moon", "water"])
    run(library, "highlight", "edit", ident, "--tag", "", "--note", "")
    (item,) = json.loads(run(library, "highlight", "list", "--json").output)
    assert (item["note"], item["tags"]) == (None, [])
    nothing = run(library, "highlight", "edit", ident)
    assert nothing.exit_code == 1 and "nothing to change" in nothing.output
    assert run(library, "highlight", "edit", ident, "--color", "red").exit_code == 2
    unknown = run(library, "highlight", "edit", "hl-nope", "--note", "x")
    assert unknown.exit_code == 1 and "no highlight" in unknown.output
    assert run(library, "highlight", "delete", ident).exit_code == 0
    assert json.loads(run(library, "highlight", "list", "--json").output) == []

    mark = run(library, "bookmark", "add", "tides.txt", "--note", "a").output.split()[0]
    assert run(library, "bookmark", "edit", mark, "--note", "b", "--tag", "t").exit_code == 0
    (item,) = json.loads(run(library, "bookmark", "list", "--json").output)
    assert (item["note"], item["tags"]) == ("b", ["t"])
    assert run(library, "bookmark", "edit", "bm-nope", "--note", "x").exit_code == 1
    assert run(library, "bookmark", "delete", mark).exit_code == 0
    assert run(library, "bookmark", "delete", mark).exit_code == 1
