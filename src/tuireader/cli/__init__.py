"""The `tuireader` entry point: `--version` answers before anything is imported; every
other invocation loads the command group (`commands`), which loads only the command run."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: a forwarded search pays for every import (8 ms)
if TYPE_CHECKING:
    from typing import Any

    import click

    cli: click.Group


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from tuireader import __version__

        print(f"tuireader, version {__version__}")
        return
    from tuireader.server.client import Missed, forward

    try:
        result = forward(args)  # a resident server answers in milliseconds (tuireader.server)
    except KeyboardInterrupt:
        sys.exit(130)
    if isinstance(result, int):
        sys.exit(result)
    from tuireader.cli.commands import run

    try:
        run(argv)
    finally:
        if result in (Missed.NO_SERVER, Missed.DECLINED):
            from tuireader.server import launch

            launch.start()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, for tests and embedding (loaded on first use)
        from tuireader.cli.commands import cli

        return cli
    raise AttributeError(name)
