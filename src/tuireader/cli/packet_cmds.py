"""`tuireader export --format epub|html OUT [QUERY]`: a reading packet of a search's articles
with their highlights and notes (one EPUB, or one self-contained HTML file)."""

from __future__ import annotations

from pathlib import Path

import click

from tuireader.annotations import write_atomically
from tuireader.cli.annotation_cmds import open_store, reconciled
from tuireader.cli.context import AppContext, CliError
from tuireader.cli.output import visible
from tuireader.cli.search_cmds import _catch_up, annotation_source, service
from tuireader.library.packets import PacketError, gather, packet_ids
from tuireader.search import Filters
from tuireader.text.wording import counted

PACKET_FORMATS = ("epub", "html")


def export_packet(
    app: AppContext,
    fmt: str,
    out: str,
    query: str,
    *,
    saved_name: str | None,
    title: str | None,
    limit: int,
) -> None:
    from tuireader.annotations.packet_epub import render_epub
    from tuireader.annotations.packet_html import render_html

    svc = service(app)
    filters: Filters | None = None
    sort = "relevance"
    if saved_name is not None:
        query, filters, sort = _saved(app, svc, saved_name, query)
    _catch_up(svc)  # the search needs the index as `search` does
    with open_store(app) as store:
        reconciled(app, store)
        try:
            ids = packet_ids(
                svc,
                query,
                store=store,
                annotations=annotation_source(app),
                filters=filters,
                sort=sort,
                limit=limit,
            )
        except PacketError as exc:
            raise CliError(str(exc)) from exc
        if not ids:
            what = f"the search {query!r}" if query else "no article has highlights or bookmarks"
            raise CliError(f"nothing to export: {what}" + (" found nothing" if query else ""))
        name = title or (f"tuireader: {query}" if query else "tuireader: annotated articles")
        found = gather(svc, store, ids, title=name, query=query)
    data = render_epub(found.packet) if fmt == "epub" else render_html(found.packet)
    path = Path(out).expanduser()
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
    for article_id in found.unreadable:
        click.echo(f"warning: {article_id}: the article is gone; left out", err=True)
    marks = sum(len(a.highlights) for a in found.packet.articles)
    click.echo(
        f"exported {counted(len(found.packet.articles), 'article')} "
        f"({counted(marks, 'highlight')}) as {fmt} to {visible(str(path))}",
        err=True,
    )


def _saved(app: AppContext, svc, name: str, query: str) -> tuple[str, Filters, str]:
    from tuireader.cli.saved_cmds import _load, _mark_ids
    from tuireader.storage import saved_searches

    if query:
        raise CliError("give either a QUERY or --saved NAME, not both")
    found = saved_searches.find(_load(app), name)
    if found is None:
        raise CliError(f"no saved search {name!r}: tuireader saved list shows them")
    app.library.refresh()
    filters = Filters(
        author=found.author, tag=found.tag, format=found.format, ids=_mark_ids(app, svc, found)
    )
    return found.query, filters, found.sort
