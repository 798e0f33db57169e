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

import hashlib
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

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
    package = str(Path(__file__).resolve().parent.parent)
    found = {key: env.get(key, "") for key in IDENTITY_KEYS}
    return {**found, "package": package, "python": sys.executable}


def _digest(ident: Mapping[str, str]) -> str:
    text = "\0".join(f"{key}={ident[key]}" for key in sorted(ident))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def runtime_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_RUNTIME_DIR")
    if base and os.path.isabs(base):
        return Path(base) / "tuireader"
    return Path("/tmp") / f"tuireader-{os.getuid()}"


def socket_path(env: Mapping[str, str]) -> Path:
    return runtime_dir(env) / f"{_digest(identity(env))}.sock"


def private_dir(path: Path, *, create: bool) -> bool:
    """Whether `path` is a folder of ours that nobody else can enter (made so if asked):
    another user's folder of the same name could hold a socket that answers for us."""
    if create:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
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
