"""What the reading pane shows: a header plus blocks that line up with the article body.

Every offset the app deals in (search hits, highlights, bookmarks, reading position) is a
character offset into `Article.body`, so the document keeps each block's body start offset;
the reader view never renders text that is not in the body except its own decorations.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.articles.markdown_blocks import Block, markdown_blocks, paragraph_blocks
from tuireader.articles.model import Article
from tuireader.text.inert import CONTROL_CHARS, clean_line

if TYPE_CHECKING:
    from tuireader.tui.widgets.reader_pictures import Picture

HIGHLIGHT_COLORS = ("yellow", "green", "blue", "pink", "purple")


@dataclass(frozen=True)
class HighlightSpan:
    """A user highlight in body offsets; `color` is one of HIGHLIGHT_COLORS."""

    start: int
    end: int
    color: str = "yellow"
    note: str | None = None
    id: str = ""


@dataclass(frozen=True)
class ReaderDocument:
    """Header fields plus the body split into blocks with their body start offsets, and
    the article's images as (index of the block each stands before, placeholder line)."""

    title: str
    author: str
    date: str
    source: str
    site: str
    body: str
    blocks: tuple[Block, ...] = field(compare=False)
    starts: tuple[int, ...] = field(compare=False)
    article_id: str = ""
    images: tuple[tuple[int, str], ...] = field(default=(), compare=False)
    pictures: tuple[Picture | None, ...] = field(default=(), compare=False)  # as `images`

    @classmethod
    def from_article(
        cls, article: Article, *, images: bool = True, root: Path | None = None
    ) -> ReaderDocument:
        """Articles with a Markdown source (Markdown, EPUB) keep their structure when it
        matches the body; else paragraphs. With `images`, each image is a placeholder line
        `[image: ALT]` before the block it stood before (none with the setting off), and,
        given the library `root`, a picture below it when its file is there and decodes."""
        body = inert_body(article.body)
        blocks: list[Block] | None = None
        if article.source:
            try:
                parsed = markdown_blocks(article.source)
            except Exception:  # a parser hiccup must not stop the article from opening
                parsed = None
            if parsed is not None and "\n\n".join(b.text for b in parsed) == body:
                blocks = parsed
        if blocks is None:
            blocks = paragraph_blocks(body)
        doc = cls.build(
            body,
            blocks,
            title=article.title,
            author=article.author or "",  # the site is its own part of the byline
            date=article.date.strftime("%Y-%m-%d") if article.date else "",
            source=article.url or article.path,
            site=article.site or "",
            article_id=article.id,
        )
        if not images or not article.images:
            return doc
        marks = tuple(
            (bisect_left(doc.starts, mark.offset), placeholder(mark.alt)) for mark in article.images
        )
        pictures: tuple[Picture | None, ...] = ()
        if root is not None:
            from tuireader.tui.widgets.reader_pictures import load_pictures

            pictures = load_pictures(root, article.path, [m.src for m in article.images])
        return replace(doc, images=marks, pictures=pictures)

    @classmethod
    def from_text(cls, body: str, *, title: str = "", author: str = "") -> ReaderDocument:
        """A plain-paragraph document (tests, previews)."""
        body = inert_body(body)
        return cls.build(body, paragraph_blocks(body), title=title, author=author)

    @classmethod
    def build(
        cls,
        body: str,
        blocks: list[Block],
        *,
        title: str = "",
        author: str = "",
        date: str = "",
        source: str = "",
        site: str = "",
        article_id: str = "",
    ) -> ReaderDocument:
        starts: list[int] = []
        pos = 0
        for block in blocks:
            starts.append(pos)
            pos += len(block.text) + 2
        return cls(
            title=clean_line(title),
            author=clean_line(author),
            date=clean_line(date),
            source=clean_line(source),
            site=clean_line(site),
            body=body,
            blocks=tuple(blocks),
            starts=tuple(starts),
            article_id=article_id,
        )

    def block_at(self, offset: int) -> int:
        """Index of the block holding `offset` (a separator belongs to the next block)."""
        if not self.blocks:
            return -1
        index = bisect_right(self.starts, offset) - 1
        if index < 0:
            return 0
        if offset > self.block_end(index) and index + 1 < len(self.blocks):
            return index + 1
        return index

    def block_end(self, index: int) -> int:
        return self.starts[index] + len(self.blocks[index].text)


def placeholder(alt: str) -> str:
    """The line that stands for an image: its alt text on one line, inert (shown as it is,
    never as markup: the view draws it as a plain segment)."""
    alt = " ".join(clean_line(alt).split())[:300]
    return f"[image: {alt}]" if alt else "[image]"


def inert_body(body: str) -> str:
    """The body with any control character replaced one-for-one, so offsets stay valid.

    Parsers already clean bodies; this is the belt to their braces. Replacing (not removing)
    keeps every stored offset pointing at the same character.
    """
    return _UNSAFE.sub(_replacement, body)


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() == "\t" else "\ufffd"


# tuireader.text.inert's control-character class plus what clean_text turns into newlines, and tabs
# (a tab's width depends on the column, which breaks cell arithmetic).
_UNSAFE = re.compile(f"{CONTROL_CHARS.pattern}|[\t\u2028\u2029]")
