"""Obsidian export: one note per annotated article in a folder (a vault or a folder in one).

Each note is YAML front matter (title, author, url, source file, tags, dates: Obsidian's
Properties), a link to the source, and the highlights and bookmarks as block quotes with
their notes and dates. A re-export rewrites tuireader's part of each note in place and keeps
everything below the marker line, where the user writes. The note is found again by the
`tuireader` property (the article's id) even after its title, so its file name, changed; a
file of that name without the marker is the user's and is never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from tuireader.annotations.atomic import write_atomically
from tuireader.annotations.export_common import percent, web_url
from tuireader.annotations.export_markdown import escape_block, escape_inline, tag_list
from tuireader.annotations.models import ArticleAnnotations, ArticleRef, Bookmark, Highlight
from tuireader.text.inert import clean_line, clean_text

MARKER = "%% tuireader: your own notes go below this line; a re-export keeps them %%"
ID_KEY = "tuireader"  # the front-matter property that names the article
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f\x7f]+')  # Obsidian and file systems
_NAME_CHARS = 80
_ID_LINE = re.compile(rf"^{ID_KEY}: *['\"]?([^'\"\s]+)", re.MULTILINE)


@dataclass
class ObsidianReport:
    written: list[Path] = field(default_factory=list)  # new notes
    updated: list[Path] = field(default_factory=list)  # tuireader's part rewritten
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # a file of that name is the user's

    def summary(self) -> str:
        parts = [
            (self.written, "new"),
            (self.updated, "updated"),
            (self.unchanged, "unchanged"),
        ]
        said = ", ".join(f"{len(items)} {word}" for items, word in parts if items)
        return said or "no annotated articles"


def note_name(ref: ArticleRef) -> str:
    """A file name Obsidian can link to: the title without the characters links and file
    systems refuse, at most 80 characters."""
    title = _NOT_IN_NAMES.sub(" ", clean_line(ref.title or "")).strip(" .")
    title = " ".join(title.split())[:_NAME_CHARS].rstrip(" .")
    return title or f"Untitled {ref.article_id}"


def render_note(group: ArticleAnnotations, library_root: Path | None = None) -> str:
    """tuireader's part of one note, ending with the marker line."""
    ref = group.article
    lines = ["---", _front_matter(group).rstrip("\n"), "---", ""]
    lines += [f"# {escape_inline(ref.title) or 'Untitled'}", ""]
    byline = [escape_inline(x) for x in (ref.author, (ref.date or "")[:10]) if x]
    link = _source_link(ref, library_root)
    if link:
        byline.append(link)
    if byline:
        lines += [" · ".join(byline), ""]
    if ref.missing:
        lines += ["*The article's file is gone; its annotations are kept.*", ""]
    if group.highlights:
        lines += ["## Highlights", ""]
        for highlight in group.highlights:
            lines += _highlight(highlight, ref)
    if group.bookmarks:
        lines += ["## Bookmarks", ""]
        for bookmark in group.bookmarks:
            lines += _bookmark(bookmark, ref)
    lines.append(MARKER)
    return "\n".join(lines) + "\n"


def _front_matter(group: ArticleAnnotations) -> str:
    ref = group.article
    items: list[Highlight | Bookmark] = [*group.highlights, *group.bookmarks]
    data: dict[str, object] = {"title": clean_line(ref.title) or "Untitled"}
    if ref.author:
        data["author"] = clean_line(ref.author)
    url = web_url(ref.url)
    if url:
        data["url"] = url
    data["source"] = clean_line(ref.path)
    tags = [t.lstrip("#") for t in tag_list(ref.tags).split()]
    if tags:
        data["tags"] = tags
    published = _day(ref.date)
    if published:
        data["published"] = published
    if items:  # dates, not strings: Obsidian shows them as Date properties
        data["annotated"] = min(i.created for i in items).date()
        data["updated"] = max(i.updated for i in items).date()
    data[ID_KEY] = ref.article_id
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat((iso or "")[:10])
    except ValueError:
        return None


def _source_link(ref: ArticleRef, library_root: Path | None) -> str:
    url = web_url(ref.url)
    if url:
        return f"[Source](<{url}>)"
    if library_root is not None and not ref.missing:
        return f"[Open the file](<{(library_root / ref.path).resolve().as_uri()}>)"
    return ""


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in escape_block(text)]


def _highlight(highlight: Highlight, ref: ArticleRef) -> list[str]:
    said = [f"{percent(highlight.start, ref.length)}% into the article"]
    if highlight.color != "yellow":
        said.append(highlight.color)
    if highlight.orphaned:
        said.append("no longer in the article")
    return _quote(highlight.quote) + _details(
        highlight.note, highlight.tags, highlight.created, said
    )


def _bookmark(bookmark: Bookmark, ref: ArticleRef) -> list[str]:
    if bookmark.offset is None:
        return [
            "Bookmarked the whole article",
            *_details(bookmark.note, bookmark.tags, bookmark.created, []),
        ]
    said = [f"{percent(bookmark.offset, ref.length)}% into the article"]
    return _quote(bookmark.quote or "") + _details(
        bookmark.note, bookmark.tags, bookmark.created, said
    )


def _details(
    note: str | None, tags: tuple[str, ...], created: datetime, said: list[str]
) -> list[str]:
    """Under a passage: its note (Markdown-escaped), tags, then when and where, in italics."""
    lines = [""]
    if note and clean_text(note).strip():
        lines += [*escape_block(note), ""]
    if tags and tag_list(tags):
        lines += [tag_list(tags), ""]
    lines += ["*" + " · ".join([created.strftime("%Y-%m-%d"), *said]) + "*", ""]
    return lines


def write_obsidian(
    groups: Iterable[ArticleAnnotations], folder: Path, *, library_root: Path | None = None
) -> ObsidianReport:
    """Write or update one note per annotated article in `folder` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    report = ObsidianReport()
    own = _own_notes(folder)
    taken: set[str] = set()
    for group in groups:
        if not (group.highlights or group.bookmarks):
            continue
        ref = group.article
        ours = render_note(group, library_root)
        path = own.get(ref.article_id)
        if path is None:
            path = _free_name(folder, note_name(ref), ref.article_id, taken)
        taken.add(path.name.casefold())
        _write(path, ours, report)
    return report


def _own_notes(folder: Path) -> dict[str, Path]:
    """article id -> the note tuireader wrote for it (found by its front matter)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.md")):
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError:
            continue
        if not head.startswith("---\n"):
            continue
        end = head.find("\n---", 4)
        match = _ID_LINE.search(head[4:end] if end > 0 else head)
        if match:
            found.setdefault(match.group(1), path)
    return found


def _free_name(folder: Path, name: str, article_id: str, taken: set[str]) -> Path:
    """`<name>.md`, or `<name> (<id>).md` when another article or the user has that name."""
    for candidate in (f"{name}.md", f"{name} ({article_id}).md"):
        if candidate.casefold() not in taken and not (folder / candidate).exists():
            return folder / candidate
    return folder / f"{name} ({article_id}).md"  # kept below if it is not ours


def _write(path: Path, ours: str, report: ObsidianReport) -> None:
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        write_atomically(path, ours + "\n")
        report.written.append(path)
        return
    at = old.find(MARKER)
    if at < 0:
        report.kept.append(path)
        return
    mine = old[at + len(MARKER) :]
    new = ours + mine.removeprefix("\n")
    if new == old:
        report.unchanged.append(path)
    else:
        write_atomically(path, new)
        report.updated.append(path)
