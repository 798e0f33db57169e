"""Obsidian Web Clipper notes: Markdown with front matter (`source` = the URL, `published`,
`author` as a list of `[[Name]]` links, `tags`, `description`, `created`).

They are already a library format, so importing one copies the file into `clippings/`
(its own name kept). A file already there with the same bytes is left alone; one with the
same `source` but new text is replaced (the page was clipped again); another article of the
same name gets the source's short hash in its name. A folder of clippings (Obsidian's
`Clippings/`) imports every clipping in it.

Text the clipper marked as highlighted (`==like this==`) becomes a highlight in the
annotation store, placed on the saved text; the Markdown reader shows the marked text
without its `==` (the file itself is kept as clipped).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from tuireader.articles.decode import decode_bytes
from tuireader.articles.errors import SkipFile
from tuireader.articles.markdown_blocks import markdown_blocks, marked_spans
from tuireader.articles.model import Article
from tuireader.articles.registry import parse_bytes
from tuireader.ingest.exports import HEAD_BYTES, ImportTarget
from tuireader.ingest.exports.common import copy_into, read_source_file
from tuireader.ingest.highlights import ImportedHighlight, attach
from tuireader.ingest.report import ImportReport, Progress

FOLDER = "clippings"
_SOURCE = re.compile(rb"^source:\s*\S", re.M)
_CLIPPER = re.compile(rb"^(?:created|published):|^\s*-\s*\"?clippings\"?\s*$", re.M)


def is_clipping(head: bytes) -> bool:
    """YAML front matter with a `source` URL and the Web Clipper's `created`/`clippings`."""
    if not head.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        return False
    front = head.split(b"\n---", 2)[0] if b"\n---" in head[3:] else head
    return bool(_SOURCE.search(front) and _CLIPPER.search(front))


class ObsidianKind:
    name = "obsidian"
    label = "Obsidian Web Clipper notes (Markdown file or folder)"

    def detect(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return any(_head_is_clipping(f) for f in sorted(path.glob("*.md"))[:50])
        return path.suffix.lower() in (".md", ".markdown") and is_clipping(head)

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        report = ImportReport()
        files = sorted(path.rglob("*.md")) if path.is_dir() else [path]
        for done, file in enumerate(files):
            if progress:
                progress(done, len(files), file.name)
            if path.is_dir() and not _head_is_clipping(file):
                report.skipped.append((file.name, "not a Web Clipper note"))
                continue
            _copy(file, target, report)
        if progress:
            progress(len(files), len(files), "")
        return report


def _head_is_clipping(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            return is_clipping(handle.read(HEAD_BYTES))
    except OSError:
        return False


def _copy(file: Path, target: ImportTarget, report: ImportReport) -> None:
    data = read_source_file(file, report)
    if data is None:
        return
    name = PurePosixPath(FOLDER) / file.name
    data = decode_bytes(data).encode("utf-8")  # written as UTF-8, whatever it was
    try:
        article = parse_bytes(str(name), data)
    except SkipFile as exc:
        report.failed.append((file.name, str(exc)))
        return
    saved = copy_into(target.root, name, data, report, label=file.name)
    if saved is not None:
        attach(target.store, target.root, saved, marked_highlights(article), report)


CONTEXT = 60  # characters kept on each side of a marked quote, to place a repeated one


def marked_highlights(article: Article) -> list[ImportedHighlight]:
    """The article's `==marked==` stretches as highlights (with context to place them)."""
    if not article.source:
        return []
    body = article.body
    return [
        ImportedHighlight(
            body[start:end],
            prefix=body[max(0, start - CONTEXT) : start],
            suffix=body[end : end + CONTEXT],
        )
        for start, end in marked_spans(markdown_blocks(article.source))
        if body[start:end].strip()
    ]


KIND = ObsidianKind()
