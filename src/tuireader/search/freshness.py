"""Is the library still as the catalog last saw it? Asked of the folders, without a walk.

Walking a library stats every file (0.8-0.9 s at 100k articles, most of a CLI search). A
folder's mtime changes whenever a file in it is added, removed or renamed (which includes
editors that save by writing a new file and renaming it over the old one), so after a walk
that the catalog matches, the folders' mtimes are kept here (`folders.json` in the cache
folder, with the walk's digest). A later `SearchService.stale(quick=True)` stats only those
folders: all the same, and the snapshot belongs to the catalog's current walk digest, means
no file was added, removed or renamed.

What folders cannot show is a file rewritten in place (`echo >> note.md`, editors that
overwrite). Three things cover it, and `stale(quick=True)` is only used where they hold
(the CLI's `search`): the files of the hits shown are stat'ed and a changed one makes the
CLI index and search again (`SearchService.changed_on_disk`), so what is shown is never
stale; the snapshot is trusted for FULL_WALK_AFTER seconds after its walk, then a full walk
runs; and `tuireader index`, the reader and the library watch always walk. So an article
edited in place that is not among the hits is found at the latest FULL_WALK_AFTER seconds
later.

A folder changed within RACY_NS of its walk is not trusted (file times are coarse: a file
added in the same clock tick could leave the folder's mtime as it was), as git does.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuireader.search.catalog import Catalog

SNAPSHOT = "folders.json"
FULL_WALK_AFTER = 120.0  # seconds a snapshot stands in for a walk
RACY_NS = 2_000_000_000  # a folder changed this close to its walk is walked again


@dataclass
class Walk:
    """What one walk saw of the folders (walk_library fills `folders` as it goes)."""

    started_ns: int = field(default_factory=time.time_ns)
    folders: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FolderSnapshot:
    digest: str  # the walk digest the catalog was brought to (refresh.walk_digest)
    walked_ns: int  # time.time_ns() when that walk started
    folders: dict[str, int | None]  # folder under the root -> mtime_ns (None: racy)


def save(cache_dir: Path, digest: str, walked_ns: int, folders: dict[str, int]) -> None:
    """Keep a walk's folders (best effort: without the file, searches walk)."""
    kept = {k: (None if v >= walked_ns - RACY_NS else v) for k, v in folders.items()}
    data = {"digest": digest, "walked_ns": walked_ns, "folders": kept}
    path = Path(cache_dir) / SNAPSHOT
    tmp = path.with_name(f"{SNAPSHOT}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def load(cache_dir: Path) -> FolderSnapshot | None:
    try:
        data = json.loads((Path(cache_dir) / SNAPSHOT).read_text(encoding="utf-8"))
        snapshot = FolderSnapshot(str(data["digest"]), int(data["walked_ns"]), data["folders"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return snapshot if isinstance(snapshot.folders, dict) else None


def forget(cache_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (Path(cache_dir) / SNAPSHOT).unlink(missing_ok=True)


def unchanged(root: Path, snapshot: FolderSnapshot | None, digest: str | None) -> bool:
    """Whether every folder of the snapshot's walk is as it was, the snapshot belongs to
    the catalog's walk `digest` and is younger than FULL_WALK_AFTER (False: walk)."""
    if snapshot is None or digest is None or snapshot.digest != digest or not snapshot.folders:
        return False
    age = time.time_ns() - snapshot.walked_ns
    if not 0 <= age <= FULL_WALK_AFTER * 1e9:
        return False
    base = str(root)
    for folder, mtime_ns in snapshot.folders.items():
        if mtime_ns is None:
            return False
        try:
            st = os.stat(os.path.join(base, folder) if folder else base)
        except OSError:
            return False
        if st.st_mtime_ns != mtime_ns:
            return False
    return True


def changed(root: Path, catalog: Catalog, paths: Iterable[str]) -> bool:
    """Whether any of these catalogued files is gone or differs (size, mtime) from what the
    catalog recorded: the hits a quick check is about to show."""
    paths = list(paths)
    known = catalog.details(paths)
    for path in paths:
        seen = known.get(path)
        try:
            st = os.stat(Path(root) / path)
        except OSError:
            return True
        if seen is None or (st.st_size, st.st_mtime_ns) != (seen.size, seen.mtime_ns):
            return True
    return False
