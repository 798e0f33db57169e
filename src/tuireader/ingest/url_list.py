"""Import a list of URLs (a Pocket or Instapaper export): fetch each page, save it, go on.

Exports of services that kept only links are worth something only once every page is
fetched, which for a few thousand links takes a while and meets dead sites. So the import
fetches in parallel (a few connections), saves each page as it arrives, and writes one line
per URL to a journal in the library's state folder: run it again after an interruption and
what was saved is skipped without a request, what failed is tried again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.guard import one_item, reason
from tuireader.ingest.report import ALREADY, ImportReport, Progress
from tuireader.ingest.saved_page import SavedPage, SaveOutcome, save_page, site_folder

# A fetcher turns a URL into the page's article, or raises with a one-line reason.
Fetch = Callable[[str], SavedPage]
WORKERS = 6


@dataclass(frozen=True)
class UrlItem:
    """One link of an export, with what the service knew of it."""

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    added: datetime | None = None
    summary: str | None = None


def epoch_time(value: str | None) -> datetime | None:
    """A Unix time in seconds as the exports write it ('1714550400'), else None."""
    try:
        seconds = int(str(value).strip())
        return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
    except (ValueError, OverflowError, OSError):
        return None


MAX_EXPORT = 64 * 1024 * 1024


def import_url_export(
    path: Path,
    target: ImportTarget,
    progress: Progress | None,
    *,
    service: str,
    read: Callable[[str, str, ImportReport], list[UrlItem]],
    fetch: Fetch | None,
) -> ImportReport:
    """A link-list export of `service` ("Pocket"): read its links with `read`, then fetch
    and save them; an unreadable or empty file is one line."""
    report = ImportReport()
    try:
        if path.stat().st_size > MAX_EXPORT:
            report.failed.append((path.name, f"larger than {MAX_EXPORT // 2**20} MB"))
            return report
        text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    except OSError as exc:
        report.failed.append((path.name, f"cannot be read: {exc.strerror or exc}"))
        return report
    items = read(text, path.name, report)
    if not items:
        report.failed.append((path.name, f"no links found in this {service} export"))
        return report
    if fetch is None:
        from tuireader.ingest.fetch_page import fetch_page

        fetch = fetch_page
    journal = f"{service.lower()}:{path.resolve()}"
    report.merge(import_urls(items, target, fetch, journal_name=journal, progress=progress))
    return report


def import_urls(
    items: Sequence[UrlItem],
    target: ImportTarget,
    fetch: Fetch,
    *,
    journal_name: str,
    progress: Progress | None = None,
    workers: int = WORKERS,
) -> ImportReport:
    """Fetch and save every item not saved by an earlier run of the same import."""
    report = ImportReport()
    journal_path = _journal_path(target, journal_name)
    done = _read_journal(journal_path)
    todo: list[UrlItem] = []
    for item in _unique(items):
        saved = done.get(item.url)
        if saved is not None and (target.root / saved).is_file():
            report.skipped.append((saved, ALREADY))
        else:
            todo.append(item)
    total = len(todo)
    if progress:
        progress(0, total, "")
    if not todo:
        return report
    journal_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        journal_path.open("a", encoding="utf-8") as journal,
        ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
    ):
        futures = [(item, pool.submit(fetch, item.url)) for item in todo]
        for count, (item, future) in enumerate(futures, start=1):
            with one_item(report, item.url):
                _save_one(item, future, target, report, journal)
            if progress:
                progress(count, total, item.title or item.url)
    return report


def _save_one(
    item: UrlItem,
    future: Future[SavedPage],
    target: ImportTarget,
    report: ImportReport,
    journal: IO[str],
) -> None:
    try:
        page = future.result()
    except Exception as exc:  # the fetcher's reason, one line; the import goes on
        report.failed.append((item.url, reason(exc)))
        return
    page = replace(
        page,
        source_id=item.url,
        title=page.title or item.title or item.url,
        summary=page.summary or item.summary,
        tags=tuple(dict.fromkeys((*page.tags, *item.tags))),
    )
    try:
        result = save_page(
            target.root, f"saved/{site_folder(page.url or item.url, page.site)}", page,
            when=item.added,
        )  # fmt: skip
    except (OSError, FileExistsError) as exc:
        report.failed.append((item.url, f"could not be written: {reason(exc)}"))
        return
    path = str(result.path)
    if result.outcome is SaveOutcome.WRITTEN:
        report.saved.append(path)
    else:
        report.skipped.append((path, ALREADY))
    journal.write(json.dumps({"url": item.url, "path": path}) + "\n")
    journal.flush()


def _unique(items: Iterable[UrlItem]) -> list[UrlItem]:
    seen: dict[str, UrlItem] = {}
    for item in items:
        seen.setdefault(item.url, item)
    return list(seen.values())


def _journal_path(target: ImportTarget, name: str) -> Path:
    digest = hashlib.sha1(name.encode()).hexdigest()[:16]
    return target.state_dir / "url-imports" / f"{digest}.jsonl"


def _read_journal(path: Path) -> dict[str, str]:
    """URL -> saved path from earlier runs (a torn last line, from a kill, is ignored)."""
    done: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return done
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            done[entry["url"]] = str(entry.get("path", ""))
    return done
