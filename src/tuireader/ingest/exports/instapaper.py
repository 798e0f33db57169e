"""Instapaper's CSV export: `URL,Title,Selection,Folder,Timestamp` (newer exports add
`Tags`, a JSON list). Like Pocket it kept links, so each page is fetched; the folder
(other than Unread/Archive/Starred) and the tags become tags, the selection the summary."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from tuireader.ingest.exports import ImportTarget
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


def read_instapaper_csv(text: str) -> list[UrlItem]:
    items = []
    for raw in csv.DictReader(io.StringIO(text)):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        url = row.get("url", "")
        if not url.startswith(("http://", "https://")):
            continue
        tags = list(_tags(row.get("tags", "")))
        folder = row.get("folder", "")
        if folder.lower() not in _PLAIN_FOLDERS:
            tags.insert(0, folder)
        items.append(UrlItem(url, row.get("title") or None, tuple(dict.fromkeys(tags)),
                             epoch_time(row.get("timestamp")), row.get("selection") or None))  # fmt: skip
    return items


def _tags(value: str) -> list[str]:
    if not value:
        return []
    try:
        data = json.loads(value)
    except ValueError:
        return [t.strip() for t in value.split(",") if t.strip()]
    return [str(t).strip() for t in data if str(t).strip()] if isinstance(data, list) else []


KIND = InstapaperKind()
