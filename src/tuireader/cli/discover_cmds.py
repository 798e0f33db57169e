"""`tuireader related` and `tuireader duplicates`: finding articles through other articles."""

from __future__ import annotations

import sys

import click
from rich.text import Text

from tuireader.articles.scan import display_path
from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.output import console, echo_json, safe, visible
from tuireader.cli.search_cmds import EXIT_NO_HITS, EXIT_NO_INDEX, service
from tuireader.cli.search_cmds import _catch_up as catch_up
from tuireader.cli.search_cmds import _print_results as print_results
from tuireader.library import ArticleNotFound
from tuireader.text.wording import counted


@click.command("related")
@click.argument("article")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (as search does).")
@pass_app
def related_cmd(app: AppContext, article: str, limit: int, as_json: bool) -> None:
    """The articles most like ARTICLE (an id, id prefix or path): its strongest words
    searched over the library, without the article itself and its copies.

    Exit status: 0 when something was found, 1 when nothing was, 3 without an index."""
    svc = service(app)
    catch_up(svc, quick=True)  # no walk when the folders say nothing moved (as search)
    try:
        results = svc.related(article, limit=limit)
        entry = svc.entry(article)
        shown = [h.path for h in results.hits] + ([entry.path] if entry else [])
        if svc.changed_on_disk(shown):  # the article or a hit was rewritten in place
            catch_up(svc)
            results = svc.related(article, limit=limit)
    except ArticleNotFound as exc:
        raise CliError(str(exc)) from exc
    if as_json:
        data = results.to_dict()
        data["article"] = article
        echo_json(data)
    elif not results.error:
        print_results(results)
    if results.error:
        click.echo(f"tuireader: {visible(results.error)}", err=True)
        sys.exit(EXIT_NO_INDEX if results.unavailable else 1)
    if results.total == 0:
        sys.exit(EXIT_NO_HITS)


@click.command("duplicates")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of groups.")
@pass_app
def duplicates_cmd(app: AppContext, as_json: bool) -> None:
    """Groups of near-duplicate articles (the same story saved twice, from two feeds, a
    page and its feed entry), found when the library is indexed."""
    svc = service(app)
    catch_up(svc)
    groups = svc.duplicate_groups()
    if as_json:
        echo_json([[{"id": e.id, "path": e.path} for e in g] for g in groups])
        return
    out = console()
    for number, members in enumerate(groups, 1):
        out.print(Text(f"{number}. {safe(members[0].title)}", style="bold"))
        for e in members:
            line = Text("  ")
            line.append(e.id, style="dim")
            line.append(f"  {display_path(e.path)}")
            out.print(line)
    grouped = sum(len(g) for g in groups)
    click.echo(f"{counted(len(groups), 'group')} of {counted(grouped, 'article')}", err=True)
