"""Markdown notes (.md, .markdown) with optional YAML (---) or TOML (+++) front matter.

python-frontmatter splits the front matter; TOML goes through the standard library's tomllib
(frontmatter's own TOML handler needs the unmaintained `toml` package). Invalid front matter
is not fatal: the note is still read, as Markdown with no metadata.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from datetime import datetime
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from tuireader.articles.dates import date_from_filename, date_from_path, parse_date
from tuireader.articles.markdown_blocks import block_headings, blocks_to_body, markdown_blocks
from tuireader.articles.model import ParsedFields, make_summary
from tuireader.text.inert import clean_line, clean_text


class _TomlHandler(BaseHandler):
    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:  # pragma: no cover
        raise NotImplementedError


class _Loader(yaml.SafeLoader):
    """Safe YAML (no `!!python/...` tags) where an impossible date such as 2023-02-31 stays a
    string instead of failing the whole front matter (and losing the title with it)."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class _SafeYamlHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_Loader)  # _Loader is a SafeLoader


def parse_markdown(
    text: str, *, filename: str = "", fallback_title: str = "Untitled"
) -> ParsedFields:
    """Parse a Markdown article (already decoded)."""
    text = text.lstrip("\ufeff")
    metadata, content = _split_front_matter(text)
    source = _clean_source(content)
    blocks = markdown_blocks(source)
    title = clean_line(_first_str(metadata, "title"))
    if not title:
        heading = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        heading = heading or next((b for b in blocks if b.kind == "heading"), None)
        title = heading.text if heading else ""
    authors = metadata.get("authors") or metadata.get("author")
    if isinstance(authors, list):
        author = ", ".join(clean_line(_name(a)) for a in authors if _name(a))
    else:
        author = clean_line(_name(authors))
    date = _meta_date(metadata) or date_from_filename(filename) or _path_date(metadata)
    tags = _str_list(metadata.get("tags")) + _str_list(metadata.get("categories"))
    tags += _str_list(metadata.get("keywords"))
    url = clean_line(_first_str(metadata, "url", "link", "source", "canonical_url"))
    summary = clean_line(_first_str(metadata, "description", "summary", "excerpt"))
    if not summary:  # the first paragraph, not the title heading
        first = next((b for b in blocks if b.kind in ("paragraph", "quote")), None)
        summary = make_summary(first.text) if first else ""
    return ParsedFields(
        title=title or fallback_title,
        body=blocks_to_body(blocks),
        author=author or None,
        date=date,
        tags=tuple(clean_line(t) for t in tags if clean_line(t)),
        url=url or None,
        summary=summary,
        source=source,
        headings=block_headings(blocks),
    )


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    stripped = text.lstrip("\n")
    handler: BaseHandler | None = None
    if stripped.startswith("---"):
        handler = _SafeYamlHandler()
    elif stripped.startswith("+++"):
        handler = _TomlHandler()
    if handler is None:
        return {}, text
    try:
        metadata, content = frontmatter.parse(stripped, handler=handler)
    except Exception:
        return {}, _drop_front_matter(stripped, handler.START_DELIMITER or "---")
    return (metadata if isinstance(metadata, dict) else {}), content


def _drop_front_matter(text: str, delimiter: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == delimiter:
            return "\n".join(lines[i + 1 :])
    return text


def _clean_source(content: str) -> str:
    text = clean_text(unicodedata.normalize("NFC", content))
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


def _first_str(metadata: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value)
    return ""


def _name(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("display_name") or "")
    text = str(value) if isinstance(value, str | int) else ""
    return _WIKILINK.sub(_wikilink_text, text)


# Obsidian (and its Web Clipper) write authors as wiki links: "[[Jane Roe]]", "[[Jane|J. R.]]"
_WIKILINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")


def _wikilink_text(match: re.Match[str]) -> str:
    return (match.group(2) or match.group(1)).strip()


def _str_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [
            str(v).strip() for v in value if isinstance(v, str | int | float) and str(v).strip()
        ]
    return []


def _path_date(metadata: dict[str, Any]) -> datetime | None:
    """A date only in the note's path or URL (`path = "2014/12/12/slug"`, a permalink)."""
    for key in ("path", "permalink", "url", "slug", "link"):
        value = metadata.get(key)
        if isinstance(value, str) and (date := date_from_path("/" + value.lstrip("/"))):
            return date
    return None


def _meta_date(metadata: dict[str, Any]) -> datetime | None:
    for key in ("date", "published", "pubDate", "created", "updated", "lastmod"):
        if key in metadata:
            date = parse_date(
                metadata[key] if not isinstance(metadata[key], int) else str(metadata[key])
            )
            if date:
                return date
    return None
