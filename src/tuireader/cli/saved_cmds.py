"""`tuireader saved`: name a query with its sort and filters, list, run and forget them.

The same file as the reader's `S` and `ctrl+s` (storage/saved_searches.py), so a search
saved in one is there in the other.
"""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.output import console, echo_json, safe
from tuireader.cli.search_cmds import annotation_source, run_search
from tuireader.library.mark_filters import feed_folder, mark_filter_ids
from tuireader.search import SORTS, Filters, SearchService
from tuireader.storage import saved_searches as saved
from tuireader.storage.saved_searches import SavedSearch, SavedSearchError


def _load(app: AppContext) -> list[SavedSearch]:
    try:
        return saved.load(app.paths.saved_searches_file)
    except SavedSearchError as exc:
        raise CliError(str(exc)) from exc


@click.group("saved")
def saved_group() -> None:
    """Saved searches: a name for a query, its sort and filters (shared with the reader)."""


@saved_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def list_cmd(app: AppContext, as_json: bool) -> None:
    """The saved searches, numbered (the number runs one too)."""
    searches = _load(app)
    if as_json:
        echo_json([{"number": i, **s.__dict__} for i, s in enumerate(searches, 1)])
        return
    if not searches:
        click.echo('No saved searches yet: tuireader saved add NAME "QUERY"', err=True)
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    for i, s in enumerate(searches, 1):
        table.add_row(
            Text(str(i), style="dim"), Text(safe(s.name), style="bold"), safe(s.describe())
        )
    console().print(table)


@saved_group.command("add")
@click.argument("name")
@click.argument("query", nargs=-1)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--author", help="Only articles by this author.")
@click.option("--tag", help="Only articles with this tag.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "epub"]))
@click.option("--bookmarked", is_flag=True, help="Only bookmarked articles.")
@click.option("--unread", is_flag=True, help="Only unread articles.")
@click.option("--feed", help="Only articles of this feed.")
@pass_app
def add_cmd(
    app: AppContext,
    name: str,
    query: tuple[str, ...],
    sort: str,
    author: str | None,
    tag: str | None,
    fmt: str | None,
    bookmarked: bool,
    unread: bool,
    feed: str | None,
) -> None:
    """Save QUERY (and the options) as NAME; a search of the same name is replaced."""
    search = SavedSearch(name, " ".join(query), sort, author, tag, fmt, bookmarked, unread, feed)
    try:
        searches = saved.add(app.paths.saved_searches_file, search)
    except SavedSearchError as exc:
        raise CliError(str(exc)) from exc
    kept = saved.find(searches, name)
    number = searches.index(kept) + 1 if kept else len(searches)
    click.echo(f"saved {number}: {safe(kept.name if kept else name)}")


@saved_group.command("remove")
@click.argument("name")
@pass_app
def remove_cmd(app: AppContext, name: str) -> None:
    """Forget the saved search NAME (or number)."""
    _load(app)  # an unreadable file is said, not overwritten
    try:
        gone = saved.remove(app.paths.saved_searches_file, name)
    except SavedSearchError as exc:
        raise CliError(str(exc)) from exc
    if gone is None:
        raise CliError(f"no saved search {name!r}: tuireader saved list shows them")
    click.echo(f"removed {safe(gone.name)}")


@saved_group.command("run")
@click.argument("name")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_app
def run_cmd(app: AppContext, name: str, limit: int, as_json: bool) -> None:
    """Run the saved search NAME (or number), as `tuireader search` would."""
    found = saved.find(_load(app), name)
    if found is None:
        raise CliError(f"no saved search {name!r}: tuireader saved list shows them")
    filters = Filters(author=found.author, tag=found.tag, format=found.format)
    run_search(
        app,
        found.query,
        limit=limit,
        sort=found.sort,
        filters=filters,
        as_json=as_json,
        wait=30,
        restrict=lambda svc: _mark_ids(app, svc, found),
    )


def _mark_ids(app: AppContext, svc: SearchService, search: SavedSearch) -> frozenset[str] | None:
    folder = feed_folder(search.feed)
    if not (search.bookmarked or search.unread or folder):
        return None
    marks = {}
    if search.bookmarked or search.unread:
        source = annotation_source(app)
        store = source.store()
        marks = store.marks() if store is not None else {}
    return mark_filter_ids(
        svc.entries(), marks, bookmarked=search.bookmarked, unread=search.unread, folder=folder
    )
