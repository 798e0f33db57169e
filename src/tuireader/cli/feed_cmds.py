"""`tuireader feed ...`: subscribe to feeds and save their entries into the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tuireader.cli.context import AppContext, CliError, pass_app
from tuireader.cli.import_cmds import index_new_articles
from tuireader.cli.output import visible
from tuireader.ingest.feeds.subscriptions import Subscription, Subscriptions
from tuireader.ingest.report import ImportReport

if TYPE_CHECKING:
    from tuireader.ingest.feeds.parse import ParsedFeed
    from tuireader.library.mark_filters import FeedCount


def _subscriptions(app: AppContext) -> Subscriptions:
    try:
        subs = Subscriptions(app.paths.feeds_file(app.library_root))
    except ValueError as exc:
        raise CliError(visible(str(exc))) from exc
    for note in subs.notes:
        click.echo(f"note: {visible(note)}", err=True)
    return subs


@click.group("feed")
def feed_group() -> None:
    """Subscribe to RSS, Atom, RDF and JSON feeds; entries become articles in feeds/."""


@feed_group.command("add")
@click.argument("source", metavar="URL|FILE")
@click.option("--full-page", is_flag=True, help="Fetch the linked page when an entry is a summary.")
@click.option("--summaries", is_flag=True, help="Keep summary-only entries as they are.")
@click.option("--no-update", is_flag=True, help="Subscribe only; fetch nothing now.")
@pass_app
def feed_add(
    app: AppContext, source: str, full_page: bool, summaries: bool, no_update: bool
) -> None:
    """Subscribe to a feed (and fetch its entries now). It is named after its title; when
    its entries are only summaries, each linked page is fetched unless --summaries."""
    if full_page and summaries:
        raise click.UsageError("--full-page and --summaries exclude each other")
    if not source.lower().startswith(("http://", "https://")):
        path = Path(source).expanduser()
        if not path.is_file():
            raise CliError(f"neither a web address nor a file: {source}")
        source = str(path.resolve())
    subs = _subscriptions(app)
    new = subs.find(source) is None
    probe = _probe(source) if new and not no_update else None
    feed = subs.add(source, probe.title if probe else "", full_page=full_page)
    feed.full_page = feed.full_page or full_page
    if probe is not None and not (full_page or summaries):
        from tuireader.ingest.feeds.update import summaries_only

        if summaries_only(probe.entries):
            feed.full_page = True
            click.echo(
                "note: this feed's entries are summaries: each linked page is fetched "
                "(feed add --summaries keeps the summaries)",
                err=True,
            )
    subs.save()  # subscribed before anything is fetched: a feed that fails stays subscribed
    name = feed.name
    report = ImportReport() if no_update else _update(app, subs, [name])
    feed = subs.find(name) or feed
    click.echo(f"subscribed: {feed.name} ({visible(feed.title or feed.source)})")
    _finish(app, report)


@feed_group.command("list")
@pass_app
def feed_list(app: AppContext) -> None:
    """The subscriptions: name, title, source, articles and unread ones, last problem."""
    subs = _subscriptions(app)
    if not subs.feeds:
        click.echo("No feeds. Add one with: tuireader feed add URL")
        return
    counts = _counts(app)
    for feed in subs.feeds:
        articles, unread = counts.get(feed.name, (0, 0))
        state = f"{articles} articles, {unread} unread"
        if feed.last_error:
            state += f"; error: {feed.last_error}"
        mode = " (full pages)" if feed.full_page else ""
        click.echo(
            f"{feed.name}\t{visible(feed.title or '-')}\t{visible(feed.source)}{mode}\t"
            f"{visible(state)}"
        )


@feed_group.command("remove")
@click.argument("name")
@pass_app
def feed_remove(app: AppContext, name: str) -> None:
    """Unsubscribe (the articles already saved stay in the library)."""
    subs = _subscriptions(app)
    feed = subs.remove(name)
    if feed is None:
        raise CliError(f"no feed {visible(name)!r} (see: tuireader feed list)")
    subs.save()
    click.echo(f"removed {feed.name}; its articles stay in {feed.folder}/")


@feed_group.command("update")
@click.argument("names", nargs=-1)
@click.option("--all", "all_feeds", is_flag=True, help="Every feed (the default with no NAME).")
@pass_app
def feed_update(app: AppContext, names: tuple[str, ...], all_feeds: bool) -> None:
    """Fetch new entries (a conditional GET: an unchanged feed costs one small request)."""
    subs = _subscriptions(app)
    chosen = [f.name for f in subs.feeds] if all_feeds or not names else []
    for name in names if not all_feeds else ():
        feed = subs.find(name)
        if feed is None:
            raise CliError(f"no feed {visible(name)!r} (see: tuireader feed list)")
        chosen.append(feed.name)
    _finish(app, _update(app, subs, chosen))


@feed_group.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-update", is_flag=True, help="Subscribe only; fetch nothing now.")
@pass_app
def feed_import_opml(app: AppContext, file: Path, no_update: bool) -> None:
    """Subscribe to every feed of an OPML file (another reader's export)."""
    from tuireader.ingest.feeds.opml import read_opml
    from tuireader.ingest.feeds.parse import FeedError

    try:
        outlines = read_opml(file.read_bytes())
    except (FeedError, OSError) as exc:
        raise CliError(f"{file.name}: {exc}") from exc
    subs = _subscriptions(app)
    before = len(subs.feeds)
    added = subs.add_many([(o.url, o.title) for o in outlines])
    for feed, outline in zip(added, outlines, strict=True):
        feed.title = feed.title or outline.title
    count = len(subs.feeds) - before
    subs.save()
    click.echo(f"{count} feeds added ({len(outlines)} in {visible(file.name)})")
    if not no_update:
        _finish(app, _update(app, subs, list(dict.fromkeys(f.name for f in added))))


@feed_group.command("export-opml")
@click.option("-o", "--output", default="-", metavar="FILE|-", help="Write to FILE.")
@pass_app
def feed_export_opml(app: AppContext, output: str) -> None:
    """Write the subscriptions as OPML (for another feed reader)."""
    from tuireader.annotations.atomic import write_atomically
    from tuireader.ingest.feeds.opml import write_opml

    text = write_opml(_subscriptions(app).feeds)
    if output == "-":
        sys.stdout.write(text)
    else:
        write_atomically(Path(output).expanduser(), text)
        click.echo(f"wrote {output}", err=True)


def _probe(source: str) -> ParsedFeed | None:
    """The feed as it is now, for its title and the kind of its entries (None when it cannot
    be read: the update that follows says why in its own line)."""
    from tuireader.ingest.feeds.parse import FeedError
    from tuireader.ingest.feeds.update import read_feed
    from tuireader.ingest.http import FetchError

    try:
        return read_feed(Subscription("new", source))
    except (FetchError, FeedError, OSError):
        return None


def _counts(app: AppContext) -> dict[str, FeedCount]:
    """Each feed's articles in the catalog and how many are unread (no annotation store
    yet: all of them). The catalog as it is: `feed update` and the reader keep it current,
    and walking a big library here would make a listing slow."""
    from tuireader.library.mark_filters import feed_counts

    entries = app.library.service.entries()
    marks: dict = {}
    if app.paths.annotations_db.exists():
        from tuireader.annotations import AnnotationStore

        store = AnnotationStore(app.paths.annotations_db, app.library_root, allow_read_only=True)
        try:
            marks = dict(store.marks())
        finally:
            store.close()
    return feed_counts(entries, marks)


def _update(app: AppContext, subs: Subscriptions, names: list[str]) -> ImportReport:
    from tuireader.ingest.feeds.run import update_feeds

    def said(feed: Subscription, one: ImportReport) -> None:
        click.echo(f"{feed.name}: {len(one.saved)} new, {len(one.failed)} failed", err=True)

    return update_feeds(app.library_root, subs, names, on_feed=said, images=app.settings.images)


def _finish(app: AppContext, report: ImportReport) -> None:
    for item, why in report.notes:
        click.echo(f"note: {visible(item)}: {visible(why)}", err=True)
    for item, why in report.failed:
        click.echo(f"failed: {visible(item)}: {visible(why)}", err=True)
    index_new_articles(app, report)
    if report.failed and not report.saved:
        sys.exit(1)
