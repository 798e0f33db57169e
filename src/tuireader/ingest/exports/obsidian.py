"""Obsidian Web Clipper notes: Markdown with front matter (`source` = the URL, `published`,
`author` as a list of `[[Name]]` links, `tags`, `description`, `created`).

They are already a library format, so importing one copies the file into `clippings/`
(its own name kept). A file already there with the same bytes is left alone; one with the
same `source` but new text is replaced (the page was clipped again); another article of the
same name gets the source's short hash in its name. A folder of clippings (Obsidian's
`Clippings/`) imports every clipping in it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from tuireader.annotations.atomic import write_atomically
from tuireader.articles.decode import decode_bytes
from tuireader.articles.errors import SkipFile
from tuireader.articles.registry import MAX_BYTES, parse_bytes
from tuireader.ingest.exports import HEAD_BYTES, ImportTarget
from tuireader.ingest.report import ALREADY, ImportReport, Progress

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
            _copy(file, target.root, report)
        if progress:
            progress(len(files), len(files), "")
        return report


def _head_is_clipping(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            return is_clipping(handle.read(HEAD_BYTES))
    except OSError:
        return False


def _copy(file: Path, root: Path, report: ImportReport) -> None:
    try:
        if file.stat().st_size > MAX_BYTES:
            report.failed.append((file.name, "larger than 20 MB"))
            return
        data = file.read_bytes()
    except OSError as exc:
        report.failed.append((file.name, f"cannot be read: {exc.strerror or exc}"))
        return
    name = PurePosixPath(FOLDER) / file.name
    try:
        article = parse_bytes(str(name), data)
    except SkipFile as exc:
        report.failed.append((file.name, str(exc)))
        return
    text = decode_bytes(data)  # written as UTF-8, whatever the clipping's encoding was
    data = text.encode("utf-8")
    digest = hashlib.sha1((article.url or file.name).encode()).hexdigest()[:8]
    for relative in (name, name.with_name(f"{name.stem}-{digest}{name.suffix}")):
        target = root / relative
        try:
            existing = target.read_bytes()
        except FileNotFoundError:
            existing = None
        except OSError as exc:
            report.failed.append((file.name, f"cannot read {relative}: {exc.strerror or exc}"))
            return
        if existing == data:
            report.skipped.append((str(relative), ALREADY))
            return
        if existing is not None and _source(str(relative), existing) != article.url:
            continue  # another article has this name: try the hashed one
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, text)
        except OSError as exc:
            report.failed.append((file.name, f"could not be written: {exc.strerror or exc}"))
            return
        (report.updated if existing is not None else report.saved).append(str(relative))
        return
    report.failed.append((file.name, f"{FOLDER}/ already holds other articles of that name"))


def _source(relpath: str, data: bytes) -> str | None:
    try:
        return parse_bytes(relpath, data).url
    except SkipFile:
        return None


KIND = ObsidianKind()
