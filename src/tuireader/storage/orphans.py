"""Worker processes die with the process that started them.

A `kill -9` of `tuireader index` gives its workers no chance to be told; on Linux the
kernel can send them SIGKILL when their parent dies (PR_SET_PDEATHSIG). A worker that finds
its parent already gone (killed between fork and this call) exits at once. Elsewhere this
is a no-op and the pool's own shutdown is all there is.
"""

from __future__ import annotations

import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask for SIGKILL when the parent dies; exit now if `parent_pid` is already gone."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)
