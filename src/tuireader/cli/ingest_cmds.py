"""`tuireader add URL...`: save web pages into the library as offline copies."""

from __future__ import annotations

import sys

import click

from tuireader.cli.context import AppContext, pass_app
from tuireader.cli.import_cmds import index_new_articles
from tuireader.cli.output import visible
from tuireader.ingest.report import ImportReport


@click.command("add")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--no-index", is_flag=True, help="Do not update the search index afterwards.")
@pass_app
def add_cmd(app: AppContext, urls: tuple[str, ...], no_index: bool) -> None:
    """Fetch each page, keep its article as saved/<site>/<date>-<slug>.html, index it."""
    from tuireader.ingest.add_url import add_url

    root = app.library_root
    report = ImportReport()
    for url in urls:
        add_url(root, url, report, images=app.settings.images)
    for path in report.saved:
        click.echo(f"saved {visible(path)}")
    for item, why in report.notes:
        click.echo(f"note: {visible(item)}: {visible(why)}", err=True)
    for path, _why in report.skipped:
        click.echo(f"already there: {visible(path)}")
    for url, why in report.failed:
        click.echo(f"failed: {visible(url)}: {visible(why)}", err=True)
    if not no_index:
        index_new_articles(app, report)
    if report.failed and not (report.saved or report.skipped):
        sys.exit(1)
