"""Printing for the CLI: JSON for scripts, inert text for people."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import click
from rich.console import Console

from tuireader.articles.scan import Skipped, display_path
from tuireader.textsafe import clean_line

# Code points JSON may carry raw but a terminal would act on (C1 controls, bidi and
# zero-width marks, line separators) or an encoder would refuse (lone surrogates from
# undecodable file names): written as \uXXXX escapes, so the JSON means the same.
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def to_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON (UTF-8, not ASCII-escaped) that is safe to print to a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo_json(data: Any) -> None:
    click.echo(to_json(data))


def console() -> Console:
    """A console that never interprets markup or emoji codes in what it prints."""
    return Console(markup=False, emoji=False, highlight=False, soft_wrap=False)


def warn_skipped(skipped: list[Skipped]) -> None:
    for item in skipped:
        click.echo(f"warning: {display_path(item.path)}: {visible(item.reason)}", err=True)


def safe(value: object) -> str:
    return clean_line(str(value)) if value is not None else ""


def visible(message: str) -> str:
    """A message (it may quote a path or a query) with control characters shown as escapes."""
    return display_path(message)


def is_terminal() -> bool:
    return sys.stdout.isatty()
