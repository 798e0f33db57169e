"""Walk a library folder: every article file, parsed, or skipped with a reason.

The walk itself (`walk_library`) only lists and stats files, so the catalog can compare a big
library with what it knows at the cost of a directory listing. Hidden folders and files are
ignored, symlinked folders are followed once (loops are safe). A file without an extension is
an article only when its first 4 KB say so (a mail/Usenet post, a page, front matter).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tuireader.articles.errors import SkipFile
from tuireader.articles.model import Article
from tuireader.articles.registry import (
    MAX_BYTES,
    SNIFF_BYTES,
    is_article_file,
    parse_bytes,
    sniff_extensionless,
)
from tuireader.storage.orphans import die_with_parent


@dataclass(frozen=True)
class FileEntry:
    """A candidate article file as the walk saw it."""

    relpath: str
    abspath: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Skipped:
    """A file that is not an article, and why."""

    path: str
    reason: str


def display_path(relpath: str) -> str:
    """A path safe to print: undecodable bytes and control characters made visible."""
    text = relpath.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def walk_library(root: Path, folders: dict[str, int] | None = None) -> Iterator[FileEntry]:
    """Yield every article file under root (sorted for stable order), with its stat.
    `folders`, when given, receives each folder read (its path under root, "" for root)
    and its mtime_ns as stat saw it before it was read (search.freshness's snapshot).

    Speed matters (re-opening a 100k library walks it): one `os.scandir` per folder, the
    entry's cached type (no syscall for plain files and folders), one stat per article file
    and a per-walk cache of "is this extension an article" (a `PurePosixPath` per name cost
    half the walk).
    """
    article_suffix: dict[str, bool] = {}
    seen_dirs: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
    except OSError:
        return
    stack = [(str(root), "", (st.st_dev, st.st_ino), st.st_mtime_ns)]
    while stack:
        directory, prefix, key, mtime_ns = stack.pop()
        if key in seen_dirs:  # a symlink loop, or a folder linked twice
            continue
        seen_dirs.add(key)
        if folders is not None:
            folders[prefix] = mtime_ns
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~")) or name.endswith((".tmp", ".swp")):
                continue
            try:
                if entry.is_dir(follow_symlinks=True):
                    stat = entry.stat(follow_symlinks=True)
                    place = (stat.st_dev, stat.st_ino)
                    subdirs.append((entry.path, f"{prefix}{name}/", place, stat.st_mtime_ns))
                    continue
                dot = name.rfind(".")
                suffix = name[dot:].lower() if dot > 0 else ""
                known = article_suffix.get(suffix)
                if known is None:
                    known = article_suffix[suffix] = is_article_file(name)
                if not (known or not suffix) or not entry.is_file(follow_symlinks=True):
                    continue
                if not known and not _sniffed_article(entry.path):
                    continue
                stat = entry.stat(follow_symlinks=True)
            except OSError:
                continue
            yield FileEntry(f"{prefix}{name}", entry.path, stat.st_size, stat.st_mtime_ns)
        stack.extend(reversed(subdirs))


def _sniffed_article(path: str) -> bool:
    """An extensionless file that reads as an article (`sniff_extensionless`)."""
    try:
        with open(path, "rb") as handle:
            return sniff_extensionless(handle.read(SNIFF_BYTES))
    except OSError:
        return False


def parse_entry(entry: FileEntry) -> Article | Skipped:
    """Read and parse one file; every failure becomes a Skipped with a reason."""
    if entry.size > MAX_BYTES:
        return Skipped(entry.relpath, f"too large ({entry.size / 1e6:.1f} MB > 20 MB)")
    try:
        with open(entry.abspath, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except PermissionError:
        return Skipped(entry.relpath, "permission denied")
    except OSError as exc:
        return Skipped(entry.relpath, f"unreadable: {exc.strerror or exc}")
    try:
        return parse_bytes(entry.relpath, data)
    except SkipFile as exc:
        return Skipped(entry.relpath, exc.reason)


T = TypeVar("T")


def parse_entries(
    entries: Iterable[FileEntry],
    *,
    processes: int = 1,
    parse: Callable[[FileEntry], T] = parse_entry,  # type: ignore[assignment]
) -> Iterator[T]:
    """Parse entries, in worker processes (spawned, never forked) for large batches.

    `parse` (a module-level function, so workers can import it) may do more per file than
    `parse_entry`, so that work runs in the workers too instead of in the caller."""
    entries = list(entries)
    if processes <= 1 or len(entries) < 200:
        for entry in entries:
            yield parse(entry)
        return
    from concurrent.futures import ProcessPoolExecutor  # 16 ms of imports: only here
    from multiprocessing import get_context

    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=get_context("spawn"),
        initializer=die_with_parent,  # no orphaned workers after a kill -9 of the indexer
        initargs=(os.getpid(),),
    ) as pool:
        yield from pool.map(parse, entries, chunksize=64)


def scan_library(root: Path, *, processes: int = 1) -> Iterator[Article | Skipped]:
    """Every article under root, parsed, or skipped with a reason; never raises per file."""
    yield from parse_entries(walk_library(root), processes=processes)
