"""Line-API widgets for the reader: fast at any library or article size."""

from __future__ import annotations

from tuireader.tui.widgets.article_list import ArticleList, ListRow

__all__ = ["ArticleList", "ListRow"]
