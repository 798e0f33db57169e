"""`tuireader outline ARTICLE`: an article's headings (Markdown headings, HTML h2/h3, EPUB
chapters in reading order) with where each starts."""

from __future__ import annotations

import click
from rich.text import Text

from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.output import console, echo_json, safe
from tuireader.library import ArticleNotFound


@click.command("outline")
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_app
def outline_cmd(app: AppContext, article: str, as_json: bool) -> None:
    """The headings of ARTICLE (an id or a path), in order, with their position: level,
    title and the character offset in the text (`show` prints that text)."""
    try:
        found = app.library.get(article)
    except ArticleNotFound as exc:
        raise CliError(str(exc)) from exc
    length = max(1, len(found.body))
    if as_json:
        echo_json(
            {
                "id": found.id,
                "path": found.path,
                "title": found.title,
                "length": len(found.body),
                "headings": [h._asdict() for h in found.headings],
            }
        )
        return
    if not found.headings:
        click.echo(f"{safe(found.title)}: no headings", err=True)
        return
    out = console()
    top = min(h.level for h in found.headings)
    for h in found.headings:
        line = Text(f"{round(100 * h.offset / length):>3}%  ", style="dim")
        line.append("  " * (h.level - top) + safe(h.title))
        out.print(line)
