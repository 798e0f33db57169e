"""CSV in the columns Readwise imports: Highlight,Title,Author,URL,Note,Location,Date.

RFC 4180 quoting via the csv module (CRLF line ends). One row per highlight: Readwise refuses
a row without one, so bookmarks are left out (the Markdown, Obsidian and JSON exports have
them). Location is the character offset (an integer, which Readwise sorts by); Date is when
the passage was marked. Tags go into the
note as Readwise's `.tag` inline tags. Cells that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from tuireader.annotations.export_common import web_url
from tuireader.annotations.models import ArticleAnnotations, Highlight
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
        for item in sorted(group.highlights, key=lambda item: (item.position, item.id)):
            if not item.quote.strip():
                continue
            row = (
                item.quote,
                ref.title,
                ref.author or "",
                web_url(ref.url) or "",
                _note(item),
                str(item.position),
                item.created.strftime("%Y-%m-%d %H:%M:%S"),
            )
            writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def _note(item: Highlight) -> str:
    tags = " ".join(f".{t.replace(' ', '-')}" for t in item.tags)
    return " ".join(part for part in (tags, item.note or "") if part)
