"""Untrusted text end to end on the CLI: every command's output, plain, JSON and on a real
terminal (a pty, so Rich styles), holds no escape sequence, C1/BEL control, bidi override or
zero-width mark from the library or from annotations, and Rich markup shows literally.

Extends tests/test_annotations_export.py (which checks the exporters on a store) with the
whole path: files on disk -> parsers -> catalog/index/store -> command output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuireader.cli import cli

ESC_FORMS = (
    "\x1b[31mred\x1b[0m"  # SGR
    "\x1b]0;set-title\x07"  # OSC 0 title
    "\x1b]2;other-title\x1b\\"  # OSC 2, ST-terminated
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52 clipboard write
    "\x1b]8;;https://evil.test\x07link\x1b]8;;\x07"  # OSC 8 hyperlink
    "\x1b[2J\x1b[H\x1b[5A"  # clear screen, cursor movement
    "\x1bP1$qm\x1b\\"  # DCS
    "\x9b31m\x9d0;c1-title\x9c\x90dcs\x9c"  # 8-bit CSI, OSC, DCS
    "\x07\x08"  # BEL, backspace
)
BIDI = "\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth \ufeff"
MARKUP = "[bold red]x[/] [link=https://evil.test]click[/link]"
HOSTILE = f"{MARKUP} {ESC_FORMS} {BIDI}"
# what may never reach the terminal (UTF-8): ESC, BEL, C1, bidi controls, zero width
FORBIDDEN = re.compile(
    rb"[\x07\x1b]|\xc2[\x80-\x9f]|\xe2\x80[\x8b\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf"
)
SGR = re.compile(rb"\x1b\[[0-9;]*m")  # Rich's own styling on a terminal: allowed


def _md(title: str) -> str:
    return (
        f'---\ntitle: "{_yaml(title)}"\nauthor: "{_yaml(HOSTILE)}"\n'
        f'tags: ["{_yaml(MARKUP)}", "{_yaml(ESC_FORMS)}tag"]\n'
        f'url: "https://example.com/a?x=[link=file:///etc/passwd]{_yaml(ESC_FORMS)}"\n---\n'
        f"Harbour body {HOSTILE} ends here.\n\nSecond paragraph about the harbour ferry.\n"
    )


def _yaml(text: str) -> str:
    return "".join(
        ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04x}" for ch in text
    )


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("hostile")
    root = base / "lib"
    root.mkdir()
    (root / "markup.md").write_text(_md(f"Harbour {HOSTILE}"), encoding="utf-8")
    (root / "mail.txt").write_text(
        f"Subject: Harbour mail {HOSTILE}\nFrom: {HOSTILE} <a@b.test>\nTags: {MARKUP}, x\n"
        f"URL: https://example.com/{ESC_FORMS}\n\nHarbour text {HOSTILE}.\n",
        encoding="utf-8",
    )
    (root / "page.html").write_text(
        f"<html><head><title>Harbour page {HOSTILE}</title>"
        f'<meta name="author" content="{HOSTILE}"><meta name="keywords" content="{MARKUP}">'
        f"</head><body><article><p>Harbour page text {HOSTILE} and more words.</p>"
        f"</article></body></html>",
        encoding="utf-8",
    )
    name = os.fsencode(root) + b"/\x1b]0;pwn\x07 [red]name \xc2\x9b2J \xe2\x80\xae.txt"
    with open(name, "wb") as handle:
        handle.write(b"Harbour named file\n\nBody of the file with the odd name.\n")
    env = _env(base)
    run = lambda *a: _run(root, env, *a)  # noqa: E731
    ids = {a["path"]: a["id"] for a in json.loads(run("list", "--json").stdout)}
    md_id = ids["markup.md"]
    assert run("bookmark", "add", md_id, "--note", HOSTILE, "--tag", MARKUP, "--tag", ESC_FORMS).returncode == 0  # fmt: skip
    assert run("bookmark", "add", md_id, "--at", "3", "--note", "=cmd|' /C calc'!A0").returncode == 0  # fmt: skip
    for path, article_id in ids.items():
        if path != "markup.md":
            assert run("bookmark", "add", article_id, "--note", f"\t=1+1 {HOSTILE}").returncode == 0
    quote = run("highlight", "add", md_id, "--quote", "[bold red]x[/]", "--note", f"-2+3 {HOSTILE}", "--tag", "<script>alert(1)</script>")  # fmt: skip
    assert quote.returncode == 0, quote.stderr
    assert run("index").returncode == 0  # up to date: no progress bar in the terminal runs
    return root, {"env": json.dumps(env), "md": md_id}


def _env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORCE_COLOR", "NO_COLOR"))}
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(base / name.lower())
    env["COLUMNS"] = "120"
    return env


@dataclass
class Output:
    returncode: int
    stdout: bytes
    stderr: bytes


def _run(root: Path, env: dict[str, str], *args: str) -> Output:
    """In-process (fast); an uncaught exception would be a traceback, so it fails here."""
    result = CliRunner().invoke(cli, ["--library", str(root), *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Output(result.exit_code, result.stdout_bytes, result.stderr_bytes or b"")


def _run_on_tty(root: Path, env: dict[str, str], *args: str) -> bytes:
    """stdout and stderr on a pseudo-terminal, so Rich sees a real terminal and styles."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--library", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env={**env, "TERM": "xterm-256color", "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"},
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError(f"no output for 60 s from {args}")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) in (0, 1), args
    return b"".join(chunks)


COMMANDS = [
    ("list",),
    ("list", "--json"),
    ("show", "markup.md"),
    ("show", "markup.md", "--json"),
    ("search", "harbour"),
    ("search", "harbour", "--json"),
    ("search", "[bold"),
    ("related", "markup.md"),
    ("related", "markup.md", "--json"),
    ("duplicates",),
    ("duplicates", "--json"),
    ("outline", "markup.md"),
    ("outline", "markup.md", "--json"),
    ("bookmark", "list"),
    ("bookmark", "list", "--json"),
    ("highlight", "list"),
    ("highlight", "list", "--json"),
    ("export", "--format", "markdown"),
    ("export", "--format", "json"),
    ("export", "--format", "csv"),
    ("export", "--format", "html"),
    ("show", f"nope{ESC_FORMS}"),  # an error message quoting the argument
]


def _assert_inert(data: bytes, what: str) -> None:
    match = FORBIDDEN.search(data)
    assert match is None, f"{what}: {data[max(0, match.start() - 40) : match.end() + 40]!r}"
    assert b"Traceback" not in data, what


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_plain_output_is_inert(hostile_library, args: tuple[str, ...]) -> None:
    root, info = hostile_library
    proc = _run(root, json.loads(info["env"]), *args)
    assert proc.returncode in (0, 1), proc.stderr
    _assert_inert(proc.stdout, f"stdout of {args}")
    _assert_inert(proc.stderr, f"stderr of {args}")
    if "--json" in args or args[-1] == "json":
        json.loads(proc.stdout)  # still valid JSON after escaping


TTY_COMMANDS = [
    ("list",),
    ("show", "markup.md"),
    ("search", "harbour"),
    ("bookmark", "list"),
    ("highlight", "list"),
    ("export", "--format", "csv"),
    ("show", f"nope{ESC_FORMS}"),
]


@pytest.mark.parametrize("args", TTY_COMMANDS, ids=" ".join)
def test_terminal_output_has_only_richs_own_styles(hostile_library, args: tuple[str, ...]) -> None:
    root, info = hostile_library
    raw = _run_on_tty(root, json.loads(info["env"]), *args)
    if args[0] in ("list", "show", "bookmark", "highlight") and "nope" not in args[-1]:
        assert SGR.search(raw) or args == ("list",), "expected a styled terminal run"
    _assert_inert(SGR.sub(b"", raw), f"tty output of {args}")


def test_markup_is_shown_literally(hostile_library) -> None:
    root, info = hostile_library
    env = json.loads(info["env"])
    for args in (("list",), ("show", "markup.md"), ("bookmark", "list"), ("highlight", "list")):
        out = _run(root, env, *args).stdout.decode()
        assert "[bold red]x[/]" in out, args
    raw = _run_on_tty(root, env, "show", "markup.md")
    assert b"[bold red]x[/]" in SGR.sub(b"", raw)
    assert b"]8;" not in raw  # no hyperlink made from [link=...]


def test_exports_escape_for_their_formats(hostile_library) -> None:
    root, info = hostile_library
    env = json.loads(info["env"])
    html = _run(root, env, "export", "--format", "html").stdout.decode()
    assert "<script" not in html and "[link=" in html  # markup is just text there
    assert not re.search(r"<(?!/?(?:DT|DD|DL|A|H1|TITLE|META|p)\b|!DOCTYPE|!--)", html)
    rows = list(
        csv.reader(io.StringIO(_run(root, env, "export", "--format", "csv").stdout.decode()))
    )
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    notes = {row[4] for row in rows[1:]}
    assert all(row[0] for row in rows[1:])  # Readwise rows are highlights: no bookmark row
    assert not any("calc" in n for n in notes)  # that note is a bookmark's
    assert any(n.startswith("'-2+3") or n.startswith(".") for n in notes)
    markdown = _run(root, env, "export", "--format", "markdown").stdout.decode()
    assert "[bold red]x[/]" not in markdown and "\\[bold red\\]x\\[/\\]" in markdown
    document = json.loads(_run(root, env, "export", "--format", "json").stdout)
    assert document["articles"]  # lossless JSON export still parses
