"""What hostile servers cost a fetch with the real limits (issue 21's note: peak memory of
a gzip bomb, the time a slow drip takes to fail). Served from 127.0.0.1 by this process;
each `tuireader add URL` runs in a child process with a temporary XDG home.

    python bench/hostile_fetch_bench.py [--gib 1] [--drip-every 5]

Prints, per server: the child's exit code, its one failure line, wall time and peak RSS
(ru_maxrss of the child), beside a plain page for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PARAS = "".join(
    f"<p>Paragraph {i}: the ferry timetable changes in the autumn and the evening crossing "
    f"number {i} is dropped.</p>"
    for i in range(30)
)
PAGE = f"<html><head><title>Plain page</title></head><body><article>{PARAS}</article></body></html>"


def zeros_gzip(gib: float) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(int(gib * 1024))]
    return b"".join(parts) + packer.flush()


def serve(routes: dict[str, Callable[[BaseHTTPRequestHandler], None]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            with contextlib.suppress(OSError):  # the client gave up
                route(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def answer(body: bytes, coding: str = "") -> Callable[[BaseHTTPRequestHandler], None]:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if coding:
            h.send_header("Content-Encoding", coding)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


def drip(every: float) -> Callable[[BaseHTTPRequestHandler], None]:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(100_000):
            h.wfile.write(b"<")
            h.wfile.flush()
            time.sleep(every)

    return handle


def run_add(url: str, home: Path) -> tuple[int, str, float, float]:
    env = {**os.environ}
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(home / name.lower())
    library = home / "library"
    library.mkdir(parents=True, exist_ok=True)
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(p.returncode); print((p.stderr or p.stdout).strip().splitlines()[-1][:150])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    cmd = [sys.executable, "-m", "tuireader", "--library", str(library), "add", "--no-index", url]
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, *cmd], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    took = time.monotonic() - start
    rc, line, rss = done.stdout.strip().split("\n")
    return int(rc), line, took, int(rss) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gib", type=float, default=1.0, help="zeros inside the gzip bomb")
    ap.add_argument("--drip-every", type=float, default=5.0, help="seconds between bytes")
    args = ap.parse_args()
    bomb = zeros_gzip(args.gib)
    stacked = gzip.compress(zeros_gzip(4.0), 9)  # gzip, gzip: 4 GiB inside
    routes = {
        "/plain": answer(PAGE.encode()),
        "/bomb": answer(bomb, "gzip"),
        "/stacked": answer(stacked, "gzip, gzip"),
        "/drip": drip(args.drip_every),
    }
    server = serve(routes)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    labels = {
        "/plain": "plain page",
        "/bomb": f"gzip bomb, {len(bomb) / 1e6:.1f} MB holding {args.gib:g} GiB",
        "/stacked": f"gzip, gzip: {len(stacked) / 1e3:.1f} KB holding 4 GiB",
        "/drip": f"one byte every {args.drip_every:g} s",
    }
    with tempfile.TemporaryDirectory() as tmp:
        for path, label in labels.items():
            rc, line, took, rss = run_add(base + path, Path(tmp) / path.strip("/"))
            print(
                f"{label:38} exit {rc}  {took:6.1f} s  peak RSS {rss:6.0f} MB  {line}", flush=True
            )
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    server.shutdown()


if __name__ == "__main__":
    main()
