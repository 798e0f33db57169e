"""wallabag's JSON export: a list of entries (id, title, url, content as HTML, tags,
published_by, created_at, published_at, is_archived, ...), each with its `annotations`
(quote, text = the note, ranges = XPath offsets into wallabag's own rendering).

wallabag v1 (the PHP "poche" era) exported a flatter shape that its v2 still imports:
`is_read`/`is_fav` instead of `is_archived`/`is_starred`, tags as one comma-separated
string, no annotations, and an untitled entry titled "Untitled" in the user's language.
An archived (v2) or read (v1) entry is saved as read.

Entries are saved with `save_page` under `imported/wallabag/<site>/`; annotations become
highlights placed by their quote on the saved text (the ranges point into wallabag's DOM,
not ours, so they are not used).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from tuireader.articles.dates import parse_date
from tuireader.ingest.clean import field as _text
from tuireader.ingest.clean import ident, text_block
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.common import save_item
from tuireader.ingest.guard import one_item
from tuireader.ingest.highlights import ImportedHighlight
from tuireader.ingest.jsonsafe import JsonError, loads
from tuireader.ingest.report import ImportReport, Progress
from tuireader.ingest.saved_page import SavedPage

MAX_JSON = 512 * 1024 * 1024
_SIGNS = (
    b'"is_archived"',
    b'"is_starred"',
    b'"reading_time"',
    b'"domain_name"',
    b'"is_read"',  # v1
    b'"is_fav"',  # v1
)
_V1_ROW = re.compile(
    rb'\[\s*\{\s*"0"\s*:\s*"?\d+"?\s*,\s*"1"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"2"\s*:\s*"https?://'
)
# v1 titled an entry it could not title "Untitled", translated (wallabag v2 refetches those)
_UNTITLED = frozenset(
    {"untitled", "sans titre", "sin título", "sem título", "senza titolo", "ohne titel"}
)


class WallabagKind:
    name = "wallabag"
    label = "wallabag export (JSON)"

    def detect(self, path: Path, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if start[:1] in (b"[", b"{") and b'"url"' in head and any(s in head for s in _SIGNS):
            return True
        # v1 wrote each row twice, by column number first ("0": id, "1": title, "2": url,
        # ... "5": content): with a long first article the named keys lie past the head
        return bool(_V1_ROW.match(start))

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        report = ImportReport()
        try:
            if path.stat().st_size > MAX_JSON:
                report.failed.append((path.name, f"larger than {MAX_JSON // 2**20} MB"))
                return report
            data = loads(path.read_bytes())
        except OSError as exc:
            report.failed.append((path.name, f"cannot be read: {exc.strerror or exc}"))
            return report
        except JsonError as exc:
            report.failed.append((path.name, f"not valid JSON ({exc})"))
            return report
        entries = data if isinstance(data, list) else [data]
        for done, entry in enumerate(entries):
            if not isinstance(entry, dict):
                report.failed.append((f"entry {done + 1}", "not an object"))
                continue
            if progress:
                progress(done, len(entries), _text(entry.get("title")))
            with one_item(report, _text(entry.get("title")) or f"entry {done + 1}"):
                _import_entry(entry, target, report)
        if progress:
            progress(len(entries), len(entries), "")
        return report


def _import_entry(entry: dict, target: ImportTarget, report: ImportReport) -> None:
    url = _text(entry.get("url") or entry.get("given_url"))
    title = _text(entry.get("title"))
    title = "" if title.casefold() in _UNTITLED else title
    label = title or url or f"entry {ident(entry.get('id')) or '?'}"
    authors = entry.get("published_by")
    author = ", ".join(_text(a) for a in authors if _text(a)) if isinstance(authors, list) else ""
    content = entry.get("content")
    page = SavedPage(
        title=title or url or "Untitled",
        body_html=content if isinstance(content, str) else "",
        source_id=url or f"wallabag:{ident(entry.get('id'))}",
        url=url or None,
        author=author or _text(authors) or None,
        published=_date(entry.get("published_at")),
        site=_text(entry.get("domain_name")) or None,
        tags=_tags(entry.get("tags")),
    )
    highlights = [
        ImportedHighlight(_text(a.get("quote")), _note(a.get("text")))
        for a in _list(entry.get("annotations"))
        if isinstance(a, dict) and _text(a.get("quote"))
    ]
    save_item(
        "imported/wallabag",
        page,
        target,
        report,
        label=label,
        when=_date(entry.get("created_at")),
        highlights=highlights,
        read=_flag(entry.get("is_archived", entry.get("is_read"))),
    )


def _date(value: object) -> datetime | None:
    return parse_date(value) if isinstance(value, str) and value.strip() else None


def _flag(value: object) -> bool:
    """v2 writes 0/1 (or true/false), v1 "0"/"1"."""
    return value in (1, True, "1", "true")


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _tags(value: object) -> tuple[str, ...]:
    """v2: a list of labels (or of the API's tag objects); v1: "tag one,tag two"."""
    items = value.split(",") if isinstance(value, str) else _list(value)
    return tuple(dict.fromkeys(t for t in (_tag(x) for x in items) if t))


def _tag(value: object) -> str:
    if isinstance(value, dict):  # the API's shape: {"id", "label", "slug"}
        value = value.get("label")
    return _text(value)


def _note(value: object) -> str | None:
    return text_block(value) or None if isinstance(value, str) else None


KIND = WallabagKind()
