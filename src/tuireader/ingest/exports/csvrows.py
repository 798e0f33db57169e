"""CSV exports read row by row, defensively: one odd row is one line, the rest goes on.

`csv.DictReader` puts surplus fields under the key None (as a list) and raises for a field
over 131,072 characters, which aborted whole imports. Here the header names the columns,
surplus fields are dropped with a note, a field is allowed up to `MAX_FIELD` characters
(a page's selection can be long), and a row the csv module cannot read is reported by its
line number while the reader goes on with the next one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from tuireader.ingest.report import ImportReport

MAX_FIELD = 1024 * 1024  # characters in one field


def csv_rows(text: str, name: str, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {lower-case column: stripped value}) for each readable row."""
    if csv.field_size_limit() < MAX_FIELD:
        csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    surplus = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            why = " ".join(str(exc).split())
            report.failed.append((f"{name} line {reader.line_num}", f"not read ({why})"))
            continue
        if header is None:
            header = [c.strip().lstrip("\ufeff").lower() for c in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            surplus += 1
        yield (
            reader.line_num,
            {key: value.strip() for key, value in zip(header, row, strict=False) if key},
        )
    if surplus:
        report.notes.append((name, f"{surplus:,} rows had more fields than columns: ignored"))
