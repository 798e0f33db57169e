"""`tuireader export --format obsidian DIR`: one note per annotated article in DIR."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from tuireader.annotations import AnnotationStore
from tuireader.annotations.export_common import collect
from tuireader.annotations.export_obsidian import write_obsidian
from tuireader.articles.model import ArticleView
from tuireader.cli.context import CliError
from tuireader.cli.output import visible


def export_obsidian(
    store: AnnotationStore,
    current: Mapping[str, ArticleView],
    article_id: str | None,
    target: str | None,
) -> None:
    if not target or target == "-":
        raise click.UsageError("the obsidian export writes notes into a folder: DIR (or -o DIR)")
    folder = Path(target).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CliError(f"not a folder: {visible(str(folder))}")
    try:
        report = write_obsidian(
            collect(store, current, article_id), folder, library_root=store.library_root
        )
    except OSError as exc:
        raise CliError(f"cannot write in {visible(str(folder))}: {exc.strerror or exc}") from exc
    for path in report.kept:
        click.echo(
            f"kept: {visible(path.name)} (not written by tuireader: left as it is)", err=True
        )
    click.echo(f"exported obsidian to {visible(str(folder))}: {report.summary()}", err=True)
