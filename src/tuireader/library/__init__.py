"""The library as the front ends see it: articles by reference (`collection`) and the
annotations kept attached to them through the search catalog (`annotation_sync`)."""

from __future__ import annotations

from tuireader.library.collection import ArticleNotFound, Library

__all__ = ["ArticleNotFound", "Library"]
