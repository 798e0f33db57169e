"""One writer at a time across processes: an advisory `flock` on a file in the cache folder.

The kernel drops the lock when its holder dies (even by `kill -9`), so there is never a stale
lock to clean up. Non-blocking: a second writer learns at once that it is busy.

A forked child shares the parent's lock (flock belongs to the open file, and Whoosh's
multi-process writer forks): children close their copy at once and are asked to die with
their parent, so a killed writer's orphaned workers cannot keep the library locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from tuireader.storage.orphans import die_with_parent

_HELD: set[int] = set()


_forking_pid = 0


def _before_fork() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _close_in_child() -> None:
    if _HELD:
        die_with_parent()  # Linux: a writer's forked worker gets SIGKILL when it dies
        if os.getppid() != _forking_pid:
            # the writer was killed between fork and prctl: nobody will signal this orphan
            os._exit(1)
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)  # drops the child's reference only; the parent keeps the lock
    _HELD.clear()


os.register_at_fork(before=_before_fork, after_in_child=_close_in_child)


class WriterLock:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock if free; False when another writer (any process) holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        with contextlib.suppress(OSError):  # the pid is for people; a full disk may refuse it
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        _HELD.add(fd)
        return True

    def release(self) -> None:
        if self._fd is not None:
            _HELD.discard(self._fd)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def held_elsewhere(self) -> bool:
        """True while another process is writing (a cheap probe for "indexing…")."""
        if self._fd is not None:
            return False
        if self.acquire():
            self.release()
            return False
        return True
