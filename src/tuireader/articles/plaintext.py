"""Plain-text news articles (.txt).

Shapes handled, all seen in real collections:
- title line, blank line, paragraphs (the BBC corpus);
- the same with a trailer: a byline line and a date line ("Tyler Durden" /
  "Sun, 03/19/2023 – 13:00"), which become author and date and leave the body;
- an e-mail or Usenet header block (any RFC 5322 fields, folded, RFC 2047 words: see
  `mailheaders`) instead of a title line: Subject, From and Date are the metadata;
- a "By NAME" line under the title.
"""

from __future__ import annotations

import re
from datetime import datetime

from tuireader.articles.dates import parse_date
from tuireader.articles.mailheaders import author_from, split_headers
from tuireader.articles.model import ParsedFields
from tuireader.articles.textnorm import join_paragraphs, normalise_text, reflow, split_paragraphs

_BYLINE = re.compile(r"^(?:by|written by|words by)[:\s]+(.+)$", re.IGNORECASE)
# A closing "byline" that is a site: example.com, news.example.co.uk, www.example.org/
_SITE_LINE = re.compile(
    r"^(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,24})/?$", re.IGNORECASE
)
_NAME_WORD = re.compile(r"^[A-Z\u00c0-\u024f][\w.'’-]*$|^(?:de|van|von|der|da|di|la|le|al|bin)$")


def parse_text(text: str, *, fallback_title: str = "Untitled") -> ParsedFields:
    """Parse a plain-text article (already decoded)."""
    headers, text = split_headers(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = normalise_text(text)
    blocks = split_paragraphs(text)

    title = headers.get("subject") or headers.get("title") or ""
    if not title and headers and blocks:
        # A message without a Subject: its first line names it and stays in its body.
        title = _shortened(blocks[0].split("\n")[0])
    elif not title and blocks:
        first = blocks[0].split("\n")
        title = first[0]
        rest = "\n".join(first[1:]).strip()
        blocks = ([rest] if rest else []) + blocks[1:]
    author = author_from(headers.get("from") or headers.get("author") or headers.get("by"))
    date = parse_date(headers["date"]) if "date" in headers else None

    if blocks and "\n" not in blocks[0] and (byline := _byline_name(blocks[0])):
        match = _BYLINE.match(blocks[0])
        assert match is not None
        author = author or byline
        date = date or _date_after_byline(match.group(1))
        blocks = blocks[1:]

    blocks, trailer_author, trailer_date, site = _take_trailer(blocks)
    author = author or trailer_author
    date = date or trailer_date

    tags = tuple(t.strip() for t in re.split(r"[,;]", headers.get("tags", "")) if t.strip())
    tags = tags or tuple(
        t.strip() for t in re.split(r"[,;]", headers.get("keywords", "")) if t.strip()
    )
    body = join_paragraphs([reflow(b) for b in blocks])
    return ParsedFields(
        title=title.strip() or fallback_title,
        body=body,
        author=author or None,
        date=date,
        tags=tags,
        url=headers.get("url") or headers.get("link") or headers.get("source") or None,
        summary=headers.get("summary", ""),
        site=site,
    )


def _shortened(line: str, limit: int = 80) -> str:
    """A line cut at a word before `limit` characters, with an ellipsis when cut."""
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _strip_trailing_date(text: str) -> str:
    for sep in ("|", " - ", " – ", " — ", ","):
        head, _, tail = text.partition(sep)
        if tail and parse_date(tail.strip()):
            return head.strip()
    return text.strip()


def _date_after_byline(text: str):
    for sep in ("|", " - ", " – ", " — ", ","):
        _, _, tail = text.partition(sep)
        if tail and (date := parse_date(tail.strip())):
            return date
    return None


def _byline_name(line: str) -> str | None:
    """The name in a "By NAME" line (optionally "| date"), or None for prose like "By 2025, ..."."""
    match = _BYLINE.match(line.strip())
    if not match:
        return None
    name = _strip_trailing_date(match.group(1))
    names = [part.strip() for part in re.split(r",| and | & ", name) if part.strip()]
    return name if names and all(_looks_like_name(part) for part in names) else None


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 5
        and len(line) <= 60
        and not line.endswith((".", "!", "?", ":", ";"))
        and all(_NAME_WORD.match(w) for w in words)
    )


def _site_name(line: str) -> str | None:
    match = _SITE_LINE.match(line.strip())
    return match.group(1).lower() if match else None


def _take_trailer(
    blocks: list[str],
) -> tuple[list[str], str | None, datetime | None, str | None]:
    """Remove a closing byline/date pair (in one block or two) and return them: the byline
    is a person (author) or a site (`example.com`)."""
    if len(blocks) < 2:
        return blocks, None, None, None
    tail_lines: list[str] = []
    for block in reversed(blocks[-2:]):
        lines = block.split("\n")
        if len(lines) > 3 or any(len(line) > 80 for line in lines):
            break
        tail_lines = lines + tail_lines
        if len(tail_lines) >= 2:
            break
    author = site = None
    date: datetime | None = None
    consumed = 0
    if tail_lines and (date := parse_date(tail_lines[-1])):
        consumed = 1
        rest = tail_lines[:-1]
        if rest:
            candidate = rest[-1]
            if byline := _byline_name(candidate):
                author, consumed = byline, 2
            elif site := _site_name(candidate):
                consumed = 2
            elif _looks_like_name(candidate):
                author, consumed = candidate, 2
    elif tail_lines and (byline := _byline_name(tail_lines[-1])):
        author, consumed = byline, 1
    elif tail_lines and (site := _site_name(tail_lines[-1])):
        consumed = 1
    if not consumed:
        return blocks, None, None, None
    # drop exactly the consumed lines from the end of the last blocks
    remaining = [*blocks]
    while consumed:
        lines = remaining[-1].split("\n")
        take = min(consumed, len(lines))
        lines = lines[:-take]
        consumed -= take
        if lines:
            remaining[-1] = "\n".join(lines)
        else:
            remaining.pop()
    return remaining, author, date, site
