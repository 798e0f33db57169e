"""Turn a failed worker's exception into one line a reader can act on (never a traceback)."""

from __future__ import annotations

import sqlite3

# What each worker group was doing, for the start of the message.
_DOING = {
    "annotate": "Could not save the annotation",
    "marks": "Could not save the change",
    "position": "Could not save the reading position",
    "open": "Cannot open this article",
    "library": "Could not read the library",
    "listing": "Search failed",
    "indexer": "Indexing failed",
}


def describe_failure(group: str, error: BaseException) -> str:
    doing = _DOING.get(group, "Something went wrong")
    return f"{doing}: {explain(error)}"


def explain(error: BaseException) -> str:
    """The cause in plain words; the common disk troubles get a hint."""
    text = str(error).strip() or type(error).__name__
    lowered = text.casefold()
    if isinstance(error, sqlite3.Error):
        if "readonly" in lowered or "read-only" in lowered:
            return "the data folder is read-only (check its permissions)"
        if "disk is full" in lowered or "disk i/o" in lowered:
            return "the disk is full or failing; nothing was lost, free some space and retry"
        if "locked" in lowered or "busy" in lowered:
            return "another tuireader is busy with the data; try again in a moment"
        if "unable to open" in lowered:
            return "the data folder cannot be opened (missing or not writable)"
    if isinstance(error, PermissionError):
        return f"permission denied: {error.filename or text}"
    if isinstance(error, FileNotFoundError):
        return f"not found: {error.filename or text}"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return text.splitlines()[0][:300]
