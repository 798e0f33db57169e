"""The library as the rest of the app sees it: resolve a reference, list the articles.

This first version parses the folder on demand; the search layer's catalog replaces the
listing with a cached one without changing this interface.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from tuireader.articles.model import Article
from tuireader.articles.scan import FileEntry, Skipped, parse_entry, scan_library, walk_library


class ArticleNotFound(LookupError):
    """No article matches the id or path the user gave."""


@dataclass
class Library:
    root: Path
    _articles: list[Article] | None = field(default=None, init=False, repr=False)
    skipped: list[Skipped] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    def articles(self) -> list[Article]:
        if self._articles is None:
            self._articles, self.skipped = [], []
            for item in scan_library(self.root):
                if isinstance(item, Skipped):
                    self.skipped.append(item)
                else:
                    self._articles.append(item)
        return self._articles

    def get(self, ref: str) -> Article:
        """An article by id, by path relative to the library, or by a path on disk."""
        ref_path = Path(ref)
        if ref_path.is_absolute() or ref_path.exists():
            with contextlib.suppress(ValueError):
                ref = ref_path.resolve().relative_to(self.root.resolve()).as_posix()
        for article in self.articles():
            if ref in (article.id, article.path):
                return article
        matches = [a for a in self.articles() if a.id.startswith(ref)] if len(ref) >= 4 else []
        if len(matches) == 1:
            return matches[0]
        raise ArticleNotFound(f"no article with id or path {ref!r}")

    def read(self, entry: FileEntry) -> Article | Skipped:
        return parse_entry(entry)

    def files(self) -> list[FileEntry]:
        return list(walk_library(self.root))
