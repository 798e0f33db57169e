"""Pocket's exports: the HTML file (`ril_export.html`: one `<a href time_added tags>` per
saved link, under "Unread" and "Read Archive") and the CSV of the 2024-25 export
(`title,url,time_added,tags,status`, tags joined by '|'). Pocket kept links, not pages, so
each page is fetched (`ingest.url_list`); tags and the time added come along."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.report import ImportReport, Progress
from tuireader.ingest.url_list import Fetch, UrlItem, epoch_time, import_url_export


@dataclass
class PocketKind:
    fetch: Fetch | None = None  # None: the real HTTP fetcher
    name: str = "pocket"
    label: str = "Pocket export (HTML or CSV)"

    def detect(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", "replace")
        if "time_added" not in text:
            return False
        first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
        return "<a " in text.lower() or {"url", "time_added"} <= _fields(first)

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        return import_url_export(
            path, target, progress, service="Pocket", read=read_pocket, fetch=self.fetch
        )


def read_pocket(text: str) -> list[UrlItem]:
    """The HTML export or the CSV one, whichever `text` is."""
    return read_pocket_html(text) if "<a " in text.lower() else read_pocket_csv(text)


def read_pocket_csv(text: str) -> list[UrlItem]:
    items = []
    for row in csv.DictReader(io.StringIO(text)):
        url = (row.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            continue
        tags = tuple(t.strip() for t in (row.get("tags") or "").split("|") if t.strip())
        items.append(UrlItem(url, (row.get("title") or "").strip() or None, tags,
                             epoch_time(row.get("time_added"))))  # fmt: skip
    return items


def read_pocket_html(text: str) -> list[UrlItem]:
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(text)
    except Exception:  # lxml's parser errors are not one class
        return []
    items = []
    for link in root.iter("a"):
        url = (link.get("href") or "").strip()
        if not url.startswith(("http://", "https://")):
            continue
        tags = tuple(t.strip() for t in (link.get("tags") or "").split(",") if t.strip())
        title = " ".join(link.text_content().split()) or None
        items.append(UrlItem(url, title, tags, epoch_time(link.get("time_added"))))
    return items


def _fields(line: str) -> set[str]:
    return {f.strip().strip('"').lower() for f in line.split(",")}


KIND = PocketKind()
