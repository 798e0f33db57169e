"""A library of hostile files through the real CLI: every file parsed or skipped with a
reason, nothing executed or fetched, no hang, the scan never aborts.

The corpus comes from bench/nasty_corpus.py (the benchmark times the same files).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from tuireader.articles.dates import parse_date
from tuireader.articles.registry import parse_bytes

_spec = importlib.util.spec_from_file_location("nasty_corpus", REPO / "bench" / "nasty_corpus.py")
assert _spec is not None and _spec.loader is not None
nasty = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nasty)

DANGEROUS_BYTES = (b"\x1b", b"\x07", b"\xc2\x9b", b"\xc2\x9d", b"\xc2\x90", b"\xe2\x80\xae")


def cli(library: Path, *args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tuireader", "--library", str(library), *args],
        capture_output=True,
        timeout=timeout,  # a hang fails the test instead of stalling the suite
        cwd=cwd,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )


def _file_count(root: Path) -> int:
    return sum(len(files) for _dirs, _subdirs, files in os.walk(root))


@pytest.fixture(scope="module")
def nasty_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nasty") / "lib"
    nasty.write_nasty_files(root, big=False)
    over = root / "big-50mb-line.txt"  # over the 20 MB cap: never read
    with open(over, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    return root


def test_list_and_index_on_a_hostile_library(nasty_library: Path, tmp_path: Path) -> None:
    listed = cli(nasty_library, "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr[-2000:]
    articles = json.loads(listed.stdout)
    warnings = [
        line for line in listed.stderr.decode().splitlines() if line.startswith("warning: ")
    ]
    assert len(articles) + len(warnings) == _file_count(nasty_library)  # each one accounted for
    assert all(line.split(": ", 2)[2].strip() for line in warnings)  # every skip has a reason
    assert any("big-50mb-line.txt: too large" in line for line in warnings)
    for data in (listed.stdout, listed.stderr):
        assert b"Traceback" not in data
        assert not any(seq in data for seq in DANGEROUS_BYTES)
    text = listed.stdout.decode()
    assert "lollol" not in text and nasty.SECRET not in text  # no expansion, no file read
    titles = {a["path"]: a["title"] for a in articles}
    assert titles["fm-date-2023-02-31.md"] == "Feb 31 ISO"  # bad date, front matter kept
    assert all(a["date"] is None for a in articles if "99999" in a["path"] or "31-02" in a["path"])
    assert not (tmp_path / nasty.PWNED).exists() and not (nasty_library / nasty.PWNED).exists()

    indexed = cli(nasty_library, "index", cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr[-2000:]
    assert b"Traceback" not in indexed.stderr
    assert indexed.stdout.decode().startswith("added")
    found = cli(nasty_library, "search", "--json", "laughter", cwd=tmp_path)
    assert found.returncode == 0 and b"lollol" not in found.stdout
    assert nasty.SECRET not in found.stdout.decode()


def test_two_thousand_tiny_files(tmp_path: Path) -> None:
    root = tmp_path / "tiny-lib"
    nasty.write_tiny_files(root, 2000)
    listed = cli(root, "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert len(json.loads(listed.stdout)) == 2000
    indexed = cli(root, "index", cwd=tmp_path)
    assert indexed.returncode == 0 and b"skipped 0" in indexed.stdout
    found = cli(root, "search", "--json", "--limit", "5", "Tiny", "1999", cwd=tmp_path)
    assert found.returncode == 0
    assert json.loads(found.stdout)["hits"][0]["title"] == "Tiny 1999"


_PARSE_ONE = """
import sys, time
from pathlib import Path
from tuireader.articles.scan import FileEntry, parse_entry
path = Path(sys.argv[1])
st = path.stat()
start = time.perf_counter()
result = parse_entry(FileEntry(path.name, str(path), st.st_size, st.st_mtime_ns))
print(type(result).__name__, getattr(result, "words", getattr(result, "reason", "")))
"""


def test_fifteen_megabyte_single_line_parses_and_does_not_hang(tmp_path: Path) -> None:
    import random

    path = nasty._single_line(tmp_path / "line.txt", 15_000_000, random.Random(3))
    proc = subprocess.run(
        [sys.executable, "-c", _PARSE_ONE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    kind, words = proc.stdout.split()
    assert kind == "Article" and int(words) > 2_000_000


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fm.md", b"---\ntitle: T\ndate: 2023-02-31\n---\nBody.\n"),
        ("fm.md", b"---\ntitle: T\ndate: 99999-01-01\n---\nBody.\n"),
        ("fm.md", b'+++\ntitle = "T"\ndate = 9999-12-31\n+++\nBody.\n'),
        ("p.html", b'<html><head><meta name="date" content="31/02/2023"></head><body><p>Body text here.</p></body></html>'),
    ],
)  # fmt: skip
def test_impossible_dates_are_dropped_and_the_title_kept(name: str, data: bytes) -> None:
    article = parse_bytes(name, data)
    assert article.date is None
    if name.endswith(".md"):
        assert article.title == "T"


def test_yaml_python_tags_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for payload in (
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]",
    ):
        article = parse_bytes("x.md", f"---\ntitle: {payload}\n---\nBody.\n".encode())
        assert article.title == "x" and "python" not in article.title
    assert not marker.exists()
    assert parse_date("9999-12-31") is None


def test_file_name_titles_are_clean_text() -> None:
    weird = os.fsdecode(b"caf\xe9 \x1b]0;t\x07 \xe2\x80\xae rtl\r.md")
    article = parse_bytes(weird, b"no heading here, just words\n")
    assert article.title.encode("utf-8")  # no lone surrogate left to break printing
    assert not any(ch in article.title for ch in "\x1b\x07\r\u202e")
    assert "\ufffd" in article.title and "rtl" in article.title
