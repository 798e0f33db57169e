"""Running `tuireader ...` in the test process: the same entry point as the console script
(`tuireader.cli.main`, with its one-line errors and exit codes), through click's CliRunner
isolation (stdin, stdout and stderr captured; not a terminal). Tests that need a real
process (concurrency, environment, start-up imports) start one themselves."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from click.testing import CliRunner


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Ran:
    from tuireader.cli import main

    runner = CliRunner()
    code = 0
    with runner.isolation() as (out, err, _both):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return Ran(code, stdout, stderr)
