"""The `tuireader` command: the reader with no sub-command, scripting commands otherwise.

Only `tuireader` with no command imports the TUI (and so Textual); every other command runs
on the headless core.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from tuireader import __version__
from tuireader.cli import (
    annotation_cmds,
    feed_cmds,
    import_cmds,
    ingest_cmds,
    library_cmds,
    search_cmds,
)
from tuireader.cli.context import AppContext
from tuireader.cli.errors import describe_os_error, describe_sqlite_error
from tuireader.cli.output import visible
from tuireader.config import ConfigError


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library",
    "library",
    metavar="PATH",
    type=click.Path(file_okay=False),
    help="Library folder (default: $TUIREADER_LIBRARY, config, ./library, data dir).",
)
@click.version_option(__version__, prog_name="tuireader")
@click.pass_context
def cli(ctx: click.Context, library: str | None) -> None:
    """A terminal reader for article collections: search, read, highlight, export.

    With no command, opens the reader.
    """
    app = AppContext(library_option=library)
    ctx.obj = app
    if ctx.invoked_subcommand is None:
        app.echo_warnings = False
        _launch_reader(app)


def _launch_reader(app: AppContext) -> None:
    """The reader gets what it needs as plain values (the TUI never imports the CLI)."""
    from tuireader.tui.app import ReaderApp

    root = app.library_root  # first: it may move the cache (and so change app.paths)
    notices = [app.cache_warning] if app.cache_warning else []
    ReaderApp(root, app.paths, app.settings, notices=notices).run()


library_cmds.register(cli)
search_cmds.register(cli)
annotation_cmds.register(cli)
import_cmds.register(cli)
ingest_cmds.register(cli)
feed_cmds.register(cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point: clean one-line errors, no tracebacks (exit 1), usage errors exit 2."""
    try:
        cli.main(args=argv, prog_name="tuireader", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"tuireader: config error: {visible(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        click.echo(f"tuireader: {describe_os_error(exc)}", err=True)
        sys.exit(1)
    except sqlite3.Error as exc:
        click.echo(f"tuireader: {describe_sqlite_error(exc)}", err=True)
        sys.exit(1)
    except Exception as exc:
        click.echo(f"tuireader: error: {type(exc).__name__}: {visible(str(exc))}", err=True)
        sys.exit(1)
