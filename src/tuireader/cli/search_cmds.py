"""`tuireader index` and `tuireader search`: the search layer on the command line.

`index --progress json` is the machine interface the TUI runs as a child process: one JSON
object per line on stdout (`{"phase", "done", "total"}`), then `{"summary": {...}}`.
Nothing here imports Textual.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from tuireader.articles.scan import Skipped, display_path
from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.output import (
    console,
    echo_json,
    echo_record,
    plain_option,
    plain_output,
    safe,
    to_json,
    visible,
    warn_skipped,
)
from tuireader.library.annotation_texts import StoreAnnotations
from tuireader.search import SORTS, Filters, IndexProgress, SearchResults, SearchService
from tuireader.text.inert import clean_line, clean_text
from tuireader.text.wording import counted

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from tuireader.annotations import AnnotationStore

EXIT_NO_HITS = 1
EXIT_BAD_QUERY = 2
EXIT_NO_INDEX = 3
_PHASES = {
    "scan": "Scanning",
    "parse": "Reading files",
    "index": "Indexing",
    "duplicates": "Finding copies",
    "arrays": "Preparing the index",
}


def service(app: AppContext) -> SearchService:
    """The library's search service (one kept open when the resident server runs this)."""
    from tuireader.search import service_pool

    return service_pool.get(app.library_root, app.paths.library_cache(app.library_root))


def annotation_source(app: AppContext) -> StoreAnnotations:
    """The user's notes for has:/note: and words in notes; the database is opened only if
    the query needs it, and never created by a search."""

    def open_store() -> AnnotationStore | None:
        db = app.paths.annotations_db
        if not db.is_file():
            return None
        from tuireader.annotations import AnnotationError, AnnotationStore  # 16 ms

        try:
            return AnnotationStore(db, app.library_root, allow_read_only=True)
        except AnnotationError as exc:
            raise CliError(str(exc)) from exc

    return StoreAnnotations(open_store)


@contextmanager
def progress_bar(out: Console) -> Iterator[Callable[[IndexProgress], None]]:
    """A rich progress bar (one task per phase), only drawn on a terminal."""
    from rich.progress import (  # only when indexing: 12 ms of imports
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(p: IndexProgress) -> None:
            if p.phase not in tasks:
                tasks[p.phase] = bar.add_task(_PHASES.get(p.phase, p.phase), total=p.total)
            bar.update(tasks[p.phase], completed=p.done, total=p.total)

        yield report


def _json_progress(p: IndexProgress) -> None:
    sys.stdout.write(json.dumps(p.to_dict()) + "\n")
    sys.stdout.flush()


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Forget the catalog and index and start over.")
@click.option(
    "--optimize",
    is_flag=True,
    help="Then merge the index into one segment (slow on big libraries; faster phrase search).",
)
@click.option(
    "--progress",
    "progress_mode",
    type=click.Choice(["auto", "json", "none"]),
    default="auto",
    help="json: one JSON object per line on stdout (for programs); auto: a bar on a terminal.",
)
@pass_app
def index_cmd(app: AppContext, rebuild: bool, optimize: bool, progress_mode: str) -> None:
    """Bring the catalog and the search index up to date with the library."""
    app.cache_fallback = False  # an index built in a throw-away folder would be lost
    svc = service(app)
    if progress_mode == "json":
        summary = svc.refresh(rebuild=rebuild, progress=_json_progress)
        if optimize and not summary.busy:
            _json_progress(IndexProgress("optimize", 0, 1))
            svc.optimize()
            _json_progress(IndexProgress("optimize", 1, 1))
        click.echo(to_json({"summary": summary.to_dict()}, indent=None))
        return
    if progress_mode == "auto" and sys.stdout.isatty():
        with progress_bar(console()) as report:
            summary = svc.refresh(rebuild=rebuild, progress=report)
    else:
        summary = svc.refresh(rebuild=rebuild)
    if summary.busy:
        raise CliError("another tuireader process is indexing this library; try again later")
    warn_skipped([Skipped(p, r) for p, r in summary.skipped])
    if optimize and not svc.optimize():
        raise CliError("another tuireader process is indexing this library; try again later")
    click.echo(summary.line())


def _marked(text: str, spans: list[tuple[int, int]]) -> Text:
    """The snippet as inert text with its matches in bold (each piece cleaned separately)."""
    from rich.text import Text

    out = Text()
    last = 0
    for start, end in spans:
        out.append(_inert(text[last:start]))
        out.append(_inert(text[start:end]), style="bold reverse")
        last = end
    out.append(_inert(text[last:]))
    return out


def _inert(piece: str) -> str:
    return " ".join(clean_text(piece).replace("\t", " ").split("\n"))


def _print_results(results: SearchResults, plain: bool | None = None) -> None:
    if plain_output(plain):
        for hit in results.hits:
            echo_record(
                hit.id, hit.date.date().isoformat() if hit.date else "", hit.title, hit.author
            )
        _print_total(results)
        return
    from rich.text import Text  # Rich only for a terminal: a script's search skips it

    out = console()
    for hit in results.hits:
        line = Text()
        line.append(hit.id, style="dim")
        line.append("  ")
        if hit.date:
            line.append(hit.date.date().isoformat() + "  ", style="dim")
        line.append(safe(hit.title), style="bold")
        if hit.author:
            line.append(f" — {safe(hit.author)}")
        out.print(line)
        if hit.snippet:
            out.print(Text("  ").append_text(_marked(hit.snippet, hit.snippet_matches)))
        out.print(Text(f"  {display_path(hit.path)}", style="dim"))
    _print_total(results)


def _print_total(results: SearchResults) -> None:
    shown = len(results.hits)
    more = f" (showing {shown})" if shown < results.total else ""
    about = "about " if results.total_is_estimate else ""
    click.echo(f"{about}{counted(results.total, 'result')}{more}", err=True)


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--author", help="Only articles by this author (exact, any case).")
@click.option("--tag", help="Only articles with this tag.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html"]))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@plain_option
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="While another process builds the first index, wait this long for its first batch.",
)
@pass_app
def search_cmd(
    app: AppContext,
    query: tuple[str, ...],
    limit: int,
    sort: str,
    author: str | None,
    tag: str | None,
    fmt: str | None,
    as_json: bool,
    plain: bool | None,
    wait: float,
) -> None:
    """Search the library (indexing what changed first).

    QUERY: words, "phrases", AND/OR/NOT, -word, title: author: tag: format:, date:2023,
    date:2023-03, date:[2023-01-01 to 2023-06-30], date:>2024-01, date:7d, wild*, fuzzy~;
    has:highlight has:bookmark has:note, note:word (your notes and tags). Plain words also
    find articles whose notes or highlights have them, listed after the text matches.
    Exit status: 0 when something was found, 1 when nothing was, 2 for an unusable query,
    3 when there is no index to search yet (another process is still building it).
    """
    filters = Filters(author=author, tag=tag, format=fmt)
    run_search(
        app,
        " ".join(query),
        limit=limit,
        sort=sort,
        filters=filters,
        as_json=as_json,
        wait=wait,
        plain=plain,
    )


def run_search(
    app: AppContext,
    text: str,
    *,
    limit: int,
    sort: str,
    filters: Filters,
    as_json: bool,
    wait: float,
    restrict: Callable[[SearchService], frozenset[str] | None] | None = None,
    plain: bool | None = None,
) -> None:
    """Search, print the results (or JSON) and exit with the search's status. `restrict`
    gives the ids a saved search's mark filters admit, once the catalog is up to date."""
    svc = service(app)
    busy = _catch_up(svc, quick=True)  # no walk when the folders say nothing moved
    notes = annotation_source(app)
    if restrict is not None:
        filters = replace(filters, ids=restrict(svc))

    def once() -> SearchResults:
        return svc.search(
            text,
            limit=limit,
            sort=sort,
            filters=filters if filters.active else None,
            annotations=notes,
            fold_copies=True,  # a group of copies is one result
        )

    results = once()
    if svc.changed_on_disk([h.path for h in results.hits]):
        busy = _catch_up(svc)  # a hit's file was rewritten in place: index, search again
        results = once()
    if results.unavailable and wait > 0 and svc.indexing_elsewhere():
        # a first build or a rebuild elsewhere: answer from its first batch rather than fail
        click.echo("waiting for another tuireader process to index the library…", err=True)
        svc.wait_for_index(wait)
        busy = _catch_up(svc)  # the other process may have stopped: finish the work here
        results = once()
    if busy:
        click.echo("note: another process is indexing; results may be incomplete", err=True)
    if as_json:
        echo_json(results.to_dict())
    elif not results.error:
        _print_results(results, plain)
    if results.suggestion:
        click.echo(f"Did you mean: {clean_line(results.suggestion)}", err=True)
    if results.error:
        click.echo(f"tuireader: {visible(results.error)}", err=True)
        sys.exit(EXIT_NO_INDEX if results.unavailable else EXIT_BAD_QUERY)
    if results.total == 0:
        sys.exit(EXIT_NO_HITS)


def _catch_up(svc: SearchService, *, quick: bool = False) -> bool:
    """Index what changed before searching; True when another process is writing instead."""
    if not svc.stale(quick=quick):
        return False
    if sys.stderr.isatty():
        from rich.console import Console

        with progress_bar(Console(stderr=True, markup=False, emoji=False)) as report:
            return svc.refresh(progress=report).busy
    return svc.refresh().busy
