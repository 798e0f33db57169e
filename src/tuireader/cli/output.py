"""Printing for the CLI: JSON for scripts, inert text for people."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

import click

from tuireader.articles.scan import Skipped, display_path
from tuireader.text.inert import clean_line, inert_json

if TYPE_CHECKING:
    from rich.console import Console


def to_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON (UTF-8, not ASCII-escaped) that is safe to print to a terminal."""
    return inert_json(json.dumps(data, ensure_ascii=False, indent=indent))


def echo_json(data: Any) -> None:
    click.echo(to_json(data))


# `list` and `search` print one article a line for scripts (`| wc -l`, `| cut -f1`).
plain_option = click.option(
    "--plain/--pretty",
    "plain",
    default=None,
    help="One article a line, tab-separated: id, date, title, author (the default when "
    "output is not a terminal); --pretty for the table a person reads.",
)


def plain_output(choice: bool | None) -> bool:
    """Plain records unless asked otherwise or printing to a terminal."""
    if choice is not None:
        return choice
    return not sys.stdout.isatty()


def echo_record(*fields: object) -> None:
    """One tab-separated line; a field never holds a tab, a newline or a control code."""
    click.echo("\t".join(safe(field).replace("\t", " ") for field in fields))


def console() -> Console:
    """A console that never interprets markup or emoji codes in what it prints."""
    from rich.console import Console  # only where Rich prints: JSON and piped output skip it

    return Console(markup=False, emoji=False, highlight=False, soft_wrap=False)


def warn_skipped(skipped: list[Skipped]) -> None:
    for item in skipped:
        click.echo(f"warning: {display_path(item.path)}: {visible(item.reason)}", err=True)


def safe(value: object) -> str:
    return clean_line(str(value)) if value is not None else ""


# Spaces other than U+0020 (no-break, thin, ideographic ...) print as one plain space, and
# invisible marks (soft hyphen, zero-width) go: a title from an export is full of them, and
# "\xa0" in a failure line tells a person nothing.
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def visible(message: str) -> str:
    """A message (it may quote a path or a query) with control characters shown as escapes."""
    return display_path(_INVISIBLE.sub("", _ODD_SPACES.sub(" ", message)))


def is_terminal() -> bool:
    return sys.stdout.isatty()
