"""Highlights from another tool, placed on the article as tuireader saved it.

The other tool quoted the text it showed; tuireader's body of the same article may differ in
white space or around the quote. A quote is placed with the store's own anchoring
(`occurrences`: exact, else ignoring white-space runs) and, when it occurs more than once,
by its surrounding context; a quote that occurs nowhere, or several times with nothing to
tell the places apart, is reported as unanchored, never guessed. A highlight already stored
at the same place (a second import) is kept as it is: importing twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from tuireader.annotations.anchoring import context_score, occurrences
from tuireader.annotations.models import AnnotationError
from tuireader.articles.errors import SkipFile
from tuireader.articles.model import Article
from tuireader.articles.registry import parse_bytes
from tuireader.ingest.clean import field, text_block
from tuireader.ingest.report import ImportReport
from tuireader.text.inert import clean_line

if TYPE_CHECKING:
    from tuireader.annotations.store import AnnotationStore

MAX_QUOTE = 4000


@dataclass(frozen=True)
class ImportedHighlight:
    quote: str
    note: str | None = None
    prefix: str = ""  # text just before the quote, when the tool kept it
    suffix: str = ""
    tags: tuple[str, ...] = ()


def saved_article(root: Path, relpath: PurePosixPath | str) -> Article:
    """The article as the library reads the saved file (its id comes from its path)."""
    rel = str(relpath)
    return parse_bytes(rel, (root / rel).read_bytes())


def place(body: str, item: ImportedHighlight) -> tuple[int, int] | str:
    """(start, end) of the quote in `body`, or why it cannot be placed."""
    quote = item.quote.strip()
    if not quote:
        return "empty quote"
    if len(quote) > MAX_QUOTE:
        return "quote too long"
    spans = occurrences(body, quote)
    if not spans:
        return "not found in the saved text"
    if len(spans) == 1:
        return spans[0]
    if not (item.prefix or item.suffix):
        return f"occurs {len(spans)} times and the export gives no context"
    scores = {s: context_score(body, s[0], s[1], item.prefix, item.suffix) for s in spans}
    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return f"occurs {len(spans)} times and the context does not tell which"
    return best


def attach(
    store: AnnotationStore | None,
    root: Path,
    relpath: PurePosixPath | str,
    items: Sequence[ImportedHighlight],
    report: ImportReport,
) -> None:
    """Store each highlight on the saved article; every one is counted in the report."""
    if not items:
        return
    if store is None:
        report.highlights_unanchored += [(str(relpath), _short(i.quote)) for i in items]
        return
    try:
        article = saved_article(root, relpath)
    except (OSError, SkipFile) as exc:
        for item in items:
            report.highlights_unanchored.append((str(relpath), f"{_short(item.quote)} ({exc})"))
        return
    taken = {(h.start, h.end) for h in store.highlights(article.id)}
    for item in items:
        where = place(article.body, item)
        if isinstance(where, str):
            report.highlights_unanchored.append((str(relpath), f"{_short(item.quote)}: {where}"))
            continue
        if where in taken:
            report.highlights_kept += 1
            continue
        try:
            store.add_highlight(article, *where, note=_note(item.note), tags=_tags(item.tags))
        except AnnotationError as exc:
            report.highlights_unanchored.append((str(relpath), f"{_short(item.quote)}: {exc}"))
            continue
        taken.add(where)
        report.highlights_added += 1


def _note(note: str | None) -> str | None:
    """A note from an export, inert before it is stored (no ESC, BEL or bidi controls)."""
    return text_block(note) or None if note else None


def _tags(tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in (field(t) for t in tags) if t))


def _short(text: str, limit: int = 60) -> str:
    text = clean_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
