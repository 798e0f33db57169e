"""Saved searches: a name for a query with its sort and filters, kept in the data dir.

One JSON file for every library (a query such as `has:note date:7d` is worth keeping
whichever folder is open). The program writes it, so it is not config.toml, which is the
user's own. A file that cannot be read is never overwritten: saving says why and what to do,
so a hand edit gone wrong loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from tuireader.annotations.atomic import write_atomically
from tuireader.text.inert import clean_line

MAX_NAME = 60
MAX_QUERY = 1000
SORTS = ("relevance", "date", "title", "author")


class SavedSearchError(ValueError):
    """A saved search that cannot be kept or read (the message is for the user)."""


@dataclass(frozen=True)
class SavedSearch:
    """What the list pane shows for a query: the query, its sort and the filters."""

    name: str
    query: str = ""
    sort: str = "relevance"
    author: str | None = None
    tag: str | None = None
    format: str | None = None
    bookmarked: bool = False
    unread: bool = False
    feed: str | None = None

    def describe(self) -> str:
        """One line: the query, then what else it keeps (for lists and the dialog)."""
        parts = [self.query or "(every article)"]
        if self.sort != "relevance":
            parts.append(f"by {self.sort}")
        parts += filter_labels(
            author=self.author,
            tag=self.tag,
            format=self.format,
            feed=self.feed,
            bookmarked=self.bookmarked,
            unread=self.unread,
        )
        return " · ".join(parts)


def filter_labels(
    *,
    author: str | None = None,
    tag: str | None = None,
    format: str | None = None,
    feed: str | None = None,
    bookmarked: bool = False,
    unread: bool = False,
) -> list[str]:
    """The list's filters in words ("author: Okafor", "bookmarked"), in one order for the
    reader's status line and saved searches."""
    named = (("author", author), ("tag", tag), ("format", format), ("feed", feed))
    labels = [f"{label}: {value}" for label, value in named if value]
    return labels + [word for word, on in (("bookmarked", bookmarked), ("unread", unread)) if on]


def checked(search: SavedSearch) -> SavedSearch:
    """The search with its name tidied, or SavedSearchError saying what is wrong."""
    name = " ".join(clean_line(search.name).split())
    if not name:
        raise SavedSearchError("a saved search needs a name")
    if len(name) > MAX_NAME:
        raise SavedSearchError(f"the name is longer than {MAX_NAME} characters")
    if len(search.query) > MAX_QUERY:
        raise SavedSearchError(f"the query is longer than {MAX_QUERY} characters")
    if search.sort not in SORTS:
        raise SavedSearchError(f"unknown sort {search.sort!r}: use {', '.join(SORTS)}")
    if not (search.query.strip() or _has_filters(search)):
        raise SavedSearchError("nothing to save: no query and no filters")
    return SavedSearch(**{**asdict(search), "name": name})


def _has_filters(s: SavedSearch) -> bool:
    return bool(s.author or s.tag or s.format or s.bookmarked or s.unread or s.feed)


def load(path: Path) -> list[SavedSearch]:
    """Every saved search in the order saved ([] when there is no file yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise SavedSearchError(f"cannot read saved searches in {path}: {exc}") from exc
    try:
        data = json.loads(text)
        items = data["searches"]
        return [_from_dict(item) for item in items]
    except (ValueError, KeyError, TypeError) as exc:
        raise SavedSearchError(
            f"{path} is not a saved-searches file tuireader can read ({exc}); "
            "fix or move it away to save searches again"
        ) from exc


def _from_dict(item: Any) -> SavedSearch:
    if not isinstance(item, dict):
        raise TypeError("each search must be an object")
    known = {f.name for f in fields(SavedSearch)}
    values = {k: v for k, v in item.items() if k in known}
    for key, value in values.items():
        wanted = bool if key in ("bookmarked", "unread") else str
        if value is not None and not isinstance(value, wanted):
            raise TypeError(f"{key} of {item.get('name')!r} is not a {wanted.__name__}")
    return checked(SavedSearch(**values))


def save(path: Path, searches: list[SavedSearch]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"searches": [asdict(s) for s in searches]}
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def find(searches: list[SavedSearch], name: str) -> SavedSearch | None:
    """By name, any case; or by its number in the list (1 is the first)."""
    wanted = " ".join(name.split()).casefold()
    for s in searches:
        if s.name.casefold() == wanted:
            return s
    if wanted.isdigit() and 1 <= int(wanted) <= len(searches):
        return searches[int(wanted) - 1]
    return None


def add(path: Path, search: SavedSearch) -> list[SavedSearch]:
    """Save (or replace the one with the same name, in its place); the new list."""
    search = checked(search)
    searches = load(path)
    for i, s in enumerate(searches):
        if s.name.casefold() == search.name.casefold():
            searches[i] = search
            break
    else:
        searches.append(search)
    save(path, searches)
    return searches


def remove(path: Path, name: str) -> SavedSearch | None:
    """Forget one (by name or number); the removed search, None if there was none."""
    searches = load(path)
    found = find(searches, name)
    if found is not None:
        save(path, [s for s in searches if s is not found])
    return found
