"""Which parser reads which file: by extension first, then by sniffing the content.

`parse_bytes` is a pure function of (relative path, bytes), so it can run in worker
processes and be tested without touching the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath

from tuireader.articles.errors import SkipFile
from tuireader.articles.model import Article, ParsedFields, build_article
from tuireader.text.inert import clean_line

MAX_BYTES = 20 * 1024 * 1024

EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",  # a ZIP: read from the bytes, never decoded as text
}


def is_article_file(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in EXTENSIONS


SNIFF_BYTES = 4096


def sniff_extensionless(head: bytes) -> bool:
    """Whether a file without an extension (a mail or Usenet spool file such as
    `rec.boats/4417`, a saved page) is plainly an article, from its first bytes: text that
    opens with a message header block, an HTML document or Markdown front matter. Other
    extensionless files (LICENSE, Makefile, programs) stay out of the library."""
    if not head.strip() or b"\0" in head:
        return False
    from tuireader.articles.mailheaders import split_headers

    text = head.decode("utf-8", "replace").replace("\r\n", "\n").lstrip("\ufeff")
    if split_headers(text)[0]:
        return True
    return sniff_format("", text) != "text"


def sniff_format(relpath: str, text: str) -> str:
    """The format by extension, corrected when the content clearly says otherwise."""
    fmt = EXTENSIONS.get(PurePosixPath(relpath).suffix.lower(), "text")
    head = text[:1024].lstrip().lower()
    if fmt == "text" and head.startswith(("<!doctype html", "<html")):
        return "html"
    if fmt == "text" and head.startswith(("---\n", "+++\n")) and "\ntitle" in text[:2048].lower():
        return "markdown"
    return fmt


def _parser(fmt: str) -> Callable[..., ParsedFields]:
    if fmt == "markdown":
        from tuireader.articles.markdown import parse_markdown

        return parse_markdown
    if fmt == "html":
        from tuireader.articles.html import parse_html

        return parse_html
    from tuireader.articles.plaintext import parse_text

    return parse_text


def _printable(name: str) -> str:
    """A file name as text: undecodable bytes (os.fsdecode's surrogates) become U+FFFD, which
    any output can encode (a lone surrogate in a title broke printing and JSON)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _parse_epub(relpath: str, data: bytes) -> Article:
    from tuireader.articles.epub import parse_epub

    fallback = clean_line(_printable(PurePosixPath(relpath).stem).replace("-", " ")) or "Untitled"
    try:
        fields = parse_epub(data, fallback_title=fallback)
    except SkipFile:
        raise
    except (RecursionError, MemoryError) as exc:
        raise SkipFile(f"could not read the EPUB: {type(exc).__name__}") from exc
    except Exception as exc:
        raise SkipFile(f"could not parse epub: {type(exc).__name__}: {exc}"[:200]) from exc
    if not fields.body.strip():
        raise SkipFile("no article text found")
    return build_article(relpath, "epub", fields)


def parse_bytes(relpath: str, data: bytes) -> Article:
    """Parse one file's bytes into an Article, or raise SkipFile with the reason."""
    # the decoders and date parsers (dateutil: 10-50 ms) load with the first file parsed,
    # not with the scanner, which a CLI search and the reader's start import
    from tuireader.articles.dates import date_from_path
    from tuireader.articles.decode import decode_bytes

    if len(data) > MAX_BYTES:
        raise SkipFile(f"too large ({len(data) / 1e6:.1f} MB > {MAX_BYTES / 1e6:.0f} MB)")
    if not data.strip():
        raise SkipFile("empty file")
    if EXTENSIONS.get(PurePosixPath(relpath).suffix.lower()) == "epub":
        return _parse_epub(relpath, data)
    text = decode_bytes(data)
    if not text.strip():
        raise SkipFile("empty file")
    fmt = sniff_format(relpath, text)
    name = PurePosixPath(relpath).name
    fallback = clean_line(
        _printable(PurePosixPath(relpath).stem).replace("-", " ").replace("_", " ")
    )
    fallback = fallback or clean_line(_printable(name)) or "Untitled"
    parser = _parser(fmt)
    kwargs: dict[str, str] = {"fallback_title": fallback}
    if fmt == "markdown":
        kwargs["filename"] = name
    try:
        fields = parser(text, **kwargs)
    except SkipFile:
        raise
    except RecursionError as exc:
        raise SkipFile("too deeply nested to parse") from exc
    except Exception as exc:
        raise SkipFile(f"could not parse {fmt}: {type(exc).__name__}: {exc}"[:200]) from exc
    if not fields.body.strip():
        raise SkipFile("no article text found")
    if fields.date is None and (path_date := date_from_path("/" + relpath)):
        fields = replace(fields, date=path_date)  # blog/2014/12/12/slug.html
    return build_article(relpath, fmt, fields)
