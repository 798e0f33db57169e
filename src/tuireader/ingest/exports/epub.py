"""EPUB books: already a library format, so importing one copies it into `books/`.

The book is read first (a DRM'd, damaged or empty book is reported, never copied). The same
book already there (same bytes) is left alone; a new edition of the same title and author
under the same name replaces it; another book of that name keeps it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from tuireader.articles.errors import SkipFile
from tuireader.articles.registry import parse_bytes
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.common import copy_into, read_source_file
from tuireader.ingest.report import ImportReport, Progress

FOLDER = "books"


class EpubKind:
    name = "epub"
    label = "EPUB book"

    def detect(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".epub" and head.startswith(b"PK")

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        report = ImportReport()
        data = read_source_file(path, report)
        if data is None:
            return report
        name = PurePosixPath(FOLDER) / path.name
        try:
            parse_bytes(str(name), data)
        except SkipFile as exc:
            report.failed.append((path.name, str(exc)))
            return report
        copy_into(target.root, name, data, report, label=path.name)
        if progress:
            progress(1, 1, path.name)
        return report


KIND = EpubKind()
