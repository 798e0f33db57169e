"""One offline copy of a web article, written into the library as a small HTML file.

Feeds, `tuireader add URL` and read-later imports all end here, so every saved article has
the same shape: the article's own HTML (cleaned of scripts, styles, forms and frames) with
its metadata in the `<head>` tags the HTML parser already reads first (title, author,
published time, site, tags, canonical URL). The file name comes from the source, so saving
the same source twice finds the same file: re-imports change nothing.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from tuireader.annotations.atomic import write_atomically
from tuireader.text.inert import clean_line, clean_text

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_SITE_DROP = re.compile(r"[^a-z0-9.-]+")
_SOURCE_ID = re.compile(rb'<meta name="tuireader:source" content="([^"]*)"')
_MAX_SLUG = 60
# letters NFKD does not split into a base letter and a mark
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "œ": "oe"})


class SaveOutcome(Enum):
    WRITTEN = "written"  # a new file
    UPDATED = "updated"  # the same source, new content (overwrite=True)
    UNCHANGED = "unchanged"  # the same source is already saved


@dataclass(frozen=True)
class ImageFile:
    """An image of the article, fetched and checked (`ingest.image_files`): `src` is the
    address the article's <img> gives, stored as `<name>.assets/NNN.<ext>`."""

    src: str
    data: bytes = field(repr=False)
    ext: str


@dataclass(frozen=True)
class SavedPage:
    """What a source says about one article; `body_html` is the article, not the page."""

    title: str
    body_html: str
    source_id: str  # stable identity: canonical URL, feed entry id, or export item id
    url: str | None = None
    author: str | None = None
    published: datetime | None = None
    site: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    images: tuple[ImageFile, ...] = ()  # kept beside the file; the others stay addresses


@dataclass(frozen=True)
class SaveResult:
    path: PurePosixPath  # relative to the library root
    outcome: SaveOutcome


def slugify(text: str, *, fallback: str = "article") -> str:
    """ASCII, lower case, words joined by '-', at most 60 characters, never empty."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    slug = _SLUG_DROP.sub("-", folded.encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0] or slug[:_MAX_SLUG]
    return slug or fallback


def site_folder(url: str | None, site: str | None = None) -> str:
    """A folder name for the page's site: its host without 'www.', else the site name."""
    host = ""
    if url:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
    host = host.removeprefix("www.")
    name = _SITE_DROP.sub("-", host).strip(".-") or slugify(site or "", fallback="")
    return name or "unknown-site"


def page_path(folder: str, page: SavedPage, *, when: datetime | None = None) -> PurePosixPath:
    """`<folder>/<date>-<slug>.html`, the date being the published (or given) day."""
    day = page.published or when
    stamp = day.strftime("%Y-%m-%d") if day else "undated"
    return PurePosixPath(folder) / f"{stamp}-{slugify(page.title)}.html"


def assets_folder(relative: PurePosixPath) -> str:
    """The folder of a saved file's images, beside it: `<name>.assets`."""
    return f"{relative.stem}.assets"


def asset_names(page: SavedPage, folder: str) -> dict[str, str]:
    """Each kept image's address → its path relative to the saved file."""
    return {img.src: f"{folder}/{n:03d}.{img.ext}" for n, img in enumerate(page.images, 1)}


def render_page(page: SavedPage, *, assets: str = "") -> str:
    """The saved file's text: metadata in the head, the cleaned article in the body (its
    kept images pointing into the `assets` folder)."""
    esc = _attr
    head = ['<meta charset="utf-8">', f"<title>{html.escape(clean_line(page.title))}</title>"]
    head.append(f'<meta name="tuireader:source" content="{esc(page.source_id)}">')
    if page.url:
        head.append(f'<link rel="canonical" href="{esc(page.url)}">')
        head.append(f'<meta property="og:url" content="{esc(page.url)}">')
    head.append(f'<meta property="og:title" content="{esc(page.title)}">')
    if page.author:
        head.append(f'<meta name="author" content="{esc(page.author)}">')
    if page.published:
        head.append(
            f'<meta property="article:published_time" content="{page.published.isoformat()}">'
        )
    if page.site:
        head.append(f'<meta property="og:site_name" content="{esc(page.site)}">')
    if page.summary:
        head.append(f'<meta name="description" content="{esc(page.summary)}">')
    head.extend(f'<meta property="article:tag" content="{esc(tag)}">' for tag in page.tags)
    body = clean_article_html(page.body_html, asset_names(page, assets) if assets else None)
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        + "\n".join(head)
        + "\n</head>\n<body>\n<article>\n"
        + body
        + "\n</article>\n</body>\n</html>\n"
    )


def clean_article_html(fragment: str, sources: dict[str, str] | None = None) -> str:
    """The fragment without scripts, styles, forms, frames, embeds or event handlers;
    `sources` maps <img> addresses to the saved copies' paths."""
    from lxml import html as lxml_html
    from lxml_html_clean import Cleaner

    fragment = clean_text(fragment)  # no escape or control bytes are ever stored
    if not fragment.strip():
        return ""
    cleaner = Cleaner(
        scripts=True,
        javascript=True,
        comments=True,
        style=True,
        inline_style=True,
        links=True,
        meta=True,
        page_structure=True,
        processing_instructions=True,
        embedded=True,
        frames=True,
        forms=True,
        annoying_tags=True,
        remove_unknown_tags=False,
        safe_attrs_only=True,
    )
    try:
        tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml's parser errors are not one class; bad markup is just text then
        return f"<p>{html.escape(fragment)}</p>"
    cleaned = cleaner.clean_html(tree)
    for img in cleaned.iter("img") if sources else ():
        local = sources.get(img.get("src") or "") if sources else None
        if local:
            img.set("src", local)
    return lxml_html.tostring(cleaned, encoding="unicode")


def save_page(
    root: Path,
    folder: str,
    page: SavedPage,
    *,
    when: datetime | None = None,
    overwrite: bool = False,
) -> SaveResult:
    """Write the page under `root/folder`, or find it already there.

    A file at the page's path that was saved from another source keeps its name; this page
    then gets the source's short hash in its name. `overwrite` replaces a copy of the same
    source (a feed entry that changed); otherwise an existing copy is left as it is.
    """
    base = page_path(folder, page, when=when)
    digest = hashlib.sha1(page.source_id.encode()).hexdigest()[:8]
    candidates = [base, base.with_name(f"{base.stem}-{digest}{base.suffix}")]
    for relative in candidates:
        target = root / relative
        existing = _source_of(target)
        text = render_page(page, assets=assets_folder(relative) if page.images else "")
        if existing is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_images(target, page)
            write_atomically(target, text)
            return SaveResult(relative, SaveOutcome.WRITTEN)
        if existing == page.source_id:
            if not overwrite or target.read_text(encoding="utf-8", errors="replace") == text:
                return SaveResult(relative, SaveOutcome.UNCHANGED)
            _write_images(target, page)
            write_atomically(target, text)
            return SaveResult(relative, SaveOutcome.UPDATED)
    raise FileExistsError(f"{candidates[-1]} already holds another article")


def _write_images(target: Path, page: SavedPage) -> None:
    """The kept images into `<name>.assets/` beside `target`, before the file that shows them."""
    if not page.images:
        return
    folder = target.with_name(assets_folder(PurePosixPath(target.name)))
    folder.mkdir(exist_ok=True)
    for name, img in zip(asset_names(page, folder.name).values(), page.images, strict=True):
        write_atomically(target.parent / name, img.data)


def _source_of(path: Path) -> str | None:
    """The source id a saved file records ('' for a file not saved by us), None if absent."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        return None
    match = _SOURCE_ID.search(head)
    return html.unescape(match.group(1).decode("utf-8", "replace")) if match else ""


def _attr(value: str) -> str:
    return html.escape(clean_line(value), quote=True)
