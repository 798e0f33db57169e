"""`tuireader list` and `tuireader show`."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from tuireader.articles.scan import display_path
from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.output import (
    console,
    echo_json,
    echo_record,
    plain_option,
    plain_output,
    safe,
    warn_skipped,
)
from tuireader.library import ArticleNotFound
from tuireader.text.inert import clean_text


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@plain_option
@pass_app
def list_cmd(app: AppContext, as_json: bool, plain: bool | None) -> None:
    """List every article in the library."""
    articles = sorted(
        app.library.articles(),
        key=lambda a: (a.date is None, -(a.date.timestamp() if a.date else 0), a.title),
    )
    warn_skipped(app.library.skipped)
    if as_json:
        echo_json([a.to_dict() for a in articles])
        return
    if plain_output(plain):
        for a in articles:
            echo_record(a.id, a.date.date().isoformat() if a.date else "", a.title, a.author)
        return
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", min_width=24, ratio=1)  # the title gets the room, wrapped
    table.add_column("author", max_width=18, no_wrap=True, overflow="ellipsis")
    table.add_column("format", no_wrap=True)
    table.add_column("words", no_wrap=True, justify="right")
    for a in articles:
        table.add_row(
            Text(a.id),
            Text(a.date.date().isoformat() if a.date else ""),
            Text(safe(a.title)),
            Text(safe(a.author or a.site)),
            Text(a.format),
            Text(str(a.words)),
        )
    console().print(table)


@click.command("show")
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with every field.")
@pass_app
def show_cmd(app: AppContext, article: str, as_json: bool) -> None:
    """Show one article (ARTICLE is an id or a path)."""
    try:
        found = app.library.get(article)
    except ArticleNotFound as exc:
        raise CliError(str(exc)) from exc
    if as_json:
        echo_json(found.to_dict(with_body=True))
        return
    out = console()
    out.print(Text(safe(found.title), style="bold"))
    meta = [
        safe(found.author or found.site),
        found.date.date().isoformat() if found.date else "",
        safe(found.url),
    ]
    out.print(Text(" · ".join(m for m in meta if m), style="dim"))
    out.print(
        Text(
            f"{display_path(found.path)} · {found.format} · {found.words} words · id {found.id}",
            style="dim",
        )
    )
    out.print()
    out.print(Text(clean_text(found.body)))
