"""Damaged and hostile read-later exports (issue 21): a corrupt ZIP member, deep JSON or an
odd CSV row is one line naming the file and the item; the rest is imported, the summary
printed and the index updated."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import run_cli
from local_web import LocalWeb, Route, serve
from test_hostile_feeds import no_traceback
from test_import_articles import EXPORTS
from test_ingest_http import ARTICLE
from tuireader.storage.safezip import SafeZip, ZipRefused

OMNIVORE = EXPORTS / "omnivore"


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return root


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


def cli(lib: Path, *args: str):
    return run_cli("--library", str(lib), *args)


def corrupt(archive: bytes, member: str) -> bytes:
    """The archive with 32 bytes of `member`'s compressed data (after LZMA's 9-byte header)
    overwritten: zlib.error for deflate, LZMAError for LZMA, OSError for BZIP2."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        info = z.getinfo(member)
    data = bytearray(archive)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 9 : start + 41] = b"\xff" * 32
    return bytes(data)


def omnivore_zip(path: Path, method: int, *, extra: dict[str, bytes] | None = None) -> str:
    """The fixture export, each content file compressed with `method`; the name of the
    first article's content member (the one the tests damage)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(OMNIVORE.rglob("*")):
            if file.is_file():
                name = file.relative_to(OMNIVORE).as_posix()
                archive.writestr(name, file.read_bytes(), compress_type=method)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    victim = "content/the-slow-art-of-mending-nets-18c2f0a1b2.html"
    path.write_bytes(corrupt(buffer.getvalue(), victim))
    return victim


@pytest.mark.parametrize(
    "method",
    [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2],
    ids=["deflate", "lzma", "bzip2"],
)
def test_a_damaged_member_is_one_line_and_the_rest_is_imported(
    lib: Path, tmp_path: Path, method: int
) -> None:
    export = tmp_path / "omnivore-export.zip"
    victim = omnivore_zip(export, method)
    with SafeZip(export) as archive, pytest.raises(ZipRefused, match="damaged"):
        archive.read(victim)
    result = cli(lib, "import-articles", str(export))
    no_traceback(result.stdout + result.stderr)
    assert "failed: The Slow Art of Mending Nets: no article text (" in result.stderr
    assert "Omnivore export (ZIP): 1 saved" in result.stdout  # the item after it, and the summary
    found = cli(lib, "search", "orchards", "--json")  # the index update ran
    assert found.returncode == 0 and "orchards-in-the-cold" in found.stdout


def test_a_damaged_chapter_does_not_reject_the_whole_book(lib: Path, tmp_path: Path) -> None:
    from test_epub import CHAPTERS, write_epub

    book = write_epub(tmp_path / "book.epub", CHAPTERS)
    with zipfile.ZipFile(book) as z:
        chapter = next(n for n in z.namelist() if n.endswith("chapter1.xhtml"))
    damaged = tmp_path / "damaged.epub"
    damaged.write_bytes(corrupt(book.read_bytes(), chapter))
    result = cli(lib, "import-articles", str(damaged))
    no_traceback(result.stdout + result.stderr)
    assert result.returncode == 0 and "EPUB book: 1 saved" in result.stdout, result.stderr
    shown = cli(lib, "show", "books/damaged.epub")
    assert "The water rose by noon." in shown.stdout and "stars" not in shown.stdout


def test_deep_json_in_one_metadata_file_leaves_the_others(lib: Path, tmp_path: Path) -> None:
    export = tmp_path / "omnivore-export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(OMNIVORE.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(OMNIVORE).as_posix())
        archive.writestr("metadata_3_to_3.json", "[" * 100_000)
    result = cli(lib, "import-articles", str(export))
    no_traceback(result.stdout + result.stderr)
    assert "failed: metadata_3_to_3.json: not valid JSON (nested too deeply" in result.stderr
    assert "2 saved" in result.stdout


def test_wallabag_deep_json_and_odd_entries(lib: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('[{"url": "x", "is_archived": 1, "a": ' + "[" * 100_000, encoding="utf-8")
    result = cli(lib, "import-articles", "--kind", "wallabag", str(deep))
    no_traceback(result.stdout + result.stderr)
    assert "failed: deep.json: not valid JSON (nested too deeply" in result.stderr
    entries = json.loads((EXPORTS / "wallabag.json").read_text(encoding="utf-8"))
    odd = [
        {"title": ["x"], "url": 5, "id": {"a": 1}, "content": 7, "tags": "t", "annotations": 3},
        {
            "title": "Bad tags",
            "url": "https://odd.example/a",
            "content": "<p>words here</p>",
            "tags": [5, {"label": ["x"]}],
            "published_by": {"a": 1},
            "created_at": 5,
            "annotations": [{"quote": ["q"]}, 5],
        },
        *entries,
    ]
    mixed = tmp_path / "wallabag-odd.json"
    mixed.write_text(json.dumps(odd), encoding="utf-8")
    result = cli(lib, "import-articles", "--kind", "wallabag", str(mixed))
    no_traceback(result.stdout + result.stderr)
    assert result.returncode == 0
    assert "wallabag export (JSON): 2 saved" in result.stdout  # "Bad tags" and the fixture's
    assert "failed: entry ?: no article text" in result.stderr
    saved = next((lib / "imported/wallabag/odd.example").glob("*.html")).read_text("utf-8")
    assert '<meta property="article:tag"' not in saved and "Bad tags" in saved


def pages(web: LocalWeb, count: int) -> list[str]:
    for i in range(count):
        web.routes[f"/p{i}"] = Route(ARTICLE.replace(b"Coldharbour", f"Coldharbour{i}".encode()))
    return [web.url(f"/p{i}") for i in range(count)]


def test_an_odd_pocket_csv_row_is_one_line(web: LocalWeb, lib: Path, tmp_path: Path) -> None:
    urls = pages(web, 3)
    csv = (
        "title,url,time_added,tags,status\n"
        f"First,{urls[0]},1709251200,a|b,unread\n"
        f"Surplus,{urls[1]},1709251200,a,unread,EXTRA,MORE\n"
        f'"{"x" * 2_000_000}",https://huge.example/,1,,unread\n'
        f"Last,{urls[2]},1709251200,,archive\n"
    )
    export = tmp_path / "part_000000.csv"
    export.write_text(csv, encoding="utf-8")
    result = cli(lib, "import-articles", str(export))
    no_traceback(result.stdout + result.stderr)
    assert (
        "failed: part_000000.csv line 4: not read (field larger than field limit" in result.stderr
    )
    assert "note: part_000000.csv: 1 rows had more fields than columns: ignored" in result.stderr
    assert "Pocket export (HTML or CSV): 3 saved" in result.stdout


def test_an_odd_instapaper_row_is_one_line(web: LocalWeb, lib: Path, tmp_path: Path) -> None:
    urls = pages(web, 2)
    big = "y" * 200_000  # over the csv module's default field limit, under ours
    csv = (
        "URL,Title,Selection,Folder,Timestamp,Tags\n"
        f'{urls[0]},One,"{big}",Unread,1709251200,"[""a"", 5, {{}}]"\n'
        f"{urls[1]},Two,,Cities,1706745600,[[[[[[[[[[,extra\n"
    )
    export = tmp_path / "instapaper-export.csv"
    export.write_text(csv, encoding="utf-8")
    result = cli(lib, "import-articles", str(export))
    no_traceback(result.stdout + result.stderr)
    assert "Instapaper export (CSV): 2 saved" in result.stdout
