"""Printing for the CLI: JSON for scripts, inert text for people."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console

from tuireader.articles.scan import Skipped, display_path
from tuireader.textsafe import clean_line


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def console() -> Console:
    """A console that never interprets markup or emoji codes in what it prints."""
    return Console(markup=False, emoji=False, highlight=False, soft_wrap=False)


def warn_skipped(skipped: list[Skipped]) -> None:
    for item in skipped:
        click.echo(f"warning: {display_path(item.path)}: {item.reason}", err=True)


def safe(value: object) -> str:
    return clean_line(str(value)) if value is not None else ""


def is_terminal() -> bool:
    return sys.stdout.isatty()
