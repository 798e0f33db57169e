"""Instapaper's CSV export: `URL,Title,Selection,Folder,Timestamp` (newer exports add
`Tags`, a JSON list). Like Pocket it kept links, so each page is fetched; the folder
(other than Unread/Archive/Starred) and the tags become tags, the selection the summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tuireader.ingest.clean import field, text_block
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.csvrows import csv_rows
from tuireader.ingest.jsonsafe import JsonError, loads
from tuireader.ingest.report import ImportReport, Progress
from tuireader.ingest.url_list import Fetch, UrlItem, epoch_time, import_url_export

_PLAIN_FOLDERS = {"unread", "archive", "starred", ""}


@dataclass
class InstapaperKind:
    fetch: Fetch | None = None  # None: the real HTTP fetcher
    name: str = "instapaper"
    label: str = "Instapaper export (CSV)"

    def detect(self, path: Path, head: bytes) -> bool:
        first = head.decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
        fields = {f.strip().strip('"').lower() for f in first.split(",")}
        return {"url", "title", "selection", "folder"} <= fields

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        return import_url_export(
            path,
            target,
            progress,
            service="Instapaper",
            read=read_instapaper_csv,
            fetch=self.fetch,
        )


def read_instapaper_csv(text: str, name: str, report: ImportReport) -> list[UrlItem]:
    items = []
    for _line, row in csv_rows(text, name, report):
        url = field(row.get("url"))
        if not url.startswith(("http://", "https://")):
            continue
        tags = list(_tags(row.get("tags", "")))
        folder = field(row.get("folder"))
        if folder.lower() not in _PLAIN_FOLDERS:
            tags.insert(0, folder)
        selection = text_block(row.get("selection", "")) or None
        items.append(UrlItem(url, field(row.get("title")) or None, tuple(dict.fromkeys(tags)),
                             epoch_time(row.get("timestamp")), selection))  # fmt: skip
    return items


def _tags(value: str) -> list[str]:
    if not value:
        return []
    try:
        data = loads(value)
    except JsonError:
        return [t for t in (field(t) for t in value.split(",")) if t]
    return [t for t in (field(t) for t in data) if t] if isinstance(data, list) else []


KIND = InstapaperKind()
