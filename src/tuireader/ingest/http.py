"""Fetching from the web for feeds, `tuireader add` and link-list imports (httpx).

Everything fetched is untrusted and may be slow, huge or not what it claims, so every
request has connect/read timeouts, follows at most a few redirects, reads the body in
chunks and stops at a size cap (a `Content-Length` may lie or be missing), and checks the
content type before anything parses it. Each failure becomes a `FetchError` whose message
is one line a person can act on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

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
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "text/plain",  # many servers send feeds as text/plain
    *HTML_TYPES,  # ... or as HTML: the feed parser decides
)


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


_local = threading.local()


def _client(timeout: float) -> httpx.Client:
    """One client (connection pool) per thread and timeout."""
    clients: dict[float, httpx.Client] = getattr(_local, "clients", {})
    _local.clients = clients
    if timeout not in clients:
        clients[timeout] = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        )
    return clients[timeout]


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float | None = None,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET `url`; with `etag`/`last_modified` a conditional GET (304: `not_modified`)."""
    timeout = TIMEOUT if timeout is None else timeout
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"not a web address: {url[:200]}")
    headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with _client(timeout).stream("GET", url, headers=headers) as response:
            final = str(response.url)
            if response.status_code == 304:
                return Fetched(final, b"", "", etag, last_modified, not_modified=True)
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in accept:
                raise FetchError(f"not a page this can read (content type {kind[:80]})")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"too large ({int(declared) / 1e6:.1f} MB)")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"too large (over {max_bytes / 1e6:.0f} MB)")
            return Fetched(
                final,
                bytes(body),
                kind,
                response.headers.get("etag"),
                response.headers.get("last-modified"),
            )
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out (no answer within {timeout:g} s)") from exc
    except httpx.DecodingError as exc:
        raise FetchError("the response could not be decoded (broken compression)") from exc
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise FetchError("the connection broke off before the page was complete") from exc
    except httpx.ConnectError as exc:
        raise FetchError(f"could not connect ({_reason(exc)})") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"not a valid web address ({exc})") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"request failed ({_reason(exc)})") from exc


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
