"""Bringing articles in from the reader: `U` updates the feeds, `A` saves a page by URL.

Both wait on the network, so they run on threads of their own (never the UI thread, and not
the core thread either, which must stay free to open articles and search); they show their
progress on the status line and then let the indexer pick the new files up.
"""

from __future__ import annotations

import asyncio

from tuireader.ingest.report import ImportReport
from tuireader.text.inert import clean_line
from tuireader.text.wording import counted
from tuireader.tui.controllers.base import Controller, RescanRequested
from tuireader.tui.typeahead import release_held_keys


class IngestController(Controller):
    def update_feeds(self) -> None:
        self.start(self._update_feeds, group="feeds", exclusive=True)

    async def _update_feeds(self) -> None:
        from tuireader.ingest.feeds.subscriptions import Subscriptions
        from tuireader.ingest.feeds.update import update_feed

        core = self.bridge.core
        path = core.paths.feeds_file(core.library_root)
        subs = await asyncio.to_thread(Subscriptions, path)
        if not subs.feeds:
            self.app.notify("No feeds yet: tuireader feed add URL", timeout=4)
            return
        report = ImportReport()
        state = self.screen.index_state
        try:
            for done, feed in enumerate(subs.feeds, start=1):
                state.ingest_status = f"feeds {done}/{len(subs.feeds)}: {clean_line(feed.name)}"
                self.screen.update_status()
                one = await asyncio.to_thread(
                    update_feed, core.library_root, feed, images=core.settings.images
                )
                report.merge(one)
            await asyncio.to_thread(subs.save)
        finally:
            state.ingest_status = ""
            self.screen.update_status()
        self._tell(report, "Feeds updated")

    def add_url(self) -> None:
        self.start(self._add_url, group="feeds")

    async def _add_url(self) -> None:
        from tuireader.tui.screens.dialogs import NotePrompt

        prompt = NotePrompt("Save a web page into the library", placeholder="https://…")
        url: str | None = await self.app.push_screen_wait(prompt)
        if not url:
            release_held_keys(self.screen)
            return
        from tuireader.ingest.add_url import add_url

        report = ImportReport()
        state = self.screen.index_state
        state.ingest_status = "fetching the page…"
        self.screen.update_status()
        try:
            core = self.bridge.core
            await asyncio.to_thread(
                add_url, core.library_root, url, report, images=core.settings.images
            )
        finally:
            state.ingest_status = ""
            self.screen.update_status()
        self._tell(report, "Saved")

    def _tell(self, report: ImportReport, done: str) -> None:
        if report.failed:
            item, why = report.failed[0]
            more = f" (+{len(report.failed) - 1} more)" if len(report.failed) > 1 else ""
            self.app.notify(
                f"{clean_line(item)[:60]}: {clean_line(why)}{more}",
                title="Could not bring in",
                severity="warning",
                timeout=6,
            )
        if report.saved:
            self.app.notify(f"{done}: {counted(len(report.saved), 'new article')}", timeout=4)
            self.screen.post_message(RescanRequested())
        elif not report.failed:
            self.app.notify(f"{done}: nothing new", timeout=3)
