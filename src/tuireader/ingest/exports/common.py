"""What the import kinds share: save an item and bring its highlights along, or copy a file
that is already a library format (clippings, books) without making a duplicate."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath

from tuireader.annotations.atomic import remove_dead_temps, write_atomically
from tuireader.articles.errors import SkipFile
from tuireader.articles.model import article_id
from tuireader.articles.registry import MAX_BYTES, parse_bytes
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
# The library folders imports write into (`add` and the Pocket/Instapaper links share saved/).
IMPORT_FOLDERS = ("imported", "saved", "books", "clippings")


def remove_dead_temps_of_imports(root: Path) -> int:
    """The temporary files an import (or `add`) killed half-way left in the library: the
    scanner skips them, so without this they would stay for good."""
    return sum(remove_dead_temps(root / folder) for folder in IMPORT_FOLDERS)


def save_item(
    folder: str,
    page: SavedPage,
    target: ImportTarget,
    report: ImportReport,
    *,
    label: str,
    when: datetime | None = None,
    highlights: Sequence[ImportedHighlight] = (),
    read: bool = False,
) -> None:
    """Save the page under `<folder>/<site>/` (or find it there) and attach its highlights;
    a failure is one line in the report. `read`: the other tool had it read or archived,
    so a newly saved copy starts read (one already there keeps the state it has here)."""
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
        if read and target.store is not None:
            target.store.set_read(article_id(path), True)
    elif result.outcome is SaveOutcome.UPDATED:
        report.updated.append(path)
    else:
        report.skipped.append((path, ALREADY))
    attach(target.store, target.root, result.path, highlights, report)


def read_source_file(file: Path, report: ImportReport) -> bytes | None:
    """The bytes of a file to import (None, with the reason reported, when it cannot be)."""
    try:
        if file.stat().st_size > MAX_BYTES:
            report.failed.append((file.name, f"larger than {MAX_BYTES // 2**20} MB"))
            return None
        return file.read_bytes()
    except OSError as exc:
        report.failed.append((file.name, f"cannot be read: {exc.strerror or exc}"))
        return None


def identity(relpath: str, data: bytes) -> str | None:
    """What makes two files the same article: its URL, else its title and author."""
    try:
        article = parse_bytes(relpath, data)
    except SkipFile:
        return None
    return article.url or f"{article.title}\n{article.author or ''}"


def copy_into(
    root: Path,
    name: PurePosixPath,
    data: bytes,
    report: ImportReport,
    *,
    label: str,
    same: Callable[[str, bytes], str | None] = identity,
) -> PurePosixPath | None:
    """Copy a file that is already a library format to `root/name`, with no duplicate; the
    library path it is at now (None when it failed).

    The same bytes there: already in the library. The same article (`same`) with other
    bytes: replaced (it was clipped or published again). Another article of that name keeps
    it; this one gets its identity's short hash in the name."""
    mine = same(str(name), data)
    if mine is None:  # the caller checked it parses; a file that does not is never written
        report.failed.append((label, "no article text"))
        return None
    digest = hashlib.sha1(mine.encode()).hexdigest()[:8]
    for relative in (name, name.with_name(f"{name.stem}-{digest}{name.suffix}")):
        target = root / relative
        try:
            existing = target.read_bytes()
        except FileNotFoundError:
            existing = None
        except OSError as exc:
            report.failed.append((label, f"cannot read {relative}: {exc.strerror or exc}"))
            return None
        if existing == data:
            report.skipped.append((str(relative), ALREADY))
            return relative
        if existing is not None and same(str(relative), existing) != mine:
            continue  # another article has this name: try the hashed one
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        except OSError as exc:
            report.failed.append((label, f"could not be written: {exc.strerror or exc}"))
            return None
        (report.updated if existing is not None else report.saved).append(str(relative))
        return relative
    report.failed.append((label, f"{name.parent}/ already holds other articles of that name"))
    return None
