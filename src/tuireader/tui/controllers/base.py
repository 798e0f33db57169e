"""What every controller of the main screen shares: the screen, the bridge, workers, and
the messages by which controllers tell the screen (and so each other) what changed."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message
from textual.worker import Worker

from tuireader.tui.bridge import CoreBridge

if TYPE_CHECKING:
    from tuireader.tui.main_screen import MainScreen


class MarksChanged(Message):
    """An article's marks (bookmarked, highlighted, read) changed: redraw its list row."""

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id


class OpenRequested(Message):
    """Open (or reopen) an article in the reading pane, at `offset` if given."""

    def __init__(self, article_id: str, offset: int | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self.offset = offset


class RescanRequested(Message):
    """Files may have changed (the user edited one): let the indexer look."""


class LibraryChanged(Message):
    """Posted by the library watch (a thread): files in the folder changed (`files`), or
    another process stored articles (the catalog's `generation` moved on)."""

    def __init__(self, files: bool, generation: int | None) -> None:
        super().__init__()
        self.files = files
        self.generation = generation


class Controller:
    """One part of the main screen's behaviour. Its workers belong to the screen, so a
    failure is said by `MainScreen.on_worker_state_changed` in one line, and `exclusive`
    cancels the screen's earlier worker of the same group, as `@work` did on the screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.bridge: CoreBridge = screen.bridge

    def start(
        self,
        job: Callable[[], Coroutine[Any, Any, None]],
        *,
        group: str,
        exclusive: bool = False,
    ) -> Worker[None]:
        """Run `job` as a worker of the screen (core calls inside go through the bridge)."""
        return self.screen.run_worker(
            job,
            name=_name(job),
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
        )

    def start_thread(self, job: Callable[[], None], *, group: str = "default") -> Worker[None]:
        """Run blocking non-core work (starting a browser) on a thread of its own."""
        return self.screen.run_worker(job, group=group, exit_on_error=False, thread=True)

    @property
    def app(self) -> App[None]:
        return self.screen.app


def _name(job: Callable[..., object]) -> str:
    """The worker's name, as `@work` gave it: the method's (shown in Textual's devtools)."""
    while isinstance(job, partial):
        job = job.func
    return getattr(job, "__name__", "")
