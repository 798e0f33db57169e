"""One page by URL into the library (`tuireader add`, the reader's add key)."""

from __future__ import annotations

from pathlib import Path

from tuireader.ingest.fetch_page import fetch_page
from tuireader.ingest.http import FetchError
from tuireader.ingest.report import ALREADY, ImportReport
from tuireader.ingest.saved_page import SaveOutcome, save_page, site_folder


def add_url(root: Path, url: str, report: ImportReport, *, images: bool = True) -> None:
    """Fetch, extract and save `url` under saved/<site>/ (with its images unless `images`
    is off); a failure is one line in the report and writes nothing, an image that could
    not be kept is one note."""
    url = url.strip()
    try:
        page = fetch_page(url)
        if images:
            from tuireader.ingest.image_files import fetch_images

            kept = fetch_images(page)
            page = kept.page
            report.notes.extend(kept.notes)
        result = save_page(root, f"saved/{site_folder(page.url or url, page.site)}", page)
    except FetchError as exc:
        report.failed.append((url, str(exc)))
        return
    except OSError as exc:
        report.failed.append((url, f"could not be written: {exc.strerror or exc}"))
        return
    if result.outcome is SaveOutcome.WRITTEN:
        report.saved.append(str(result.path))
    else:
        report.skipped.append((str(result.path), ALREADY))
