"""`tuireader import-articles`: each read-later kind from its fixture, through the CLI."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuireader.annotations import AnnotationStore
from tuireader.cli import cli
from tuireader.config import AppPaths
from tuireader.ingest.exports import detect_kind
from tuireader.ingest.exports.omnivore import parse_highlights
from tuireader.ingest.highlights import ImportedHighlight, place

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args], catch_exceptions=False)


def omnivore_zip(tmp_path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """The fixture folder zipped as Omnivore exports it (paths relative to the archive)."""
    out = tmp_path / "omnivore-export.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted((EXPORTS / "omnivore").rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(EXPORTS / "omnivore").as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out


def store(library: Path) -> AnnotationStore:
    return AnnotationStore(AppPaths.from_environment().annotations_db, library)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "mine.txt").write_text("My Own Note\n\nNothing imported here.\n", encoding="utf-8")
    return root


def test_omnivore_import_saves_articles_and_places_highlights(
    library: Path, tmp_path: Path
) -> None:
    result = run(library, "import-articles", str(omnivore_zip(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "2 saved" in result.output and "1 failed" in result.output
    assert "failed: An Empty Page: no article text" in result.output
    assert "3 highlights added" in result.output and "1 unanchored" in result.output
    assert "a line that was never in this article: not found" in result.output
    saved = library / "imported/omnivore/harbour-notes.example/2024-02-28-the-slow-art-of-mending-nets.html"  # fmt: skip
    assert "alert" not in saved.read_text(encoding="utf-8")
    shown = json.loads(run(library, "show", str(saved), "--json").output)
    assert (shown["title"], shown["author"], shown["tags"]) == ("The Slow Art of Mending Nets", "Tomas Vey", ["crafts", "sea"])  # fmt: skip
    with store(library) as s:
        marks = {h.quote: h for h in s.highlights()}
    sheet = marks["A good mender ties a sheet bend so tight it disappears into the mesh."]
    assert sheet.note == "Look up how a sheet bend is tied." and sheet.tags == ("knots",)
    assert shown["body"][sheet.start : sheet.end] == sheet.quote
    # a quote over two paragraphs (Omnivore writes the paragraph break as a "> " line and
    # the next paragraph unprefixed) is found across the paragraph break
    (cold,) = [q for q in marks if q.startswith("Without enough cold hours")]
    assert cold.endswith("between zero and seven degrees.") and "thin.\n\nGrowers" in cold
    assert marks[cold].note == "Why seven?"
    # the library is indexed at once: search finds the imported text
    found = run(library, "search", "menders", "--json")
    assert found.exit_code == 0 and json.loads(found.output)["total"] == 1


def test_importing_twice_changes_nothing(library: Path, tmp_path: Path) -> None:
    archive = omnivore_zip(tmp_path)
    run(library, "import-articles", str(archive))
    files = sorted(p.relative_to(library) for p in library.rglob("*") if p.is_file())
    with store(library) as s:
        before = [(h.id, h.start, h.end) for h in s.highlights()]
    again = run(library, "import-articles", str(archive))
    assert again.exit_code == 0
    assert "0 saved" in again.output and "2 already there" in again.output
    assert "0 highlights added, 3 already there" in again.output
    assert sorted(p.relative_to(library) for p in library.rglob("*") if p.is_file()) == files
    with store(library) as s:
        assert [(h.id, h.start, h.end) for h in s.highlights()] == before


def test_highlights_attach_to_the_article_id_that_list_and_export_use(
    library: Path, tmp_path: Path
) -> None:
    run(library, "import-articles", str(omnivore_zip(tmp_path)))
    assert run(library, "index").exit_code == 0
    listed = json.loads(run(library, "highlight", "list", "--json").output)
    assert len(listed) == 3 and all(h["orphaned"] is False for h in listed)
    exported = run(library, "export", "--format", "markdown", "-o", "-").output
    assert (
        "> A good mender ties a sheet bend" in exported
        and "The Slow Art of Mending Nets" in exported
    )


def test_wallabag_import(library: Path) -> None:
    result = run(library, "import-articles", str(EXPORTS / "wallabag.json"))
    assert result.exit_code == 0, result.output
    assert (
        "1 saved" in result.output
        and "failed: A Link With No Text: no article text" in result.output
    )
    # the one-letter quote occurs twice: reported, not placed at a guess
    assert "unanchored highlight" in result.output and "occurs 2 times" in result.output
    path = library / "imported/wallabag/two-wheels.example/2024-01-18-why-bicycle-bells-ring-in-b-flat.html"  # fmt: skip
    shown = json.loads(run(library, "show", str(path), "--json").output)
    assert shown["author"] == "Ada Quill" and shown["tags"] == ["cycling", "cities"]
    assert shown["url"] == "https://two-wheels.example/bells"
    with store(library) as s:
        (mark,) = s.highlights()
    assert mark.quote == "Couriers in the city prefer the lower bells"
    assert mark.note == "So that is why couriers swap their bells."


def test_obsidian_clippings_folder_and_file(library: Path, tmp_path: Path) -> None:
    folder = tmp_path / "Clippings"
    shutil.copytree(EXPORTS / "clippings", folder)
    result = run(library, "import-articles", str(folder))
    assert result.exit_code == 0, result.output
    assert (
        "1 saved" in result.output
        and "skipped: Shopping list.md: not a Web Clipper note" in result.output
    )
    shown = json.loads(
        run(library, "show", "clippings/The Quiet Library of Seeds.md", "--json").output
    )
    assert shown["url"] == "https://seed-stories.example/quiet-library"
    assert shown["author"] == "Noor Adeyemi" and shown["date"].startswith("2023-09-14")
    assert shown["tags"] == ["clippings", "gardening"]
    assert shown["summary"] == "A village keeps its seeds in a lending library."
    again = run(library, "import-articles", str(folder / "The Quiet Library of Seeds.md"))
    assert "0 saved" in again.output and "1 already there" in again.output
    assert sorted(p.name for p in (library / "clippings").iterdir()) == [
        "The Quiet Library of Seeds.md"
    ]


def test_unknown_file_names_the_known_kinds(library: Path, tmp_path: Path) -> None:
    odd = tmp_path / "notes.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run(library, "import-articles", str(odd))
    assert result.exit_code == 1
    assert (
        "not a known export" in result.output
        and "omnivore" in result.output
        and "wallabag" in result.output
    )
    assert run(library, "import-articles", str(odd), "--kind", "nope").exit_code == 1


def test_malformed_wallabag_json_is_one_line_and_nothing_is_lost(
    library: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "wallabag.json"
    bad.write_text(
        '[{"is_archived": 0, "url": "https://x.example/", "content": "<p>cut', encoding="utf-8"
    )
    result = run(library, "import-articles", str(bad))
    assert result.exit_code == 1
    assert "not valid JSON" in result.output
    assert (library / "mine.txt").exists()


def test_bad_zip_members_each_get_a_line_and_the_rest_imports(
    library: Path, tmp_path: Path
) -> None:
    bomb = b"\0" * (40 * 1024 * 1024)  # 40 MB of zeros: compresses about 1000:1
    evil = json.dumps([
        {"id": "t1", "slug": "../../escape", "title": "Climbing Out", "url": "https://e.example/1"},
        {"id": "t2", "slug": "bomb", "title": "A Bomb", "url": "https://e.example/2"},
    ])  # fmt: skip
    archive = omnivore_zip(tmp_path, {"metadata_3_to_4.json": evil, "content/bomb.html": bomb, "metadata_5_to_5.json": "{not json"})  # fmt: skip
    result = run(library, "import-articles", str(archive))
    assert result.exit_code == 0, result.output
    assert "2 saved" in result.output
    assert (
        "Climbing Out: no article text" in result.output
        and "climbs out of the archive" in result.output
    )
    assert "A Bomb: no article text" in result.output and "too large" in result.output
    assert "metadata_5_to_5.json: not valid JSON" in result.output
    assert not (tmp_path / "escape.html").exists()


def test_a_damaged_zip_is_not_recognised(library: Path, tmp_path: Path) -> None:
    broken = tmp_path / "export.zip"
    broken.write_bytes(omnivore_zip(tmp_path).read_bytes()[:200])
    assert detect_kind(broken) is None
    result = run(library, "import-articles", str(broken), "--kind", "omnivore")
    assert result.exit_code == 1 and "not a readable ZIP" in result.output


def test_place_uses_context_and_never_guesses() -> None:
    body = "The bell rang. Then the tram left. The bell rang. Then the ferry left."
    assert place(body, ImportedHighlight("The bell rang.")) == "occurs 2 times and the export gives no context"  # fmt: skip
    second = place(body, ImportedHighlight("The bell rang.", suffix=" Then the ferry"))
    assert second == (body.rindex("The bell rang."), body.rindex("The bell rang.") + 14)
    assert place(body, ImportedHighlight("the   tram\nleft")) == (body.index("the tram left"), body.index("the tram left") + 13)  # fmt: skip


def test_omnivore_highlight_markdown_layout() -> None:
    # as Omnivore's highlightToMarkdown writes them: "> quote " + labels + note, joined by
    # blank lines; inside a quote an empty line becomes "> " and the next line is unprefixed
    text = "> first quote \n\n#one #two\n\nmy note\n\n> second\n> \nparagraph \n\n> third [⤴️](https://omnivore.app/me/x#a)"  # fmt: skip
    first, second, third = parse_highlights(text)
    assert (first.quote, first.tags, first.note) == ("first quote", ("one", "two"), "my note")
    assert (second.quote, second.note) == ("second  paragraph", None)
    assert third.quote == "third"


def test_existing_library_files_and_highlights_are_kept(library: Path, tmp_path: Path) -> None:
    """A file already at a clipping's name (another article) keeps it; the store keeps the
    user's own highlights through an import with failures."""
    (library / "clippings").mkdir()
    other = library / "clippings" / "The Quiet Library of Seeds.md"
    other.write_text("---\ntitle: Mine\nsource: https://mine.example/\n---\nMy own text.\n", encoding="utf-8")  # fmt: skip
    assert (
        run(library, "highlight", "add", "mine.txt", "--quote", "Nothing imported").exit_code == 0
    )
    result = run(library, "import-articles", str(EXPORTS / "clippings" / "The Quiet Library of Seeds.md"))  # fmt: skip
    assert result.exit_code == 0 and "1 saved" in result.output
    assert "My own text." in other.read_text(encoding="utf-8")
    hashed = [p.name for p in (library / "clippings").iterdir() if p != other]
    assert len(hashed) == 1 and hashed[0].startswith("The Quiet Library of Seeds-")
    run(library, "import-articles", str(EXPORTS / "wallabag.json"))
    with store(library) as s:
        quotes = sorted(h.quote for h in s.highlights())
    assert quotes == ["Couriers in the city prefer the lower bells", "Nothing imported"]
