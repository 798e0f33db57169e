"""`tuireader import-articles FILE [--kind NAME]`: bring a read-later export into the library.

The kind is detected from the file (`ingest.exports.detect_kind`); articles are written as
library files, highlights into the annotation store, then the catalog and search index are
brought up to date so `tuireader search` finds the new articles at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tuireader.cli.annotation_cmds import open_store
from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.output import visible
from tuireader.cli.search_cmds import service
from tuireader.ingest.exports import ImportTarget, detect_kind, kind_named, load_kinds
from tuireader.ingest.report import ALREADY, ImportReport, Progress
from tuireader.text.wording import counted


@click.command("import-articles")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--kind", "kind_name", metavar="NAME", help="The export's kind (default: detected).")
@click.option("--no-index", is_flag=True, help="Do not update the search index afterwards.")
@pass_app
def import_articles_cmd(app: AppContext, file: Path, kind_name: str | None, no_index: bool) -> None:
    """Import articles (and their highlights) from a read-later export or clippings."""
    known = ", ".join(f"{k.name} ({k.label})" for k in load_kinds())
    kind = kind_named(kind_name) if kind_name else detect_kind(file)
    if kind is None:
        what = f"unknown kind {kind_name!r}" if kind_name else f"{file.name}: not a known export"
        raise CliError(f"{what}; known kinds: {known}")
    root = app.library_root
    from tuireader.ingest.exports.common import remove_dead_temps_of_imports

    remove_dead_temps_of_imports(root)
    with open_store(app) as store:
        target = ImportTarget(
            root, app.paths.library_cache(root), None if store.read_only else store
        )
        if store.read_only:
            click.echo(f"warning: highlights not imported: {store.read_only_reason}", err=True)
        report = kind.run(file, target, _progress())
    _print(report, kind.label)
    if not no_index:
        index_new_articles(app, report)
    if not (report.saved or report.updated or report.skipped or report.highlights_added):
        sys.exit(1)  # nothing could be imported


def index_new_articles(app: AppContext, report: ImportReport) -> None:
    """Bring the catalog and index up to date when files were written, so `tuireader
    search` finds them at once."""
    if report.saved or report.updated:
        summary = service(app).refresh()
        if summary.busy:
            click.echo("note: another process is indexing; run `tuireader index` later", err=True)


def _progress() -> Progress | None:
    """One updating line on a terminal's stderr; nothing when piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        line = f"\r{done}/{total} {visible(what)[:50]}"
        click.echo(line.ljust(70), err=True, nl=done >= total)

    return show


def _print(report: ImportReport, label: str) -> None:
    for item, why in report.notes:
        click.echo(f"note: {visible(item)}: {visible(why)}", err=True)
    for item, why in report.failed:
        click.echo(f"failed: {visible(item)}: {visible(why)}", err=True)
    for item, why in report.skipped:
        if why != ALREADY:
            click.echo(f"skipped: {visible(item)}: {visible(why)}", err=True)
    for path, quote in report.highlights_unanchored:
        click.echo(f"unanchored highlight: {visible(path)}: {visible(quote)}", err=True)
    parts = [
        f"{len(report.saved)} saved",
        f"{len(report.updated)} updated",
        f"{report.already} already there",
        f"{len(report.skipped) - report.already} skipped",
        f"{len(report.failed)} failed",
        f"{counted(report.highlights_added, 'highlight')} added",
        f"{report.highlights_kept:,} already there",
        f"{len(report.highlights_unanchored):,} unanchored",
    ]
    click.echo(f"{label}: " + ", ".join(parts[:5]) + "; " + ", ".join(parts[5:]))
