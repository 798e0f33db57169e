"""Line-API widgets for the reader: fast at any library or article size."""

from __future__ import annotations

from tuireader.tui.widgets.article_list import ArticleList, ListRow
from tuireader.tui.widgets.reader_document import HighlightSpan, ReaderDocument
from tuireader.tui.widgets.reader_view import ReaderView

__all__ = ["ArticleList", "HighlightSpan", "ListRow", "ReaderDocument", "ReaderView"]
