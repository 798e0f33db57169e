"""The library as the rest of the app sees it: resolve a reference, list the articles.

Backed by the search layer's catalog (`tuireader.search`): listing re-parses only files whose
size or mtime changed since the last look, so a big library lists at the cost of a directory
walk. Articles from `articles()` come from the catalog's copy (Markdown `source` is not kept
there); `get()` parses the file itself, so the reader always sees the file as it is now.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.articles.errors import ArticleNotFound
from tuireader.articles.model import Article
from tuireader.articles.scan import FileEntry, Skipped, parse_entry, walk_library

if TYPE_CHECKING:
    from tuireader.search import SearchService

__all__ = ["ArticleNotFound", "Library"]


@dataclass
class Library:
    root: Path
    cache_dir: Path | None = None  # default: the library's folder in the XDG cache dir
    skipped: list[Skipped] = field(default_factory=list, init=False)
    _articles: list[Article] | None = field(default=None, init=False, repr=False)
    _service: SearchService | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    @property
    def service(self) -> SearchService:
        if self._service is None:
            from tuireader.config import AppPaths
            from tuireader.search import SearchService

            cache = self.cache_dir or AppPaths.from_environment().library_cache(self.root)
            self._service = SearchService(self.root, cache)
        return self._service

    def refresh(self) -> None:
        """Bring the catalog up to date (not the full-text index: that is `index`'s job)."""
        summary = self.service.refresh(index=False)
        if summary.busy:  # another process is writing: report what the catalog knows
            known = self.service.catalog.known_skipped()
            self.skipped = [Skipped(p, reason) for p, (_s, _m, reason) in sorted(known.items())]
        else:
            self.skipped = [Skipped(p, r) for p, r in sorted(summary.skipped)]

    def articles(self) -> list[Article]:
        if self._articles is None:
            self.refresh()
            catalog = self.service.catalog
            entries = sorted(catalog.entries(), key=lambda e: e.path)
            bodies = catalog.bodies([e.id for e in entries])
            from tuireader.search.catalog import to_article

            self._articles = [to_article(e, bodies.get(e.id, "")) for e in entries]
        return self._articles

    def get(self, ref: str) -> Article:
        """An article by id, by a unique id prefix, by path relative to the library, or by a
        path on disk."""
        ref_path = Path(ref)
        if ref_path.is_absolute() or ref_path.exists():
            with contextlib.suppress(ValueError):
                ref = ref_path.resolve().relative_to(self.root.resolve()).as_posix()
        if self.service.entry(ref) is None:
            self.refresh()
            if self.service.entry(ref) is None and not self._inside(ref):
                # `show ../../etc/passwd` or `/etc/passwd`: not an article of this library
                raise ArticleNotFound(f"no article with id or path {ref!r} in the library")
        return self.service.article(ref)

    def _inside(self, ref: str) -> bool:
        root = self.root.resolve()
        try:
            return (root / ref).resolve().is_relative_to(root)
        except (OSError, ValueError):
            return False

    def read(self, entry: FileEntry) -> Article | Skipped:
        return parse_entry(entry)

    def files(self) -> list[FileEntry]:
        return list(walk_library(self.root))
