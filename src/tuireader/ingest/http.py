"""Fetching from the web for feeds, `tuireader add` and link-list imports (httpx).

Everything fetched is untrusted and may be slow, huge or not what it claims, so every
request has connect/read timeouts, an overall deadline and a minimum transfer rate (a
watchdog shuts the socket down, so a server dripping one byte every few seconds cannot
hold a fetch), follows at most a few redirects, reads the body in chunks and stops at a
size cap (a `Content-Length` may lie or be missing), and checks the content type before
anything parses it. Compressed bodies (`gzip` or `deflate`, one coding only: stacked
codings are refused) are inflated here, chunk by chunk with the output capped, so a small
response that inflates to gigabytes costs at most the cap in memory. Each failure becomes
a `FetchError` whose message is one line a person can act on.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from typing import Any

import httpx

from tuireader import __version__

USER_AGENT = f"tuireader/{__version__} (terminal article reader)"
TIMEOUT = 15.0  # seconds to connect, and between two reads
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",  # Debian/Ubuntu mime.types and Python's http.server for .rss
    "application/x-atom+xml",
    "application/x-rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "text/plain",  # many servers send feeds as text/plain
    "application/octet-stream",  # nginx's default type for a file it has no type for; S3's
    "binary/octet-stream",
    *HTML_TYPES,  # ... or as HTML: the feed parser decides
)
CODINGS = ("gzip", "x-gzip", "deflate")  # what Accept-Encoding offers (brotli: no decoder)


@dataclass(frozen=True)
class Limits:
    """How long one fetch may take, whatever the server does."""

    deadline: float = 60.0  # seconds for the whole fetch, redirects included
    min_rate: float = 1024.0  # bytes per second of body, on average ...
    grace: float = 15.0  # ... once this many seconds have passed since the headers


LIMITS = Limits()


class FetchError(Exception):
    """A fetch that gave nothing usable; `str()` is one line."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a conditional GET answered 304: `content` is empty


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every fetch (loading the CA bundle takes ~20 ms)."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            import certifi

            _ssl_context = ssl.create_default_context(cafile=certifi.where())
        return _ssl_context


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float | None = None,
    max_bytes: int = MAX_BYTES,
    limits: Limits | None = None,
) -> Fetched:
    """GET `url`; with `etag`/`last_modified` a conditional GET (304: `not_modified`)."""
    timeout = TIMEOUT if timeout is None else timeout
    if url.startswith("//") and not url.startswith("///"):
        url = "https:" + url  # a protocol-relative link, as pages and feeds write them
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"not a web address: {url[:200]}")
    headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    watch = _Watchdog(limits or LIMITS)
    try:
        with (
            watch,
            httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                verify=_tls(),
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            ) as client,
            client.stream("GET", url, headers=headers, extensions={"trace": watch.trace}) as r,
        ):
            return _read(r, accept, max_bytes, watch, etag, last_modified)
    except httpx.InvalidURL as exc:  # not an HTTPError
        raise FetchError(f"not a valid web address ({_reason(exc)})") from exc
    except httpx.HTTPError as exc:
        if watch.tripped:
            raise FetchError(watch.tripped) from exc
        raise FetchError(_http_failure(exc, timeout)) from exc


def _read(
    response: httpx.Response,
    accept: tuple[str, ...],
    max_bytes: int,
    watch: _Watchdog,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    watch.headers_arrived()
    final = str(response.url)
    if response.status_code == 304:
        return Fetched(final, b"", "", etag, last_modified, not_modified=True)
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code} {_clean(response.reason_phrase)}".strip())
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind not in accept:
        raise FetchError(f"not a page this can read (content type {_clean(kind)[:80]})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large ({int(declared) / 1e6:.1f} MB)")
    inflate = _decoder(response.headers.get("content-encoding", ""))
    body = bytearray()
    for raw in response.iter_raw():
        watch.received += len(raw)
        if watch.tripped:
            raise FetchError(watch.tripped)
        body += inflate(raw, max_bytes - len(body)) if inflate else raw
        if len(body) > max_bytes:
            raise FetchError(f"too large (over {max_bytes / 1e6:.0f} MB)")
    return Fetched(
        final,
        bytes(body),
        kind,
        response.headers.get("etag"),
        response.headers.get("last-modified"),
    )


class _Watchdog:
    """Shuts the fetch's sockets down when the deadline passes or the body comes in slower
    than the minimum rate: a blocked read then returns at once, and the fetch fails with
    `tripped` as its reason."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.start = time.monotonic()
        self.body_start: float | None = None
        self.received = 0
        self.tripped: str | None = None
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="fetch-watchdog", daemon=True)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: remember each connection's socket as it is opened."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with self._lock:
                    self._sockets.append(sock)
                    if self.tripped:
                        _shut(sock)

    def headers_arrived(self) -> None:
        self.body_start = time.monotonic()

    def _run(self) -> None:
        limits = self.limits
        step = max(0.05, min(0.5, limits.deadline / 8, limits.grace / 4))
        while not self._stop.wait(step):
            now = time.monotonic()
            if now - self.start > limits.deadline:
                self._trip(f"took too long (over {limits.deadline:g} s)")
            elif self.body_start is not None and now - self.body_start > limits.grace:
                rate = self.received / (now - self.body_start)
                if rate < limits.min_rate:
                    self._trip(
                        f"too slow ({rate:,.0f} bytes/s, at least {limits.min_rate:,.0f} needed)"
                    )
            if self.tripped:
                return

    def _trip(self, why: str) -> None:
        with self._lock:
            self.tripped = why
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _decoder(header: str) -> Any:
    """None for an identity body, else `inflate(raw, room) -> bytes` (at most room + 1
    bytes per call: more means the cap is passed); FetchError for codings not accepted."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        raise FetchError(f"stacked compression is not accepted ({_clean(header)[:60]})")
    if codings[0] not in CODINGS:
        raise FetchError(f"unsupported compression ({_clean(codings[0])[:40]})")
    return _Inflater(gzip=codings[0] != "deflate")


class _Inflater:
    """Incremental gzip/deflate with an output cap (zlib's `max_length`): the input a call
    could not inflate within the cap stays in `unconsumed_tail`, never in memory expanded."""

    def __init__(self, *, gzip: bool) -> None:
        self.gzip = gzip
        self._raw_tried = gzip  # deflate: zlib-wrapped, else raw deflate (servers send both)
        self._z = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._started = False

    def __call__(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        while data and len(out) <= room:
            if self._z.eof:
                if not self.gzip:
                    break  # bytes after a deflate stream: ignored
                self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)  # another gzip member
            try:
                out += self._z.decompress(data, room + 1 - len(out))
            except zlib.error as exc:
                if self._raw_tried or self._started:
                    raise FetchError(
                        "the response could not be decoded (broken compression)"
                    ) from exc
                self._raw_tried = True
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._started = True
            data = self._z.unused_data if self._z.eof else self._z.unconsumed_tail
        return bytes(out)


def _http_failure(exc: httpx.HTTPError, timeout: float) -> str:
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out (no answer within {timeout:g} s)"
    if isinstance(exc, httpx.DecodingError):
        return "the response could not be decoded (broken compression)"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return "the connection broke off before the page was complete"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({_reason(exc)})"
    return f"request failed ({_reason(exc)})"


def _clean(text: str) -> str:
    from tuireader.text.inert import clean_line

    return clean_line(text)


def _reason(exc: Exception) -> str:
    return _clean(" ".join(str(exc).split()))[:200] or "no reason given"
