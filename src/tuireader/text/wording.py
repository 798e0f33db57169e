"""Counts in words, the same in the CLI and the reader ("1 result", "2,000 results")."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
