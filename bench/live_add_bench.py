"""How long a page saved by `tuireader add URL` in another terminal takes to show in a
running reader (issue 20's live library), measured in a real terminal (tmux).

    python bench/live_add_bench.py [--articles 200] [--runs 5] [--watch auto|poll] [--copy]

A local HTTP server serves a new article page per run; the reader runs in a tmux session
(120x40) with its own XDG folders; each run starts `tuireader add URL` as a separate process
and polls the tmux screen every 20 ms for the page's title (`--copy`: the page is written
into the folder instead, as a file copied in, which the reader indexes itself). Prints, per run, the seconds
from starting `add` to its exit and to the row on screen, then the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate

# dated after every generated article: the row lands at the top of the list (date order)
PAGE = """<html><head><title>{title}</title><meta name="author" content="Ada Bench">
<meta property="article:published_time" content="2030-01-01T08:00:00+00:00"></head>
<body><article><h1>{title}</h1>{paras}</article></body></html>"""
PARA = (
    "<p>The harbour pilots met the new ferry at dawn and brought her in through the narrows "
    "while the tide was still rising, as they have done for every new boat since 1921.</p>"
)


def serve() -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            number = self.path.strip("/").removeprefix("story")
            body = PAGE.format(title=f"Benchmark story {number}", paras=PARA * 8).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def screen(name: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
    ).stdout


def wait_screen(name: str, text: str, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if text in screen(name):
            return time.monotonic()
        time.sleep(0.02)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--watch", default="auto")
    parser.add_argument(
        "--copy", action="store_true", help="write the page into the folder instead of `add`"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tuireader-live-"))
    library = generate(work / "library", args.articles)
    env = {
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_CACHE_HOME": str(work / "cache"),
        "XDG_CONFIG_HOME": str(work / "config"),
        "TUIREADER_WATCH": args.watch,
        "PATH": os.environ["PATH"],
    }
    tuireader = [sys.executable, "-m", "tuireader", "--library", str(library)]
    subprocess.run(
        [*tuireader, "index"], env={**os.environ, **env}, check=True, capture_output=True
    )
    server, base = serve()
    name = f"live{os.getpid()}"
    inner = " ".join([*(f"{k}={v}" for k, v in env.items()), "TERM=xterm-256color", *tuireader])
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", f"env {inner}"],
        check=True,
    )
    results = []
    try:
        if wait_screen(name, f"{args.articles:,} articles", 60) is None:
            raise SystemExit("the reader did not list the library:\n" + screen(name))
        time.sleep(2)  # the start-up check settles
        for run in range(args.runs):
            title = f"Benchmark story {run}"
            started = time.monotonic()
            if args.copy:  # a file copied in: the reader's own indexer must find it
                page = PAGE.format(title=title, paras=PARA * 8)
                (library / f"copied-{run}.html").write_text(page, encoding="utf-8")
                shown = wait_screen(name, title, 30)
                exited = started
            else:
                add = subprocess.Popen(
                    [*tuireader, "add", f"{base}/story{run}"],
                    env={**os.environ, **env},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                shown = wait_screen(name, title, 30)
                add.wait(60)
                exited = time.monotonic()
            row = {
                "run": run,
                "add_exit_s": round(exited - started, 3),
                "row_shown_s": None if shown is None else round(shown - started, 3),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
            time.sleep(1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    shown = [r["row_shown_s"] for r in results if r["row_shown_s"] is not None]
    summary = {
        "articles": args.articles,
        "watch": args.watch,
        "runs": len(results),
        "shown": len(shown),
        "median_add_exit_s": statistics.median(r["add_exit_s"] for r in results),
        "median_row_shown_s": statistics.median(shown) if shown else None,
        "max_row_shown_s": max(shown) if shown else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
