"""The per-item boundary of every importer and fetcher: one bad item is one line.

The readers check what they know can go wrong (missing fields, wrong types, damaged
members) and say so; this is the net under them, at the loop over items, for what no one
foresaw in a hostile file. The reason is the exception's own words, never its class name,
and the loop goes on with the next item.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tuireader.ingest.report import ImportReport


def reason(exc: BaseException, *, limit: int = 300) -> str:
    """The exception's message as one line (its class name never: it means nothing to a user)."""
    if isinstance(exc, MemoryError):
        return "too large to read"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    text = " ".join(str(exc).split())
    return text[:limit] or "unreadable data"


@contextmanager
def one_item(report: ImportReport, label: str) -> Iterator[None]:
    """Run one item's import; anything it raises becomes `label: reason` in the report."""
    try:
        yield
    except Exception as exc:  # the item boundary (MemoryError, RecursionError included)
        report.failed.append((label, f"could not be imported ({reason(exc)})"))
