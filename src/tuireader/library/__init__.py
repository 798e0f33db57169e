"""The library as the front ends see it: articles by reference (`collection`) and the
annotations kept attached to them through the search catalog (`annotation_sync`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuireader.articles.errors import ArticleNotFound

if TYPE_CHECKING:
    from tuireader.library.collection import Library

__all__ = ["ArticleNotFound", "Library"]


def __getattr__(name: str) -> Any:
    """`Library` loads the parsers (and dateutil): not before the reader's first frame,
    which needs only the small modules beside it (mark_filters)."""
    if name != "Library":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from tuireader.library.collection import Library

    globals()["Library"] = Library
    return Library
