"""What the read-later kinds share: save one item, then bring its highlights along."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.highlights import ImportedHighlight, attach
from tuireader.ingest.report import ALREADY, ImportReport
from tuireader.ingest.saved_page import (
    SavedPage,
    SaveOutcome,
    clean_article_html,
    save_page,
    site_folder,
)

_TAGS = re.compile(r"<[^>]*>")


def save_item(
    folder: str,
    page: SavedPage,
    target: ImportTarget,
    report: ImportReport,
    *,
    label: str,
    when: datetime | None = None,
    highlights: Sequence[ImportedHighlight] = (),
) -> None:
    """Save the page under `<folder>/<site>/` (or find it there) and attach its highlights;
    a failure is one line in the report."""
    if not _TAGS.sub("", clean_article_html(page.body_html)).strip():
        report.failed.append((label, "no article text"))
        return
    try:
        result = save_page(
            target.root, f"{folder}/{site_folder(page.url, page.site)}", page, when=when
        )
    except FileExistsError as exc:
        report.failed.append((label, str(exc)))
        return
    except OSError as exc:
        report.failed.append((label, f"could not be written: {exc.strerror or exc}"))
        return
    path = str(result.path)
    if result.outcome is SaveOutcome.WRITTEN:
        report.saved.append(path)
    elif result.outcome is SaveOutcome.UPDATED:
        report.updated.append(path)
    else:
        report.skipped.append((path, ALREADY))
    attach(target.store, target.root, result.path, highlights, report)
