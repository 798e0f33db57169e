"""Pocket's exports: the HTML file (`ril_export.html`: one `<a href time_added tags>` per
saved link, under "Unread" and "Read Archive") and the CSV of the 2024-25 export
(`title,url,time_added,tags,status`, tags joined by '|'). Pocket kept links, not pages, so
each page is fetched (`ingest.url_list`); tags and the time added come along."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tuireader.ingest.clean import field
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.csvrows import csv_rows
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


def read_pocket(text: str, name: str, report: ImportReport) -> list[UrlItem]:
    """The HTML export or the CSV one, whichever `text` is."""
    if "<a " in text.lower():
        return read_pocket_html(text)
    return read_pocket_csv(text, name, report)


def read_pocket_csv(text: str, name: str, report: ImportReport) -> list[UrlItem]:
    items = []
    for _line, row in csv_rows(text, name, report):
        url = field(row.get("url"))
        if not url.startswith(("http://", "https://")):
            continue
        tags = tuple(t for t in (field(t) for t in row.get("tags", "").split("|")) if t)
        items.append(UrlItem(url, field(row.get("title")) or None, tags,
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
        url = field(link.get("href"))
        if not url.startswith(("http://", "https://")):
            continue
        tags = tuple(t for t in (field(t) for t in (link.get("tags") or "").split(",")) if t)
        title = field(link.text_content()) or None
        items.append(UrlItem(url, title, tags, epoch_time(link.get("time_added"))))
    return items


def _fields(line: str) -> set[str]:
    return {f.strip().strip('"').lower() for f in line.split(",")}


KIND = PocketKind()
