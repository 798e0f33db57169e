"""The `tuireader` command group: the reader with no sub-command, scripting commands otherwise.

Only `tuireader` with no command imports the TUI (and so Textual); every other command runs
on the headless core, and imports only its own module (`LazyGroup`): `tuireader list` never
loads Whoosh or numpy, `tuireader search` never loads the exporters or the feed reader.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from tuireader import __version__
from tuireader.cli.context import AppContext
from tuireader.cli.errors import describe_os_error, describe_sqlite_error
from tuireader.cli.output import visible
from tuireader.config import ConfigError

# command name -> (module in tuireader.cli, the click command in it)
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("ingest_cmds", "add_cmd"),
    "bookmark": ("annotation_cmds", "bookmark_group"),
    "duplicates": ("discover_cmds", "duplicates_cmd"),
    "export": ("annotation_cmds", "export_cmd"),
    "feed": ("feed_cmds", "feed_group"),
    "highlight": ("annotation_cmds", "highlight_group"),
    "import": ("annotation_cmds", "import_cmd"),
    "import-articles": ("import_cmds", "import_articles_cmd"),
    "index": ("search_cmds", "index_cmd"),
    "list": ("library_cmds", "list_cmd"),
    "outline": ("outline_cmd", "outline_cmd"),
    "related": ("discover_cmds", "related_cmd"),
    "saved": ("saved_cmds", "saved_group"),
    "search": ("search_cmds", "search_cmd"),
    "server": ("server_cmds", "server_group"),
    "show": ("library_cmds", "show_cmd"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run (or help lists them all)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = COMMANDS.get(cmd_name)
        if found is None:
            return None
        module_name, attribute = found
        from importlib import import_module

        command = getattr(import_module(f"tuireader.cli.{module_name}"), attribute)
        assert isinstance(command, click.Command) and command.name == cmd_name
        return command


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


def run(argv: list[str] | None = None) -> None:
    """`main` once a command needs the group: clean one-line errors, no tracebacks
    (exit 1), usage errors exit 2."""
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
