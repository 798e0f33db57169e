"""Feeds and link lists served locally: time, memory and counts of an import.

    python bench/ingest_bench.py [ENTRIES] [URLS]

Serves (127.0.0.1 only) a generated feed of ENTRIES entries (500) and URLS pages (1,000,
of which every 20th is a 404, every 50th answers as a PDF and one in 100 too slowly for
a 2 s timeout). Runs, in a fresh library each: the feed (entries' own text), the feed with
--full-page (summaries: each page fetched), a Pocket-style CSV of the URLs; then each again
(everything already there). Prints wall time, peak RSS of this process, saved / already
there / failed. The index refresh is not included (the import commands run it after).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from local_web import Route, serve
from tuireader.ingest import http
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.pocket import PocketKind
from tuireader.ingest.feeds.subscriptions import Subscription
from tuireader.ingest.feeds.update import update_feed
from tuireader.ingest.report import ImportReport

PARA = (
    "Page {i}, paragraph {j}: the ferry timetable changes in the autumn and the evening "
    "crossing is dropped until the clocks go forward again in spring."
)


def page(i: int) -> bytes:
    body = "".join(f"<p>{PARA.format(i=i, j=j)}</p>" for j in range(12))
    return (f"<html><head><title>Bench page {i}</title></head><body><article>"
            f"{body}</article></body></html>").encode()  # fmt: skip


def feed(base: str, n: int, *, summaries: bool) -> bytes:
    items = []
    for i in range(n):
        text = f"Summary of page {i}." if summaries else "".join(
            f"&lt;p&gt;{PARA.format(i=i, j=j)}&lt;/p&gt;" for j in range(12))  # fmt: skip
        items.append(f"<item><title>Entry {i}</title><link>{base}/p/{i}</link><guid>e{i}</guid>"
                     f"<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
                     f"<description>{text}</description></item>")  # fmt: skip
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
            f"{''.join(items)}</channel></rss>").encode()  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show(label: str, seconds: float, report: ImportReport) -> None:
    print(f"{label:<34} {seconds:7.2f} s  peak RSS {peak_mb():6.0f} MB  saved {len(report.saved):5}"
          f"  already {report.already:5}  failed {len(report.failed):4}")  # fmt: skip


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    urls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    http.TIMEOUT = 2.0
    for web in serve():
        for i in range(max(entries, urls)):
            if i % 20 == 19:
                continue  # 404
            if i % 50 == 49:
                web.routes[f"/p/{i}"] = Route(b"%PDF-1.4", content_type="application/pdf")
            elif i % 100 == 33:
                web.routes[f"/p/{i}"] = Route(page(i), delay=3.0)
            else:
                web.routes[f"/p/{i}"] = Route(page(i))
        web.routes["/full.xml"] = Route(feed(web.base, entries, summaries=False),
                                        content_type="application/rss+xml")  # fmt: skip
        web.routes["/summaries.xml"] = Route(feed(web.base, entries, summaries=True),
                                             content_type="application/rss+xml")  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            for name, full_page in (("full", False), ("summaries", True)):
                root = Path(tmp) / name
                root.mkdir()
                sub = Subscription(name, web.url(f"/{name}.xml"), full_page=full_page)
                for run in ("first", "again"):
                    start = time.perf_counter()
                    report = update_feed(root, sub)
                    show(f"feed {entries} ({name}) {run}", time.perf_counter() - start, report)
                    sub.etag = sub.last_modified = None  # the second run re-reads the feed
            root = Path(tmp) / "pocket"
            root.mkdir()
            csv = Path(tmp) / "part_000000.csv"
            rows = [f"Page {i},{web.base}/p/{i},1704103200,bench,unread" for i in range(urls)]
            csv.write_text("title,url,time_added,tags,status\n" + "\n".join(rows) + "\n")
            target = ImportTarget(root, Path(tmp) / "state")
            for run in ("first", "again"):
                start = time.perf_counter()
                report = PocketKind().run(csv, target, None)
                show(f"pocket {urls} URLs {run}", time.perf_counter() - start, report)


if __name__ == "__main__":
    main()
