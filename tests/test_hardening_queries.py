"""Naughty queries on `tuireader search`: exit 0, 1 or 2 with a message, never a traceback,
never a hang. The list samples the categories of the Big List of Naughty Strings (written
here, not copied) plus the query syntax's own corner cases; hypothesis adds random text."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.cli import cli

NAUGHTY: list[str] = [
    # unbalanced quotes and brackets
    '"',
    '"""',
    '"ferry',
    'ferry"',
    "'",
    "'ferry",
    "(",
    ")",
    "((((ferry",
    "ferry))))",
    "[",
    "]",
    "{",
    "}",
    "[ferry TO",
    "{ferry TO tram]",
    "<",
    ">",
    # only operators and syntax
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "NOT NOT NOT",
    "ferry AND",
    "OR ferry",
    "ferry NOT",
    "-",
    "--",
    "-ferry",
    "- - -",
    "+",
    "+ferry",
    "*",
    "**",
    "*ferry",
    "?",
    "~",
    "ferry~",
    "ferry~999",
    "ferry~-1",
    "ferry^",
    "ferry^9999999999",
    ":",
    "::",
    "author:",
    "title:",
    "tag:",
    "format:",
    "date:",
    "date:[",
    "date:]",
    "date:[2023",
    "date:[2023-01-01 to",
    "date:[to]",
    "date:[2023-13-45 to 2023-99-99]",
    "date:99999",
    "date:0000-00-00",
    "date:31/02/2023",
    "date:>2023",
    "nosuchfield:ferry",
    "author:author:author:",
    "title:(ferry OR",
    '"ferry tram"~',
    '"" "" ""',
    "\\",
    "\\\\",
    "ferry\\",
    "/ferry/",
    "/.*/",
    # very long
    "ferry " * 2000,  # 12,000 characters
    "a" * 10_000,
    "(" * 5000 + "ferry" + ")" * 5000,
    "ferry~ " * 1000,
    "f* " * 1000,
    "NOT " * 2000 + "ferry",
    # control characters, escapes, odd whitespace
    "\x00",
    "ferry\x00tram",
    "\x1b[31mferry\x1b[0m",
    "\x1b]52;c;cHduZWQ=\x07ferry",
    "\x9b2Jferry",
    "\t\n\r\x0b\x0c",
    "\u2028\u2029",
    "\u00a0ferry\u3000",
    # right-to-left, zero width, combining, emoji
    "\u202eyrref",
    "\u2066ferry\u2069",
    "fe\u200brry",
    "\ufeffferry",
    "עברית ferry العربية",
    "Z̴̡̪̫͖̥̔ͫ̃ͪ̿ͬa̷̸̡̩̲̳͂̌̈́͌ͪ͊l̵̶̢̪̩͚̃͛̉̉ͭ̋g͈̩̓́͗o",
    "👩‍👩‍👧 🏳️‍🌈 🇬🇧",
    "😀*",
    "ｆｅｒｒｙ",
    "ﬀ ǅ İ ß",
    "\U0001d4d5\U0001d4ee\U0001d4fb",
    # SQL, shell, script and format-string looking
    "'; DROP TABLE articles; --",
    "1' OR '1'='1",
    '" OR ""="',
    "ferry' UNION SELECT * FROM sqlite_master --",
    "$(touch /tmp/pwned)",
    "`id`",
    "; rm -rf / #",
    "| cat /etc/passwd",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "%s%s%s%n",
    "%(title)s",
    "{0}{1}",
    "..\\..\\..\\etc\\passwd",
    "../../../../etc/passwd",
    "NaN",
    "Infinity",
    "-1e308",
    "0x",
    "null",
    "undefined",
    "[bold red]ferry[/]",
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("queries") / "lib"
    root.mkdir()
    (root / "ferry.txt").write_text(
        "Night ferry\n\nThe ferry leaves the harbour at six; the tram waits.\n\nBy Ann Lee\n2023-03-01\n"
    )
    (root / "tram.md").write_text("---\ntitle: Tram\ntags: [transport]\n---\nThe tram is new.\n")
    return root


_HARNESS = r"""
import json, sys
from click.testing import CliRunner
from tuireader.cli import cli
library, queries = sys.argv[1], json.loads(sys.stdin.read())
runner = CliRunner()
for i, query in enumerate(queries):
    for extra in ([], ["--json"]):
        result = runner.invoke(cli, ["--library", library, "search", *extra, "--", query])
        exc = result.exception
        crashed = exc is not None and not isinstance(exc, SystemExit)
        print(json.dumps({"i": i, "json": bool(extra), "exit": result.exit_code,
                          "stderr": result.stderr, "stdout": result.stdout,
                          "crash": repr(exc) if crashed else None}), flush=True)
"""


def test_naughty_queries_exit_cleanly_and_never_hang(library: Path, tmp_path: Path) -> None:
    assert len(NAUGHTY) >= 80
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run(  # index first, so each query below only searches
        [sys.executable, "-m", "tuireader", "--library", str(library), "index"],
        env=env, timeout=120, check=True, capture_output=True,
    )  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-c", _HARNESS, str(library)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(NAUGHTY))
    proc.stdin.close()
    results = []
    try:
        for _ in range(2 * len(NAUGHTY)):
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            if not ready:  # the next query has taken a minute: report which one
                nxt = len(results) // 2
                raise AssertionError(f"query hangs: {NAUGHTY[nxt][:80]!r}")
            results.append(json.loads(proc.stdout.readline()))
    finally:
        proc.kill()
        proc.wait()
    problems = []
    for r in results:
        query = NAUGHTY[r["i"]][:60]
        if r["crash"] or "Traceback" in r["stderr"] or r["exit"] not in (0, 1, 2):
            problems.append((query, r["json"], r["exit"], r["crash"] or r["stderr"][-300:]))
        elif r["exit"] == 2 and not r["stderr"].strip():
            problems.append((query, r["json"], 2, "no message"))
        elif r["json"] and r["exit"] in (0, 1):
            json.loads(r["stdout"])
        if "\x1b" in r["stdout"] + r["stderr"] or "\x9b" in r["stdout"] + r["stderr"]:
            problems.append((query, r["json"], r["exit"], "escape sequence in output"))
    assert not problems, problems
    exits = {r["exit"] for r in results}
    assert 0 in exits and 1 in exits  # both found and not-found happen: the check can fail


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=120))
def test_random_text_queries(library: Path, query: str) -> None:
    result = CliRunner().invoke(cli, ["--library", str(library), "search", "--", query])
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stderr.startswith("tuireader: ") or "Usage" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
