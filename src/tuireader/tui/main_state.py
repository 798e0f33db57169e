"""The main screen's state, in three typed records the controllers share.

State flows down: the screen owns one of each, hands them to its controllers (see
tui/controllers/) and draws the status line from them. Nothing else keeps list, reading or
indexing state, so a test (or a new feature) reads it in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuireader.tui.listing import ListFilters

if TYPE_CHECKING:  # the annotation store loads late (see the start-up bench)
    from tuireader.annotations import ArticleMarks
    from tuireader.articles.model import Article
    from tuireader.search.models import CatalogEntry, Hit


@dataclass
class ListState:
    """What the list pane answers: the catalog, the query, its results, sorts and filters."""

    query_text: str = ""
    sort: str = "date"  # when browsing
    search_sort: str = "relevance"  # when a query is typed
    filters: ListFilters = field(default_factory=ListFilters)
    entries: dict[str, CatalogEntry] = field(default_factory=dict)
    marks: dict[str, ArticleMarks] = field(default_factory=dict)
    feed_titles: dict[str, str] = field(default_factory=dict)  # feed name -> its title
    shown: list[CatalogEntry | Hit] = field(default_factory=list)
    hits: dict[str, Hit] = field(default_factory=dict)
    total: int = 0
    total_is_estimate: bool = False  # a big index counts part of it and scales
    search_note: str = ""  # why the query could not be used
    shown_query: str = ""  # the query the listed rows answer
    catalog_count: int = 0  # shown before every entry is loaded
    suggestion: str | None = None  # did-you-mean for the listed query

    @property
    def query(self) -> str:
        return self.query_text.strip()

    @property
    def current_sort(self) -> str:
        return self.search_sort if self.query else self.sort


@dataclass
class ReaderState:
    """The open article and where the reader is in it."""

    article: Article | None = None
    hit_counter: str = ""  # "hit 3/17", empty when the article has no search hits
    percent: float = 0.0


@dataclass
class IndexState:
    """The indexer child process and the library's reloads it triggers."""

    status: str = ""  # "indexing 120/900", shown on the status line
    ingest_status: str = ""  # "feeds 2/5: name", "fetching the page…"
    running: bool = False
    settled_once: bool = False  # annotations reconciled after the first indexing
    told_annotations: bool = False  # "annotations are unavailable" is said once
    last_reload: float = 0.0
    last_check: float = 0.0
    generation: int | None = None  # the catalog generation the list shows (library/live.py)
    again: bool = False  # files changed while the indexer ran: run it once more after
