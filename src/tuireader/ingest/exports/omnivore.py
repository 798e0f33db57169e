"""Omnivore's export ZIP: `metadata_N_to_M.json` (a list of items: id, slug, title, author,
url, savedAt, publishedAt, labels, state...), `content/<slug>.html` (the article as Omnivore
kept it) and `highlights/<slug>.md` (written by Omnivore's `highlightToMarkdown`: `> quote ` with each
empty line of the quote turned into `> ` and the lines after it unprefixed, then the labels
as `#a #b` and the note, each after a blank line; highlights joined by blank lines).
A page note (no quote) is written as a bare paragraph too, so one that follows a highlight
cannot be told from that highlight's note: it is kept as the note.

Items are saved with `save_page` under `imported/omnivore/<site>/`: the import's own folder
keeps its provenance visible (and removable as one folder), and the site sub-folder matches
the other offline copies. Highlights are placed on the saved text (`ingest.highlights`).
"""

from __future__ import annotations

import re
from pathlib import Path

from tuireader.articles.dates import parse_date
from tuireader.ingest.clean import field as _text
from tuireader.ingest.clean import ident
from tuireader.ingest.exports import ImportTarget
from tuireader.ingest.exports.common import save_item
from tuireader.ingest.guard import one_item
from tuireader.ingest.highlights import ImportedHighlight
from tuireader.ingest.jsonsafe import JsonError, loads
from tuireader.ingest.report import ImportReport, Progress
from tuireader.ingest.saved_page import SavedPage
from tuireader.storage.safezip import SafeZip, ZipRefused

_METADATA = re.compile(r"(?:^|/)metadata_(\d+)_to_\d+\.json$")
_LABELS = re.compile(r"^(?:#[^\s#]+\s*)+$")


class OmnivoreKind:
    name = "omnivore"
    label = "Omnivore export (ZIP)"

    def detect(self, path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK"):
            return False
        try:
            with SafeZip(path) as archive:
                return any(_METADATA.search(n) for n in archive.names())
        except ZipRefused:
            return False

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        report = ImportReport()
        try:
            archive = SafeZip(path)
        except ZipRefused as exc:
            report.failed.append((path.name, str(exc)))
            return report
        with archive:
            items = _items(archive, report)
            for done, item in enumerate(items, start=1):
                if progress:
                    progress(done - 1, len(items), str(item.get("title") or ""))
                with one_item(report, _text(item.get("title")) or f"item {done}"):
                    _import_item(archive, item, target, report)
            if progress:
                progress(len(items), len(items), "")
        return report


def _items(archive: SafeZip, report: ImportReport) -> list[dict]:
    """Every item of every metadata file, in export order; a bad file is one failure."""
    names = sorted(
        (n for n in archive.names() if _METADATA.search(n)),
        key=lambda n: int(_METADATA.search(n).group(1)),  # type: ignore[union-attr]
    )
    items: list[dict] = []
    for name in names:
        try:
            data = loads(archive.read(name))
        except ZipRefused as exc:
            report.failed.append((name, str(exc)))
            continue
        except JsonError as exc:
            report.failed.append((name, f"not valid JSON ({exc})"))
            continue
        if not isinstance(data, list):
            report.failed.append((name, "not a list of items"))
            continue
        for entry in data:
            if isinstance(entry, dict):
                items.append(entry)
            else:
                report.failed.append((name, "an item that is not an object"))
    return items


def _import_item(archive: SafeZip, item: dict, target: ImportTarget, report: ImportReport) -> None:
    raw_slug = item.get("slug")  # as written, for the member's name (a no-break space too)
    slug = _text(raw_slug) or ident(item.get("id"))
    member = raw_slug.strip() if isinstance(raw_slug, str) and slug == _text(raw_slug) else slug
    label = _text(item.get("title")) or slug or "an untitled item"
    if str(item.get("state") or "").upper() == "DELETED":
        report.skipped.append((label, "deleted in Omnivore"))
        return
    if not slug:
        report.failed.append((label, "no slug: its content file cannot be found"))
        return
    try:
        content = archive.read(f"content/{member}.html").decode("utf-8", "replace")
    except ZipRefused as exc:
        report.failed.append((label, f"no article text ({exc})"))
        return
    url = _text(item.get("url"))
    labels = item.get("labels")
    page = SavedPage(
        title=_text(item.get("title")) or slug,
        body_html=content,
        source_id=url or f"omnivore:{ident(item.get('id')) or slug}",
        url=url or None,
        author=_text(item.get("author")) or None,
        published=parse_date(_text(item.get("publishedAt"))) if item.get("publishedAt") else None,
        site=_text(item.get("siteName")) or None,
        tags=tuple(_label(x) for x in labels if _label(x)) if isinstance(labels, list) else (),
        summary=_text(item.get("description")) or None,
    )
    saved_at = parse_date(_text(item.get("savedAt"))) if item.get("savedAt") else None
    highlights: list[ImportedHighlight] = []
    name = f"highlights/{member}.md"
    if archive.has(name):
        try:
            highlights = parse_highlights(archive.read(name).decode("utf-8", "replace"))
        except ZipRefused as exc:
            report.failed.append((label, f"highlights not read ({exc})"))
    archived = str(item.get("state") or "").upper() == "ARCHIVED"
    save_item(
        "imported/omnivore",
        page,
        target,
        report,
        label=label,
        when=saved_at,
        highlights=highlights,
        read=archived,
    )


def parse_highlights(text: str) -> list[ImportedHighlight]:
    """`> quote` blocks (a block runs to the next blank line), then `#labels` and a note."""
    found: list[ImportedHighlight] = []
    quote: list[str] = []
    after: list[str] = []

    def flush() -> None:
        if quote:
            tags = tuple(t.lstrip("#") for p in after if _LABELS.match(p) for t in p.split())
            note = "\n\n".join(p for p in after if not _LABELS.match(p)).strip()
            found.append(ImportedHighlight(_strip_link(" ".join(quote)), note or None, tags=tags))
        quote.clear()
        after.clear()

    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith(">"):
            flush()
            quote.extend(line.lstrip(">").strip() for line in lines)
        elif quote:
            after.append("\n".join(lines).strip())
    flush()
    return [h for h in found if h.quote]


def _strip_link(quote: str) -> str:
    """Omnivore may end a quote with a link back to it: `[⤴️](https://...)`."""
    return re.sub(r"\s*\[[^\]]*\]\(https?://[^)]*\)\s*$", "", quote).strip()


def _label(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    return _text(value)


KIND = OmnivoreKind()
