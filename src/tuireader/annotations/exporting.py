"""`export_annotations`: one entry point for the four export formats."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tuireader.annotations.export_common import ArticleLookup, collect
from tuireader.annotations.export_csv import render_csv
from tuireader.annotations.export_json import render_json
from tuireader.annotations.export_markdown import render_markdown
from tuireader.annotations.export_netscape import render_netscape
from tuireader.annotations.models import AnnotationError, utc_now

if TYPE_CHECKING:
    from tuireader.annotations.store import AnnotationStore

FORMATS = ("markdown", "json", "csv", "html")


def export_annotations(
    store: AnnotationStore,
    articles: ArticleLookup,
    fmt: str,
    *,
    article_id: str | None = None,
    exported_at: datetime | None = None,
    ids: bool = False,
) -> str:
    """The store's annotations as `fmt` (markdown | json | csv | html).

    `articles` maps an article id to the current Article (a mapping or a callable returning
    None for a file that is gone); it only refreshes metadata: annotations of missing files
    are exported from their snapshots. `article_id` limits the export to one article;
    `ids`: Markdown shows the annotation ids and offsets (for `highlight remove ID`).
    For one Obsidian note per article, see `export_obsidian.write_obsidian`.
    """
    groups = collect(store, articles, article_id)
    if fmt == "markdown":
        return render_markdown(groups, ids=ids)
    if fmt == "json":
        return render_json(groups, exported_at or utc_now())
    if fmt == "csv":
        return render_csv(groups)
    if fmt == "html":
        return render_netscape(groups, store.library_root)
    raise AnnotationError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
