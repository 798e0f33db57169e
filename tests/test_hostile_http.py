"""Hostile web servers (issue 21): stacked and bomb compression, slow drips; each fetch is
bounded in memory and time whatever the server sends (a local server, no network)."""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from cli_helpers import run_cli
from local_web import LocalWeb, Route, serve
from test_ingest_http import ARTICLE
from tuireader.ingest import http
from tuireader.ingest.http import FetchError, Limits, fetch

FAST = Limits(deadline=3.0, min_rate=2000.0, grace=1.0)


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


def zeros_gzip(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


def encoded(body: bytes, coding: str) -> Route:
    return Route(body, headers={"Content-Encoding": coding})


def test_stacked_codings_are_refused_before_anything_is_inflated(web: LocalWeb) -> None:
    inner = zeros_gzip(64 * 1024 * 1024)  # 64 MB of zeros inside ~64 KB
    web.routes["/stacked"] = encoded(gzip.compress(inner), "gzip, gzip")
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"stacked compression is not accepted \(gzip, gzip\)"):
            fetch(web.url("/stacked"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB"


def test_a_gzip_bomb_stops_at_the_cap_with_little_memory(web: LocalWeb) -> None:
    web.routes["/bomb"] = encoded(zeros_gzip(128 * 1024 * 1024), "gzip")
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="too large"):
            fetch(web.url("/bomb"), max_bytes=4 * 2**20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the old path inflated each 64 KB network chunk whole (64 MB of zeros at once)
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MB"


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(ARTICLE[:500]) + gzip.compress(ARTICLE[500:])),  # two members
        ("x-gzip", gzip.compress(ARTICLE)),
        ("deflate", zlib.compress(ARTICLE)),
        ("deflate", zlib.compress(ARTICLE)[2:-4]),  # raw deflate, as some servers send
        ("identity", ARTICLE),
        ("gzip, identity", gzip.compress(ARTICLE)),
    ],
    # gzip stamps the time into its header: ids made from the bytes would differ between
    # pytest-xdist workers, which then refuse to run the suite
    ids=["gzip-members", "x-gzip", "deflate", "raw-deflate", "identity", "gzip-identity"],
)
def test_one_accepted_coding_decodes(web: LocalWeb, coding: str, body: bytes) -> None:
    web.routes["/page"] = encoded(body, coding)
    assert fetch(web.url("/page")).content == ARTICLE


def test_an_unknown_coding_is_one_line(web: LocalWeb) -> None:
    web.routes["/page"] = encoded(b"whatever", "br")
    with pytest.raises(FetchError, match=r"unsupported compression \(br\)"):
        fetch(web.url("/page"))
    assert web.requests[-1][1]["accept-encoding"] == "gzip, deflate"


def drip_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        for _ in range(200):
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def drip_headers(handler: BaseHTTPRequestHandler) -> None:
    try:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


@pytest.mark.parametrize(
    ("handler", "reason"), [(drip_body, "too slow"), (drip_headers, "took too long")]
)
def test_a_slow_drip_fails_within_the_limits(web: LocalWeb, handler, reason: str) -> None:
    web.routes["/drip"] = Route(handler=handler)
    started = time.monotonic()
    with pytest.raises(FetchError, match=reason) as caught:
        fetch(web.url("/drip"), limits=FAST)
    took = time.monotonic() - started
    assert "\n" not in str(caught.value)
    assert took < FAST.deadline + 1.5, f"{took:.1f} s"  # each read alone is well under 15 s


def test_add_against_a_drip_server_gives_up_and_says_why(
    web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "LIMITS", FAST)
    web.routes["/drip"] = Route(handler=drip_body)
    web.routes["/good"] = Route(ARTICLE)
    lib = tmp_path / "lib"
    lib.mkdir()
    result = run_cli("--library", str(lib), "add", web.url("/drip"), web.url("/good"))
    assert "failed: " + web.url("/drip") + ": too slow (" in result.stderr
    assert result.stdout.startswith("saved saved/river.example/")


def test_feed_update_and_pocket_links_against_a_drip_give_up(
    web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same watchdog in `feed update` and in the Pocket workers: the dripping feed or
    link is one 'too slow' line, the good one beside it is saved (before the overall
    deadline, each byte under the per-read timeout, so they waited for ever)."""
    from test_feeds import P1, P2

    monkeypatch.setattr(http, "LIMITS", FAST)
    good_feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title><item>'
        f"<title>Tide tables</title><guid>g-1</guid><description><![CDATA[<p>{P1}</p>"
        f"<p>{P2}</p>]]></description></item></channel></rss>"
    ).encode()
    web.routes["/good.xml"] = Route(good_feed, content_type="application/rss+xml")
    web.routes["/good"] = Route(ARTICLE)
    lib = tmp_path / "lib"
    lib.mkdir()
    assert run_cli("--library", str(lib), "feed", "add", web.url("/good.xml")).returncode == 0
    web.routes["/drip.xml"] = Route(good_feed, content_type="application/rss+xml")
    assert run_cli("--library", str(lib), "feed", "add", web.url("/drip.xml")).returncode == 0
    web.routes["/drip.xml"] = Route(handler=drip_body)
    web.routes["/good.xml"] = Route(good_feed.replace(b"g-1", b"g-2"))
    result = run_cli("--library", str(lib), "feed", "update")
    assert "failed: good-2: too slow (" in result.stderr, result.stderr
    assert "good-2: 0 new, 1 failed" in result.stderr
    assert "good: 1 new, 0 failed" in result.stderr, result.stderr
    csv = tmp_path / "part_000000.csv"
    csv.write_text(
        "title,url,time_added,tags,status\n"
        f"Drip,{web.url('/drip')},1709251200,,unread\nGood,{web.url('/good')},1709251200,,unread\n",
        encoding="utf-8",
    )
    web.routes["/drip"] = Route(handler=drip_body)
    result = run_cli("--library", str(lib), "import-articles", "--no-index", str(csv))
    assert f"failed: {web.url('/drip')}: too slow (" in result.stderr, result.stderr
    assert "Pocket export (HTML or CSV): 1 saved" in result.stdout
