"""`tuireader bookmark|highlight|export|import`: the annotation store from the shell.

ARTICLE is an id or a path, resolved by the library. Listing and exporting first reconcile
the store with the library, so annotations follow moved and edited files.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from tuireader.annotations import (
    COLORS,
    FORMATS,
    AnnotationError,
    AnnotationStore,
    Bookmark,
    Highlight,
    export_annotations,
    import_json,
    write_atomically,
)
from tuireader.annotations.export_common import percent
from tuireader.annotations.export_json import bookmark_dict, highlight_dict
from tuireader.articles.model import Article
from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.errors import describe_sqlite_error
from tuireader.cli.output import console, echo_json, safe, visible
from tuireader.library import ArticleNotFound
from tuireader.library.annotation_sync import CatalogArticle, reconciled_articles


@contextmanager
def open_store(app: AppContext) -> Iterator[AnnotationStore]:
    """The store of the current library; its errors become one-line CLI errors."""
    try:
        store = AnnotationStore(app.paths.annotations_db, app.library_root, allow_read_only=True)
    except AnnotationError as exc:
        cause = exc.__cause__
        if isinstance(cause, sqlite3.Error):  # add what to do about it
            raise CliError(describe_sqlite_error(cause, exc)) from exc
        raise CliError(str(exc)) from exc
    try:
        yield store  # sqlite errors go to main(), which names the database
    except AnnotationError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()


def find_article(app: AppContext, ref: str) -> Article:
    try:
        return app.library.get(ref)
    except ArticleNotFound as exc:
        raise CliError(str(exc)) from exc


def reconciled(app: AppContext, store: AnnotationStore) -> dict[str, CatalogArticle]:
    """Bring the store in line with the library; the current articles by id.

    Through the catalog, as the reader does: only annotated articles' bodies are read."""
    app.library.refresh()
    return reconciled_articles(store, app.library.service)


def _location(item: Bookmark | Highlight) -> str:
    if isinstance(item, Bookmark) and item.offset is None:
        return "article"
    length = item.article.length if item.article else 0
    return f"{percent(item.position, length)}%"


def _print_table(items: list[Bookmark] | list[Highlight], empty: str) -> None:
    if not items:
        click.echo(empty, err=True)
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "article", "at", "text", "note"):
        table.add_column(column, no_wrap=column in ("id", "at"), overflow="fold")
    for item in items:
        text = item.quote or "(whole article)"
        if item.orphaned:
            text = "[orphaned] " + text
        if isinstance(item, Highlight):
            text = f"({item.color}) {text}"
        note = safe(item.note)
        if item.tags:
            note = (note + " " + " ".join(f"#{safe(t)}" for t in item.tags)).strip()
        table.add_row(
            Text(item.id),
            Text(safe(item.title or item.article_id)),
            Text(_location(item)),
            Text(safe(text)[:120]),
            Text(note),
        )
    console().print(table)


def _with_article(data: dict, item: Bookmark | Highlight) -> dict:
    ref = item.article
    return {
        "article_id": item.article_id,
        "title": ref.title if ref else None,
        "path": ref.path if ref else None,
        **data,
    }


# ---------------------------------------------------------------------- bookmark
@click.group("bookmark")
def bookmark_group() -> None:
    """Bookmarks: a whole article, or a position in it."""


@bookmark_group.command("add")
@click.argument("article")
@click.option("--note", help="A note to keep with the bookmark.")
@click.option("--tag", "tags", multiple=True, metavar="T", help="A tag (repeat for more).")
@click.option("--at", "offset", type=click.IntRange(min=0), metavar="OFFSET",
              help="Character offset in the article's text (default: the whole article).")  # fmt: skip
@pass_app
def bookmark_add(
    app: AppContext, article: str, note: str | None, tags: tuple[str, ...], offset: int | None
) -> None:
    """Bookmark ARTICLE (an id or a path)."""
    found = find_article(app, article)
    with open_store(app) as store:
        bookmark = store.add_bookmark(found, offset=offset, note=note, tags=tags)
    click.echo(f"{bookmark.id}\tbookmarked {safe(found.title)}")


@bookmark_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def bookmark_list(app: AppContext, as_json: bool) -> None:
    """List the library's bookmarks."""
    with open_store(app) as store:
        reconciled(app, store)
        bookmarks = store.bookmarks()
    if as_json:
        echo_json([_with_article(bookmark_dict(b), b) for b in bookmarks])
    else:
        _print_table(bookmarks, "No bookmarks.")


@bookmark_group.command("remove")
@click.argument("ident", metavar="ID")
@pass_app
def bookmark_remove(app: AppContext, ident: str) -> None:
    """Remove the bookmark ID (alias: delete)."""
    with open_store(app) as store:
        if not store.remove_bookmark(ident):
            raise CliError(f"no bookmark {ident!r}")
    click.echo(f"removed {ident}")


bookmark_group.add_command(bookmark_remove, "delete")


@bookmark_group.command("edit")
@click.argument("ident", metavar="ID")
@click.option("--note", help="The new note ('' clears it).")
@click.option("--tag", "tags", multiple=True, metavar="T",
              help="Replace the tags (repeat for more; --tag '' clears them).")  # fmt: skip
@pass_app
def bookmark_edit(app: AppContext, ident: str, note: str | None, tags: tuple[str, ...]) -> None:
    """Change the note and/or tags of the bookmark ID (what is not given stays)."""
    if note is None and not tags:
        raise CliError("nothing to change: give --note and/or --tag")
    changes = _changes(note, tags)
    with open_store(app) as store:
        bookmark = store.update_bookmark(ident, **changes)
    click.echo(f"{bookmark.id}\tupdated {safe(bookmark.title)}")


def _changes(note: str | None, tags: tuple[str, ...]) -> dict:
    """The store's keyword arguments for what the user gave; `--tag ''` means no tags."""
    changes: dict = {}
    if note is not None:
        changes["note"] = note
    if tags:
        changes["tags"] = [t for t in tags if t.strip()]
    return changes


# ---------------------------------------------------------------------- highlight
@click.group("highlight")
def highlight_group() -> None:
    """Highlights: passages of an article, with a colour, a note and tags."""


@highlight_group.command("add")
@click.argument("article")
@click.option("--quote", required=True, help="The exact text to highlight (must occur once).")
@click.option("--note", help="A note to keep with the highlight.")
@click.option("--color", "--colour", "color", type=click.Choice(COLORS), default="yellow",
              show_default=True, help="Highlight colour.")  # fmt: skip
@click.option("--tag", "tags", multiple=True, metavar="T", help="A tag (repeat for more).")
@pass_app
def highlight_add(
    app: AppContext,
    article: str,
    quote: str,
    note: str | None,
    color: str,
    tags: tuple[str, ...],
) -> None:
    """Highlight the passage QUOTE of ARTICLE (an id or a path)."""
    found = find_article(app, article)
    with open_store(app) as store:
        highlight = store.add_highlight_by_quote(found, quote, color=color, note=note, tags=tags)
    click.echo(
        f"{highlight.id}\thighlighted {percent(highlight.start, len(found.body))}% into {safe(found.title)}"
    )


@highlight_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def highlight_list(app: AppContext, as_json: bool) -> None:
    """List the library's highlights (orphaned ones are marked)."""
    with open_store(app) as store:
        reconciled(app, store)
        highlights = store.highlights()
    if as_json:
        echo_json([_with_article(highlight_dict(h), h) for h in highlights])
    else:
        _print_table(highlights, "No highlights.")


@highlight_group.command("remove")
@click.argument("ident", metavar="ID")
@pass_app
def highlight_remove(app: AppContext, ident: str) -> None:
    """Remove the highlight ID (alias: delete)."""
    with open_store(app) as store:
        if not store.remove_highlight(ident):
            raise CliError(f"no highlight {ident!r}")
    click.echo(f"removed {ident}")


highlight_group.add_command(highlight_remove, "delete")


@highlight_group.command("edit")
@click.argument("ident", metavar="ID")
@click.option("--note", help="The new note ('' clears it).")
@click.option("--color", "--colour", "color", type=click.Choice(COLORS), help="The new colour.")
@click.option("--tag", "tags", multiple=True, metavar="T",
              help="Replace the tags (repeat for more; --tag '' clears them).")  # fmt: skip
@pass_app
def highlight_edit(
    app: AppContext, ident: str, note: str | None, color: str | None, tags: tuple[str, ...]
) -> None:
    """Change the note, colour and/or tags of the highlight ID (what is not given stays)."""
    if note is None and color is None and not tags:
        raise CliError("nothing to change: give --note, --color and/or --tag")
    changes = _changes(note, tags)
    if color is not None:
        changes["color"] = color
    with open_store(app) as store:
        highlight = store.update_highlight(ident, **changes)
    click.echo(f"{highlight.id}\tupdated {safe(highlight.title)}")


# ---------------------------------------------------------------------- export / import
@click.command("export")
@click.argument("out", required=False, metavar="[OUT")
@click.argument("query", nargs=-1, metavar="[QUERY]]")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "obsidian", "epub")),
              default="markdown", show_default=True,
              help="Annotations: markdown, json, csv (Readwise), html (a Netscape bookmark "
                   "file), obsidian (one note per article in the folder OUT). "
                   "With OUT, a reading packet: epub or html.")  # fmt: skip
@click.option("-o", "--output", default="-", metavar="FILE|-",
              help="Write to FILE (atomically) instead of standard output.")  # fmt: skip
@click.option("--article", "article", metavar="ARTICLE", help="Only this article (id or path).")
@click.option("--ids", is_flag=True, help="Markdown: show annotation ids and offsets.")
@click.option("--saved", "saved_name", metavar="NAME",
              help="Packet: the articles of this saved search.")  # fmt: skip
@click.option("--title", help="Packet: its title (default: the query).")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=200, show_default=True,
              help="Packet: at most this many articles.")  # fmt: skip
@pass_app
def export_cmd(
    app: AppContext,
    out: str | None,
    query: tuple[str, ...],
    fmt: str,
    output: str,
    article: str | None,
    ids: bool,
    saved_name: str | None,
    title: str | None,
    limit: int,
) -> None:
    """Export bookmarks and highlights (markdown, json, csv or html), or with OUT write a
    reading packet: the articles of QUERY (or --saved NAME; none: every annotated article)
    with your highlights and notes, as one EPUB book or one self-contained HTML file."""
    if fmt != "obsidian" and (out is not None or fmt == "epub"):
        if out is None:
            raise click.UsageError("a reading packet needs OUT: export --format epub OUT [QUERY]")
        if fmt not in ("epub", "html"):
            raise click.UsageError(f"a reading packet is epub or html, not {fmt}")
        if article is not None or output != "-":
            raise click.UsageError("a reading packet takes OUT and QUERY, not -o or --article")
        from tuireader.cli.packet_cmds import export_packet

        export_packet(
            app, fmt, out, " ".join(query), saved_name=saved_name, title=title, limit=limit
        )
        return
    with open_store(app) as store:
        current = reconciled(app, store)
        article_id = None
        if article is not None:
            try:
                article_id = app.library.get(article).id
            except ArticleNotFound as exc:  # a file that is gone may still have annotations
                if not store.grouped(article):
                    raise CliError(str(exc)) from exc
                article_id = article
        if fmt == "obsidian":
            from tuireader.cli.obsidian_cmd import export_obsidian

            export_obsidian(store, current, article_id, out or output)
            return
        text = export_annotations(store, current, fmt, article_id=article_id, ids=ids)
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(output).expanduser()
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    click.echo(f"exported {fmt} to {visible(str(path))}", err=True)


@click.command("import")
@click.argument("file", metavar="FILE.json", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def import_cmd(app: AppContext, file: Path) -> None:
    """Restore annotations from a JSON export (importing twice changes nothing)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from exc
    with open_store(app) as store:
        try:
            report = import_json(store, text)
        except AnnotationError as exc:
            raise CliError(f"{file}: {exc}") from exc
    click.echo(f"imported {visible(str(file))}: {report.summary()}")
