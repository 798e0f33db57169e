"""Reading packets: a set of articles with the user's highlights and notes, as markup.

A packet is what `tuireader export --format epub|html OUT [QUERY]` writes: the articles of
a search, each with its text (paragraphs, its outline's headings as headings), its
highlights marked where they are (colour, a numbered note marker), its bookmarks, and after
the text a list of its highlights and notes linked both ways. `article_markup` gives one
article as XHTML-compatible HTML (escaped, well-formed), shared by the single HTML file
(`packet_html`) and the EPUB (`packet_epub`). All article text and metadata are untrusted:
cleaned of control characters (`text.inert`) and escaped; only http(s) links are kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from tuireader.annotations.export_common import percent, web_url
from tuireader.annotations.models import COLORS, Bookmark, Highlight
from tuireader.articles.model import Article
from tuireader.text.inert import clean_line, clean_text


@dataclass(frozen=True)
class PacketArticle:
    article: Article
    highlights: tuple[Highlight, ...] = ()
    bookmarks: tuple[Bookmark, ...] = ()


@dataclass(frozen=True)
class Packet:
    title: str
    query: str  # what was searched ("" for every annotated article)
    created: datetime
    articles: tuple[PacketArticle, ...]


_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")  # XML 1.0 has no such characters


def esc(text: str | None) -> str:
    """Untrusted text as HTML/XML character data (control characters removed)."""
    return html.escape(_NOT_XML.sub("\ufffd", clean_text(text or "")), quote=True)


def esc_line(text: str | None) -> str:
    return html.escape(_NOT_XML.sub("\ufffd", clean_line(text or "")), quote=True)


def _paragraphs(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph (bodies separate them with blank lines)."""
    for m in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", body):
        yield m.start(), m.end()


def _placed(highlights: Sequence[Highlight], length: int) -> list[Highlight]:
    """The highlights that can be marked in the text: not orphaned, inside it, in reading
    order, each starting after the one before ends (an overlapping one is listed only)."""
    out: list[Highlight] = []
    end = 0
    for h in sorted(highlights, key=lambda h: (h.start, h.end)):
        if h.orphaned or h.start < end or not 0 <= h.start < h.end <= length:
            continue
        out.append(h)
        end = h.end
    return out


def article_markup(item: PacketArticle, number: int, *, level: int = 2) -> str:
    """One article as HTML that is also well-formed XHTML: a heading (h`level`), its
    metadata, its bookmarks, its text with the highlights marked, then its notes. Anchors
    are numbered (a3, a3-h2, a3-n2) so the same packet always gives the same markup."""
    a = item.article
    ident = f"a{number}"
    out = [f'<section class="article" id="{ident}">']
    out.append(f"<h{level}>{esc_line(a.title) or 'Untitled'}</h{level}>")
    meta = [esc_line(a.author or a.site), a.date.date().isoformat() if a.date else ""]
    url = web_url(a.url)
    if url:
        meta.append(f'<a href="{html.escape(url, quote=True)}">source</a>')
    meta.append(esc_line(a.path))
    out.append(f'<p class="meta">{" · ".join(m for m in meta if m)}</p>')
    if item.bookmarks:
        out.append('<ul class="bookmarks">')
        for b in sorted(item.bookmarks, key=lambda b: b.position):
            where = "the article" if b.offset is None else f"{percent(b.offset, len(a.body))}%"
            text = f"Bookmark at {where}"
            if b.quote:
                text += f": “{esc_line(b.quote)}”"
            if b.note:
                text += f" — {esc_line(b.note)}"
            out.append(f"<li>{text}</li>")
        out.append("</ul>")
    placed = _placed(item.highlights, len(a.body))
    numbers = {h.id: n for n, h in enumerate(placed, 1)}
    out += _text(a, placed, numbers, ident, level)
    out += _notes(item.highlights, numbers, ident, level)
    out.append("</section>")
    return "\n".join(out)


def _text(
    a: Article, placed: list[Highlight], numbers: dict[str, int], ident: str, level: int
) -> list[str]:
    shown = [h for h in a.headings if h.offset > 0 or h.title.strip() != a.title.strip()]
    top = min((h.level for h in shown), default=1)  # the shallowest goes one below `level`
    heading_at = {h.offset: min(6, level + 1 + h.level - top) for h in a.headings}
    out = []
    queue = list(placed)
    for start, end in _paragraphs(a.body):
        if (
            start == 0
            and 0 in heading_at
            and a.body[:end].strip() == a.title.strip()
            and not (queue and queue[0].start < end)
        ):
            continue  # the note's own "# title": already the article's heading
        pieces = []
        cursor = start
        while queue and queue[0].start < end:
            h = queue[0]
            s, e = max(h.start, cursor), min(h.end, end)
            pieces.append(esc(a.body[cursor:s]))
            color = h.color if h.color in COLORS else "yellow"
            first = h.start >= start  # the highlight's first piece carries its anchor
            anchor = f' id="{ident}-h{numbers[h.id]}"' if first else ""
            pieces.append(f'<mark class="{color}"{anchor}>{esc(a.body[s:e])}</mark>')
            cursor = e
            if h.end <= end:
                n = numbers[h.id]
                pieces.append(f'<a class="ref" href="#{ident}-n{n}"><sup>{n}</sup></a>')
                queue.pop(0)
            else:
                break
        pieces.append(esc(a.body[cursor:end]))
        text = "".join(pieces).replace("\n", "<br/>")
        tag = f"h{heading_at[start]}" if start in heading_at else "p"
        out.append(f"<{tag}>{text}</{tag}>")
    return out


def _notes(
    highlights: Sequence[Highlight], numbers: dict[str, int], ident: str, level: int
) -> list[str]:
    if not highlights:
        return []
    sub = min(6, level + 1)
    out = [f'<div class="notes">\n<h{sub}>Highlights and notes</h{sub}>\n<ol>']
    for h in sorted(highlights, key=lambda h: (h.orphaned, h.start, h.end)):
        n = numbers.get(h.id)
        anchor = f' id="{ident}-n{n}"' if n else ""
        back = f' <a class="back" href="#{ident}-h{n}">↩</a>' if n else ""
        missing = "" if n else ' <span class="missing">(not marked in the text)</span>'
        item = [f"<li{anchor}><blockquote>{esc_line(h.quote)}</blockquote>{missing}{back}"]
        if h.note:
            item.append(f'<p class="note">{esc(h.note).replace(chr(10), "<br/>")}</p>')
        if h.tags:
            item.append(f'<p class="tags">{esc_line(" ".join("#" + t for t in h.tags))}</p>')
        out.append("".join(item) + "</li>")
    out.append("</ol>\n</div>")
    return out


STYLE = """body { font-family: Georgia, serif; line-height: 1.5; max-width: 42em; margin: 0 auto;
  padding: 1em; }
.meta { color: #666; font-size: 0.9em; }
mark { padding: 0 0.1em; }
mark.yellow { background: #fff3a3; } mark.green { background: #c8f0c0; }
mark.blue { background: #c6e2ff; } mark.pink { background: #ffd0e0; }
mark.purple { background: #e2d0ff; }
a.ref { text-decoration: none; }
.notes blockquote { margin: 0; font-style: italic; }
.notes .note { margin: 0.2em 0 0.8em 0; }
.tags, .missing { color: #666; font-size: 0.9em; }
"""
