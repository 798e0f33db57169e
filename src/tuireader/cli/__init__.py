"""The `tuireader` entry point: `--version` answers before anything is imported; every
other invocation loads the command group (`commands`), which loads only the command run."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    cli: click.Group


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from tuireader import __version__

        print(f"tuireader, version {__version__}")
        return
    from tuireader.cli.commands import run

    run(argv)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, for tests and embedding (loaded on first use)
        from tuireader.cli.commands import cli

        return cli
    raise AttributeError(name)
