"""Why a file was not turned into an article."""

from __future__ import annotations


class SkipFile(Exception):
    """Raised by a parser for a file that is not an article (binary, empty, too big...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ArticleNotFound(LookupError):
    """No article matches the id or path the user gave."""
