"""Update several feeds the way concurrent commands need: one feed at a time under its
lock, its state read fresh before and merged into the file right after.

So a `feed remove` during a long update stays removed, a `feed add` is kept, two updates
of the same feed do not both count its entries as new, and a run killed half-way has
saved every feed it finished. A feed that fails is one line; the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from tuireader.ingest.feeds.subscriptions import Subscription, Subscriptions
from tuireader.ingest.guard import one_item
from tuireader.ingest.report import ImportReport

# Told each feed's name and its report as it finishes (the CLI prints one line).
OnFeed = Callable[[Subscription, ImportReport], None]


def update_feeds(
    root: Path,
    subs: Subscriptions,
    names: Sequence[str],
    on_feed: OnFeed | None = None,
    *,
    images: bool = True,
) -> ImportReport:
    """Update the feeds named (in order) and save each one's state as soon as it is done
    (`images`: fetch the entries' images too)."""
    from tuireader.ingest.feeds.update import remove_stale_temps, update_feed

    report = ImportReport()
    for name in names:
        one = ImportReport()
        with subs.feed_lock(name):
            subs.reload()  # what another run saved meanwhile (seen ids, validators)
            feed = subs.find(name)
            if feed is None:
                continue  # removed while this run went on: it stays removed
            remove_stale_temps(root, feed)
            with one_item(one, feed.name):
                one = update_feed(root, feed, images=images)
            subs.save()
        if on_feed is not None:
            on_feed(feed, one)
        report.merge(one)
    return report
