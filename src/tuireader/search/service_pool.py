"""Search services kept open between commands, for the resident server (tuireader.server).

A command in its own process makes a `SearchService` and drops it at exit; the server asks
for the same library again and again, and an open service keeps what makes the next search
fast (the open index, its posting cache, the catalog's entries). Off unless `keep_open` was
called, so nothing changes for a command that runs in its own process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuireader.search.service import SearchService

_kept: dict[tuple[Path, Path], SearchService] | None = None
_on_open: Callable[[SearchService], None] | None = None
_root: Path | None = None


def keep_open(
    on_open: Callable[[SearchService], None] | None = None, cache_root: Path | None = None
) -> None:
    """Keep services from now on, of caches under `cache_root` only; `on_open` is told of
    each new one (the server watches its library)."""
    global _kept, _on_open, _root
    if _kept is None:
        _kept = {}
    _on_open = on_open
    _root = cache_root.resolve() if cache_root is not None else None


def get(library_root: Path, cache_dir: Path) -> SearchService:
    """A service for this library: the kept one when keeping, else a new one. A kept one
    holds the absolute root, since the server runs each request in the caller's folder."""
    if _kept is None:
        return SearchService(library_root, cache_dir)
    key = (Path(library_root).resolve(), Path(cache_dir).resolve())
    if _root is not None and not key[1].is_relative_to(_root):
        return SearchService(*key)  # a temporary cache (the real one is read-only): not kept
    found = _kept.get(key)
    if found is None:
        found = _kept[key] = SearchService(*key)
        if _on_open is not None:
            _on_open(found)
    return found


def close_all() -> None:
    global _kept, _on_open
    for svc in (_kept or {}).values():
        svc.close()
    _kept = _on_open = None


def kept() -> list[Path]:
    """The libraries whose services are open."""
    return [root for root, _cache in (_kept or {})]
