"""CSV in the columns Readwise imports: Highlight,Title,Author,URL,Note,Location,Date.

RFC 4180 quoting via the csv module (CRLF line ends). Location is the character offset (an
integer, which Readwise sorts by); Date is when the passage was marked. Tags go into the
note as Readwise's `.tag` inline tags. Cells that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from tuireader.annotations.export_common import web_url
from tuireader.annotations.models import ArticleAnnotations, Bookmark, Highlight
from tuireader.text.inert import clean_text

COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell inert in spreadsheets (OWASP's CSV-injection advice) and in a terminal
    (no escape sequences or control characters; line breaks kept)."""
    cell = clean_text(cell)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render_csv(groups: Iterable[ArticleAnnotations]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for group in groups:
        ref = group.article
        items: list[Bookmark | Highlight] = [*group.bookmarks, *group.highlights]
        items.sort(key=lambda item: (item.position, item.id))
        for item in items:
            location = (
                "" if isinstance(item, Bookmark) and item.offset is None else str(item.position)
            )
            row = (
                item.quote or "",
                ref.title,
                ref.author or "",
                web_url(ref.url) or "",
                _note(item),
                location,
                item.created.strftime("%Y-%m-%d %H:%M:%S"),
            )
            writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def _note(item: Bookmark | Highlight) -> str:
    tags = " ".join(f".{t.replace(' ', '-')}" for t in item.tags)
    return " ".join(part for part in (tags, item.note or "") if part)
