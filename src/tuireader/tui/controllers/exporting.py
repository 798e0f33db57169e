"""`e`: export annotations from the reader, to a file or (Obsidian) a folder of notes, the
path asked for in a dialog that starts in the current folder (or `export_dir` of the config).
The export runs on the core thread, where the annotation store lives."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tuireader.tui.controllers.base import Controller
from tuireader.tui.screens.dialogs import ExportChoice, ExportDialog


class ExportController(Controller):
    def export(self) -> None:
        self.start(self._export_dialog, group="annotate")

    async def _export_dialog(self) -> None:
        core = self.bridge.core
        here = Path.cwd()
        export_dir = core.settings.export_dir or here
        stem = f"tuireader-{datetime.now():%Y-%m-%d}"
        choice: ExportChoice | None = await self.app.push_screen_wait(
            ExportDialog(export_dir, stem, here)
        )
        if choice is None:
            return
        try:
            said = await self.bridge.run(self._export, choice)
        except OSError as exc:
            self.app.notify(f"Export failed: {exc.strerror or exc}", severity="error", timeout=8)
            return
        self.app.notify(said, timeout=6)

    def _export(self, choice: ExportChoice) -> str:
        """Runs on the core thread: what was written, in one line."""
        from tuireader.annotations import export_annotations, write_atomically
        from tuireader.annotations.export_common import collect
        from tuireader.library.annotation_sync import reconciled_articles

        core = self.bridge.core
        store = core.annotations
        current = reconciled_articles(store, core.search)
        if choice.fmt == "obsidian":
            from tuireader.annotations.export_obsidian import write_obsidian

            if choice.path.exists() and not choice.path.is_dir():
                raise NotADirectoryError(20, "not a folder", str(choice.path))
            report = write_obsidian(
                collect(store, current), choice.path, library_root=core.library_root
            )
            kept = (
                f"; {len(report.kept)} of your own files left as they were" if report.kept else ""
            )
            return f"Obsidian notes in {choice.path}: {report.summary()}{kept}"
        text = export_annotations(store, current, choice.fmt)
        choice.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(choice.path, text)
        count = len(store.highlights())  # Readwise's CSV holds only them
        count += 0 if choice.fmt == "csv" else len(store.bookmarks())
        return f"Exported {count} annotations to {choice.path}"
