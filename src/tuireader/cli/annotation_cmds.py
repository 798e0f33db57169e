"""`tuireader bookmark|highlight|export|import` (filled in by the annotations work)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the annotation commands to the CLI."""
