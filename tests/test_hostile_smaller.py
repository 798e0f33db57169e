"""The smaller cases of issue 21: `show` of a path outside the library, protocol-relative
links, control characters in feed bodies and imported notes, a UTF-8 page with a few bad
bytes. Each fails on the code before the fix."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import run_cli
from local_web import LocalWeb, Route, serve
from test_feeds import P1, P2
from test_hostile_feeds import no_traceback
from test_import_articles import EXPORTS
from test_ingest_http import ARTICLE


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "note.md").write_text(f"# A note\n\n{P1}\n\n{P2}\n", encoding="utf-8")
    return root


def cli(lib: Path, *args: str):
    return run_cli("--library", str(lib), *args)


def test_show_of_a_path_outside_the_library_prints_nothing_of_it(lib: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"Private words.\n\n{P1}\n", encoding="utf-8")
    for ref in ("../secret.txt", str(secret), "../../../../../" + str(secret).lstrip("/")):
        shown = cli(lib, "show", ref)
        assert shown.returncode == 1 and "Private" not in shown.stdout, ref
        assert "no article with id or path" in shown.stderr
    inside = cli(lib, "show", "note.md")  # an article of the library still shows
    assert inside.returncode == 0 and "footbridge" in inside.stdout
    assert cli(lib, "show", str(lib / "note.md")).returncode == 0


def test_protocol_relative_links_are_made_absolute() -> None:
    from tuireader.ingest.clean import web_link

    assert web_link("//h.example/p", "http://f.example/feed") == "http://h.example/p"
    assert web_link("//h.example/p", "/home/me/feed.xml") == "https://h.example/p"
    assert web_link("/p?q=1", "https://f.example/a/feed") == "https://f.example/p?q=1"
    assert web_link("https://x.example/", "http://f.example/") == "https://x.example/"
    assert web_link(None, "http://f.example/") is None


def test_a_feed_entry_with_a_protocol_relative_link_is_fetched(web: LocalWeb, lib: Path) -> None:
    host = web.base.removeprefix("http:")  # //127.0.0.1:port
    teaser = '<?xml version="1.0"?><rss version="2.0"><channel><title>Rel</title>'
    teaser += f"<item><title>Weir</title><link>{host}/page</link><description>Short."
    teaser += "</description></item><item><title>Other</title><guid>o-1</guid>"
    teaser += f"<link>{host}/other</link><description>Short too.</description></item>"
    teaser += "</channel></rss>"
    web.routes["/feed.xml"] = Route(teaser.encode(), content_type="application/rss+xml")
    web.routes["/page"] = Route(ARTICLE)
    web.routes["/other"] = Route(ARTICLE.replace(b"Coldharbour", b"Otterford"))
    result = cli(lib, "feed", "add", "--full-page", web.url("/feed.xml"))
    no_traceback(result.stdout + result.stderr)
    assert ": 2 new, 0 failed" in result.stderr, result.stderr
    assert {"/page", "/other"} <= set(web.paths_requested())


def control_bytes(*folders: Path) -> list[str]:
    """Files under `folders` (and values in SQLite files) holding a raw ESC, BEL or C1 OSC."""
    bad = ("\x1b", "\x07", "\x9d")
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file() or path.suffix in (".sqlite3-wal", ".sqlite3-shm"):
                continue
            if path.suffix != ".sqlite3":
                text = path.read_bytes().decode("utf-8", "replace")
                found += [str(path)] if any(c in text for c in bad) else []
                continue
            with contextlib.closing(sqlite3.connect(path)) as db:
                tables = [
                    t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                ]
                for table in tables:
                    for row in db.execute(f'SELECT * FROM "{table}"'):
                        if any(isinstance(v, str) and any(c in v for c in bad) for v in row):
                            found.append(f"{path.name}: {table}: {row}")
    return found


def test_control_characters_in_feed_bodies_and_imported_notes_are_not_stored(
    web: LocalWeb, lib: Path, tmp_path: Path
) -> None:
    body = f"<p>{P1}\x1b]52;c;aGk=\x07</p><p>{P2}\x1b[2J\x9d</p>"
    rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>Ctl</title><item>'
    rss += f"<title>Bell\x07</title><guid>c-1</guid><description><![CDATA[{body}]]></description>"
    rss += "</item></channel></rss>"
    web.routes["/ctl.xml"] = Route(rss.encode(), content_type="application/rss+xml")
    assert cli(lib, "feed", "add", web.url("/ctl.xml")).returncode == 0
    omnivore = EXPORTS / "omnivore"
    export = tmp_path / "omnivore-export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for file in sorted(omnivore.rglob("*")):
            if file.is_file():
                data = file.read_bytes()
                if file.suffix == ".md":  # each note and label gets an OSC 52 and a bell
                    data = data.replace(b"Why seven?", b"Why\x1b]52;c;aGk=\x07 seven?\x1b[31m")
                    data = data.replace(b"#knots", b"#kn\x1b[1mots\x07")
                archive.writestr(file.relative_to(omnivore).as_posix(), data)
    result = cli(lib, "import-articles", str(export))
    assert "3 highlights added" in result.stdout, result.stdout + result.stderr
    data = Path(os.environ["XDG_DATA_HOME"])
    assert control_bytes(lib, data) == []
    listed = cli(lib, "highlight", "list", "--json")
    assert "Why seven?" in listed.stdout and '"knots"' in listed.stdout


RIVER = "Река поднялась к полудню, и мост через неё закрыли до весны. " * 12


@pytest.mark.parametrize("where", ["web", "file"])
def test_a_utf8_page_with_a_few_bad_bytes_is_read(web: LocalWeb, lib: Path, where: str) -> None:
    page = f"<html><head><title>Мост</title></head><body><article><p>{RIVER}</p><p>{RIVER}</p>"
    data = page.encode() + b"<p>\xff\xfe cut here \xc3</p></article></body></html>"
    if where == "web":
        web.routes["/ru"] = Route(data, content_type="text/html")  # no charset given
        result = cli(lib, "add", web.url("/ru"))
        assert result.returncode == 0 and result.stdout.startswith("saved "), result.stderr
    else:
        (lib / "ru.html").write_bytes(data)
    found = cli(lib, "search", "мост", "--json")
    assert found.returncode == 0 and '"total": 1' in found.stdout, found.stdout + found.stderr
