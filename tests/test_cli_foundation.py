"""The CLI contract of the foundation: list, show, --version, --help, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run_cli


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """In this process, unless the test sets the environment or the working folder (library
    resolution from $TUIREADER_LIBRARY, config and ./library): then a real one."""
    if cwd is None and env is None:
        return run_cli(*args)
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "news").mkdir(parents=True)
    (root / "news" / "ferry.txt").write_text(
        "Night ferry saved\n\nThe council kept the ferry.\n\nIlse Marnersdottir\nSun, 03/19/2023 – 13:00\n",
        encoding="utf-8",
    )
    (root / "note.md").write_text(
        "---\ntitle: '[bold red]x[/]'\ntags: [a]\n---\nBody of the note.\n", encoding="utf-8"
    )
    (root / "empty.txt").write_bytes(b"")
    return root


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("tuireader, version ")
    help_text = run("--help").stdout
    for command in ("list", "show"):
        assert command in help_text


def test_list_json_has_the_contract_fields_and_warns_about_skips(lib: Path) -> None:
    result = run("--library", str(lib), "list", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert {r["path"] for r in rows} == {"news/ferry.txt", "note.md"}
    for row in rows:
        assert {"id", "path", "format", "title", "author", "date", "tags", "url", "words"} <= set(
            row
        )
    ferry = next(r for r in rows if r["path"] == "news/ferry.txt")
    assert ferry["date"] == "2023-03-19T13:00:00+00:00"
    assert ferry["author"] == "Ilse Marnersdottir"
    assert "warning: empty.txt: empty file" in result.stderr


def test_list_table_shows_markup_literally(lib: Path) -> None:
    result = run("--library", str(lib), "list")
    assert result.returncode == 0
    assert "[bold red]x[/]" in result.stdout
    assert "\x1b" not in result.stdout


def test_list_table_fits_80_columns_with_the_title_in_full(lib: Path) -> None:
    """A long author must not squeeze the title into a sliver, nor push columns off."""
    long_title = "Night ferry service saved by a late vote of the harbour council"
    (lib / "long.md").write_text(
        f"---\ntitle: {long_title}\nauthor: Anselm Lindqvale-Oppenheimer, Priya Holloway"
        "\n---\nBody.\n",
        encoding="utf-8",
    )
    result = run("--library", str(lib), "list", "--pretty", env={**os.environ, "COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "date", "title", "author", "format", "words"]
    assert all(len(line) <= 80 for line in lines)
    assert any("Anselm" in line and "…" in line for line in lines)  # shortened, not wrapped
    start, end = lines[0].index("title"), lines[0].index("author")
    titles = " ".join(line[start:end].strip() for line in lines[1:])
    assert long_title in " ".join(titles.split())  # wrapped in its column, whole
    assert sum(" markdown " in line for line in lines) == 2  # format and words shown


def test_piped_list_prints_one_line_an_article(lib: Path) -> None:
    """Not a terminal: no table, no wrapping; a script reads one article a line."""
    long_title = "Night ferry service saved by a late vote of the harbour council\tand more"
    (lib / "long.md").write_text(
        f'---\ntitle: "{long_title}"\nauthor: Anselm Lindqvale-Oppenheimer\n---\nBody.\n',
        encoding="utf-8",
    )
    rows = json.loads(run("--library", str(lib), "list", "--json").stdout)
    result = run("--library", str(lib), "list", env={**os.environ, "COLUMNS": "40"})
    lines = result.stdout.splitlines()
    assert len(lines) == len(rows) > 1
    assert all(line.count("\t") == 3 for line in lines)
    assert {line.split("\t")[0] for line in lines} == {row["id"] for row in rows}
    assert any("harbour council and more\tAnselm Lindqvale-Oppenheimer" in line for line in lines)


def test_show_by_id_and_by_path(lib: Path) -> None:
    rows = json.loads(run("--library", str(lib), "list", "--json").stdout)
    ferry_id = next(r["id"] for r in rows if r["path"] == "news/ferry.txt")
    by_id = json.loads(run("--library", str(lib), "show", ferry_id, "--json").stdout)
    by_path = json.loads(run("--library", str(lib), "show", "news/ferry.txt", "--json").stdout)
    assert by_id == by_path
    assert by_id["body"] == "The council kept the ferry."
    text = run("--library", str(lib), "show", "news/ferry.txt").stdout
    assert "Night ferry saved" in text and "The council kept the ferry." in text


def test_errors_are_one_line_with_exit_codes(lib: Path, tmp_path: Path) -> None:
    missing = run("--library", str(lib), "show", "nope")
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "nope" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_lib = run("--library", str(tmp_path / "absent"), "list")
    assert bad_lib.returncode == 1 and "not found" in bad_lib.stderr
    usage = run("no-such-command")
    assert usage.returncode == 2


def test_library_resolution_order(lib: Path, tmp_path: Path) -> None:
    import os

    env = dict(os.environ)
    env["TUIREADER_LIBRARY"] = str(lib)
    via_env = json.loads(run("list", "--json", env=env).stdout)
    assert len(via_env) == 2
    # config file is used when no option or environment variable is given
    config_dir = Path(env["XDG_CONFIG_HOME"]) / "tuireader"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(f'library = "{lib / "news"}"\n')
    del env["TUIREADER_LIBRARY"]
    via_config = json.loads(run("list", "--json", env=env, cwd=tmp_path).stdout)
    assert [r["path"] for r in via_config] == ["ferry.txt"]
    # a bad config file is a one-line error, not a traceback
    (config_dir / "config.toml").write_text("library = [unclosed\n")
    broken = run("list", env=env, cwd=tmp_path)
    assert broken.returncode == 1 and "config" in broken.stderr and "Traceback" not in broken.stderr
