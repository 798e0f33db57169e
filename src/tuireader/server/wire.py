"""One JSON message each way, length-prefixed, with a size cap (a request is a command line;
an answer is what the command printed)."""

from __future__ import annotations

import json
import socket
import struct

TYPE_CHECKING = False  # typing's import would cost each forwarded command 3 ms
if TYPE_CHECKING:
    from typing import Any

MAX_REQUEST = 1 << 20
MAX_ANSWER = 256 << 20
_HEADER = struct.Struct("!I")


class WireError(Exception):
    """The other side closed, sent too much, or sent something that is not a message."""


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps(message, ensure_ascii=True).encode("ascii")
    sock.sendall(_HEADER.pack(len(body)) + body)


def receive(sock: socket.socket, limit: int) -> dict[str, Any]:
    (size,) = _HEADER.unpack(_exactly(sock, _HEADER.size))
    if size > limit:
        raise WireError(f"message of {size} bytes (at most {limit})")
    try:
        message = json.loads(_exactly(sock, size))
    except ValueError as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("not a JSON object")
    return message


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise WireError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
