"""Hand a read-only command to a running server and print its answer (no click, no numpy).

`forward` returns the command's exit status, or None when the caller must run the command
itself: no server, the server declined (its code changed, it is leaving), or the connection
broke. A forwarded command only reads (and may bring the index up to date, as it would in
its own process), so running it again after a broken connection is safe.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Sequence
from enum import Enum

from tuireader.server import address, wire

TYPE_CHECKING = False  # every import here is paid by each forwarded command
if TYPE_CHECKING:
    from typing import TextIO

# the commands worth a server: they read the catalog and the index and print an answer
FORWARDED = {"search", "related", "list", ("saved", "run")}
# what a request carries and the server applies to that request alone: where the command
# runs and how its output should look on the caller's terminal
REQUEST_ENV = (
    "TUIREADER_LIBRARY",
    "COLUMNS",
    "LINES",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TZ",
    "LANG",
    "LC_ALL",
)
CONNECT_TIMEOUT = 0.5
CONTROL_TIMEOUT = 15.0  # status/stop wait for a command the server is running
ANSWER_TIMEOUT = 600.0  # a search may first index what changed: minutes at 100k


class Missed(Enum):
    """Why a command was not forwarded, which says whether a server should be started."""

    NO_SERVER = "no server"  # start one
    DECLINED = "declined"  # the server is leaving: start a new one
    BROKEN = "broken"  # something went wrong: run here, start nothing
    NOT_FORWARDED = "not forwarded"


def command_of(args: Sequence[str]) -> tuple[str, ...] | None:
    """The command a command line runs (("search",), ("saved", "run")), or None when it
    asks for help, the version or the reader, or has an option we do not know."""
    words = list(args)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--library":
            i += 2
            continue
        if word.startswith("--library="):
            i += 1
            continue
        if word.startswith("-"):
            return None
        rest = words[i + 1 :]
        if "--help" in rest or "-h" in rest:
            return None
        if word == "saved":
            return ("saved", rest[0]) if rest else None
        return (word,)
    return None


def forwardable(args: Sequence[str]) -> bool:
    command = command_of(args)
    if command is None:
        return False
    return (command[0] if len(command) == 1 else command) in FORWARDED


def forward(args: Sequence[str]) -> int | Missed:
    """Run `args` on the server: its exit status, or why not."""
    env = os.environ
    if not address.enabled(env) or not forwardable(args):
        return Missed.NOT_FORWARDED
    path = address.socket_path(env)
    if not os.path.exists(path):
        return Missed.NO_SERVER
    if not address.private_dir(os.path.dirname(path), create=False):
        return Missed.BROKEN
    request = {
        "v": 1,
        "argv": list(args),
        "cwd": os.getcwd(),
        "identity": address.identity(env),
        "env": {key: env.get(key) for key in REQUEST_ENV},
        "tty": sys.stdout.isatty(),
        "columns": _columns(),
    }
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(path)
        except OSError:  # a server that died and left its socket: start another
            return Missed.NO_SERVER
        try:
            sock.settimeout(ANSWER_TIMEOUT)
            wire.send(sock, request)
            answer = wire.receive(sock, wire.MAX_ANSWER)
        except (OSError, wire.WireError):
            return Missed.BROKEN
    if answer.get("declined"):
        return Missed.DECLINED
    code = answer.get("code")
    out, err = answer.get("stdout"), answer.get("stderr")
    if not isinstance(code, int) or not isinstance(out, str) or not isinstance(err, str):
        return Missed.BROKEN
    _write(sys.stdout, out)
    _write(sys.stderr, err)
    return code


def _columns() -> int | None:
    """The terminal's width as Rich finds it in its own process: stdin, stdout or stderr
    (`list --pretty | less` is as wide as the terminal its stdin is)."""
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
    return None


def _write(stream: TextIO, text: str) -> None:
    if not text:
        return
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:  # `| head`: what the in-process command does too
        pass


def control(what: str) -> dict[str, object] | None:
    """Ask the server of this setup for its status ("status") or to leave ("stop"): its
    status, {"busy": True} when it is running a long command (a stop is still read and
    obeyed after it), or None when none answers."""
    path = address.socket_path(os.environ)
    if not os.path.exists(path) or not address.private_dir(os.path.dirname(path), create=False):
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONTROL_TIMEOUT)
        try:
            sock.connect(path)
            wire.send(sock, {"v": 1, "control": what, "identity": address.identity(os.environ)})
            return wire.receive(sock, wire.MAX_REQUEST)
        except TimeoutError:
            return {"busy": True}
        except (OSError, wire.WireError):
            return None
