"""`tuireader index` and `tuireader search` (filled in by the search work)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the search commands to the CLI."""
