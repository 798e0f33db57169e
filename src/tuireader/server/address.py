"""Where a server listens, and who it serves: computed from the environment alone, because
the client must find it without importing anything heavy.

One server per user and per setup: the socket's name is a digest of what decides where
tuireader keeps its state (HOME, the XDG folders) and which code answers (the package's
folder, the interpreter), so a test with its own XDG folders or another checkout never talks
to a server that would read other files or run other code. The socket lives in
$XDG_RUNTIME_DIR/tuireader, else /tmp/tuireader-UID: a short path (sockets allow ~100 bytes),
in a folder only its owner may enter.
"""

from __future__ import annotations

import os
import stat
import sys
import zlib
from collections.abc import Mapping

MODE_ENV = "TUIREADER_SERVER"  # auto (default) | off
IDLE_ENV = "TUIREADER_SERVER_IDLE"  # seconds without a request before it leaves (600)
# what decides which files and which code a command uses: a request must agree on all
IDENTITY_KEYS = (
    "HOME",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
)


def enabled(env: Mapping[str, str]) -> bool:
    return env.get(MODE_ENV, "auto").strip().lower() not in ("off", "0", "no", "false")


def identity(env: Mapping[str, str]) -> dict[str, str]:
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    found = {key: env.get(key, "") for key in IDENTITY_KEYS}
    return {**found, "package": package, "python": sys.executable}


def _digest(ident: Mapping[str, str]) -> str:
    """A name, not a secret (the server compares the whole identity): two CRCs, 64 bits,
    since hashlib's import (OpenSSL) would cost a forwarded command 5 ms."""
    text = "\0".join(f"{key}={ident[key]}" for key in sorted(ident))
    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data[::-1]):08x}"


MAX_SOCKET_PATH = 100  # bytes: sun_path holds 108 on Linux, 104 on macOS


def runtime_dir(env: Mapping[str, str]) -> str:
    """$XDG_RUNTIME_DIR/tuireader, unless that would make the socket's path too long to
    bind (then /tmp/tuireader-UID, as when the variable is not set)."""
    base = env.get("XDG_RUNTIME_DIR")
    if base and os.path.isabs(base):
        folder = os.path.join(base, "tuireader")
        if len(os.fsencode(folder)) + 22 <= MAX_SOCKET_PATH:
            return folder
    return f"/tmp/tuireader-{os.getuid()}"


def socket_path(env: Mapping[str, str]) -> str:
    return os.path.join(runtime_dir(env), f"{_digest(identity(env))}.sock")


def private_dir(path: str | os.PathLike[str], *, create: bool) -> bool:
    """Whether `path` is a folder of ours that nobody else can enter (made so if asked):
    another user's folder of the same name could hold a socket that answers for us."""
    if create:
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError:
            return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )
