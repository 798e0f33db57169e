"""The server: one request at a time, each run as the command line would run it.

A request is a command line (`client.FORWARDED` only), the caller's folder and the few
variables that shape output. The server applies them for that request alone (folder, those
variables, stdout as a terminal or not), runs `tuireader.cli.commands.run` with stdout and
stderr captured, restores its own state and sends back what was printed and the exit status.
Search services stay open between requests (`search.service_pool`): that, and not importing
numpy and Whoosh again, is the whole gain; freshness is checked per request exactly as a
command in its own process checks it.

It leaves when idle for `TUIREADER_SERVER_IDLE` seconds (600), when its own code changes on
disk (an upgrade: the next command starts a new one), or on SIGTERM; only the owner's
connections are answered (SO_PEERCRED), from a folder only the owner can enter.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import selectors
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuireader.search import service_pool
from tuireader.server import address, client, launch, wire
from tuireader.server.watch import Journal

DEFAULT_IDLE = 600.0
SEND_TIMEOUT = 10.0
# besides tuireader itself, the code a command runs: an upgrade of one of them is new code
DEPENDENCIES = ("whoosh", "click", "numpy", "rich", "platformdirs", "watchfiles")


class _Terminal(io.BytesIO):
    """A captured stream that says it is (or is not) a terminal, as the caller's was."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def code_stamp(package: Path) -> tuple[int, int]:
    """The newest modification time and the count of the package's modules (and of its
    main dependencies' `__init__`): a change means the code answering is not the code on
    disk any more."""
    newest, count = _dependency_stamp(), 0
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith((".py", ".tcss")):
                with contextlib.suppress(OSError):
                    newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
                    count += 1
    return newest, count


def _dependency_stamp() -> int:
    import importlib.util

    newest = 0
    for name in DEPENDENCIES:
        with contextlib.suppress(ImportError, ValueError, OSError, TypeError):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin:
                newest = max(newest, os.stat(spec.origin).st_mtime_ns)
    return newest


@dataclass
class Server:
    path: Path
    idle: float = DEFAULT_IDLE
    package: Path = field(default_factory=lambda: Path(__file__).resolve().parent.parent)
    served: int = 0

    def __post_init__(self) -> None:
        self.identity = address.identity(os.environ)
        self.stamp = code_stamp(self.package)
        self._stopping = False
        self._started = time.monotonic()
        self.journal = Journal()

    def run(self) -> int:
        """Listen until idle; 0 when it served and left, 1 when another server holds the
        lock or the folder is not private."""
        if not address.private_dir(self.path.parent, create=True):
            return 1
        lock = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            return 1  # another server for this setup is (starting) up
        from tuireader.config import AppPaths

        cache_root = AppPaths.from_environment().cache_dir
        service_pool.keep_open(on_open=self.journal.follow, cache_root=cache_root)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a dead server's socket: the lock says it is gone
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(str(self.path))
            os.chmod(self.path, 0o600)
            listener.listen(16)
            signal.signal(signal.SIGTERM, self._stop)
            self._loop(listener)
        finally:
            listener.close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self.journal.stop.set()
            service_pool.close_all()
            os.close(lock)
        return 0

    def status(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "served": self.served,
            "up": round(time.monotonic() - self._started, 1),
            "idle": self.idle,
            "libraries": [str(root) for root in service_pool.kept()],
            "changes_seen": self.journal.changes,
        }

    def _stop(self, *_: object) -> None:
        self._stopping = True

    def _loop(self, listener: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            last = time.monotonic()
            while not self._stopping:
                if not selector.select(timeout=min(1.0, self.idle)):
                    if time.monotonic() - last >= self.idle or not self.path.exists():
                        return  # idle, or its socket deleted (a /tmp cleaner): unreachable
                    continue
                conn, _ = listener.accept()
                with conn:
                    keep_going = self._answer(conn)
                last = time.monotonic()
                if not keep_going:
                    return

    def _answer(self, conn: socket.socket) -> bool:
        """Serve one connection; False when the server should leave now."""
        conn.settimeout(5.0)  # a request is small: a client that sends nothing is dropped
        try:
            if _peer_uid(conn) != os.getuid():
                return True
            request = wire.receive(conn, wire.MAX_REQUEST)
            control = request.get("control")
            if control is not None and request.get("identity") == self.identity:
                if control == "stop":
                    self._stopping = True  # even if the reply cannot be sent
                wire.send(conn, self.status())
                return control != "stop"
            reason = self._declines(request)
            if reason:
                wire.send(conn, {"declined": reason})
                return reason in _STAY_AFTER
            conn.settimeout(None)
            self.journal.apply()  # what the watch saw since the last command
            answer = run_request(request)
            self.served += 1
            conn.settimeout(SEND_TIMEOUT)  # a stopped client (ctrl+z) must not stall the rest
            wire.send(conn, answer)
        except (OSError, wire.WireError):
            pass  # the client went away: nothing to tell it
        return True

    def _declines(self, request: dict[str, Any]) -> str | None:
        if request.get("v") != 1:
            return "another protocol"
        if request.get("identity") != self.identity:
            return "another setup"
        if code_stamp(self.package) != self.stamp:
            return "code changed"
        if not launch.configured(if_broken=True):  # `server = false` written meanwhile
            return "turned off"
        argv = request.get("argv")
        if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
            return "bad request"
        if not client.forwardable(argv):
            return "not a forwarded command"
        if not isinstance(request.get("cwd"), str) or not isinstance(request.get("env"), dict):
            return "bad request"
        return None


_STAY_AFTER = ("another setup", "another protocol", "bad request", "not a forwarded command")


def _peer_uid(conn: socket.socket) -> int:
    if not hasattr(socket, "SO_PEERCRED"):
        return os.getuid()  # not Linux: the folder's mode is the guard
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def run_request(request: dict[str, Any]) -> dict[str, Any]:
    """Run one command line as its own process would, and give back what it printed."""
    from tuireader.cli.commands import run

    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = sys.stdout, sys.stderr
    out = _Terminal(bool(request.get("tty")))
    err = _Terminal(False)  # no progress bar drawn into a buffer
    text_out = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape")
    text_err = io.TextIOWrapper(err, encoding="utf-8", errors="surrogateescape")
    code = 0
    try:
        os.chdir(request["cwd"])
        for key, value in request["env"].items():
            if key not in client.REQUEST_ENV:
                continue
            if isinstance(value, str):
                os.environ[key] = value
            else:
                os.environ.pop(key, None)
        columns = request.get("columns")
        if isinstance(columns, int) and columns > 0 and not os.environ.get("COLUMNS"):
            os.environ["COLUMNS"] = str(columns)
        time.tzset()  # TZ as the caller has it (`date:today`)
        sys.stdout, sys.stderr = text_out, text_err
        try:
            run(request["argv"])
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except BaseException as exc:  # the command's own handler missed it: say so
            print(f"tuireader: error: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
    finally:
        sys.stdout, sys.stderr = saved_streams
        for stream in (text_out, text_err):
            with contextlib.suppress(Exception):
                stream.flush()
            stream.detach()  # the bytes stay readable (closing the wrapper would close them)
        os.environ.clear()
        os.environ.update(saved_env)
        time.tzset()
        with contextlib.suppress(OSError):
            os.chdir(saved_cwd)
    return {
        "code": code,
        "stdout": out.getvalue().decode("utf-8", "surrogateescape"),
        "stderr": err.getvalue().decode("utf-8", "surrogateescape"),
    }


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return 1


def _preload() -> None:
    """Import what the forwarded commands import, so the first request does not wait."""
    from importlib import import_module

    from tuireader.cli.commands import COMMANDS

    for name in sorted({"search", "related", "list", "saved"}):
        import_module(f"tuireader.cli.{COMMANDS[name][0]}")
    import_module("tuireader.search.vector.run")


def main() -> int:
    """`python -m tuireader.server`: serve this setup until idle."""
    if not address.enabled(os.environ):
        return 0
    try:
        idle = float(os.environ.get(address.IDLE_ENV, DEFAULT_IDLE))
    except ValueError:
        idle = DEFAULT_IDLE
    os.chdir("/")
    _preload()
    return Server(Path(address.socket_path(os.environ)), idle=max(0.1, idle)).run()
