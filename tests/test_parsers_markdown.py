"""Markdown notes: YAML and TOML front matter, fallbacks, rendered body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tuireader.articles.markdown import parse_markdown
from tuireader.articles.markdown_blocks import blocks_to_body, markdown_blocks
from tuireader.articles.registry import parse_bytes

YAML_NOTE = """---
title: Keeping a reading log
authors:
  - Mira Sol
  - name: Ode Ferris
date: 2022-06-04T08:15:00+02:00
categories: [habits, books]
tags: reading
link: https://example.org/log
description: Why a paper log beats an app.
---
# Not the title

Some *emphasis*, **bold** and `code`, with [a link](https://example.org/x).

- first
- second
"""


def test_yaml_front_matter() -> None:
    p = parse_markdown(YAML_NOTE, filename="log.md")
    assert p.title == "Keeping a reading log"
    assert p.author == "Mira Sol, Ode Ferris"
    assert p.date == datetime(2022, 6, 4, 8, 15, tzinfo=timezone(timedelta(hours=2)))
    assert set(p.tags) == {"habits", "books", "reading"}
    assert p.url == "https://example.org/log"
    assert p.summary == "Why a paper log beats an app."
    assert "*" not in p.body and "`" not in p.body and "](" not in p.body
    assert "• first" in p.body
    assert p.source is not None and "**bold**" in p.source


def test_toml_front_matter() -> None:
    text = '+++\ntitle = "Tokenizers"\nauthor = "Lu Wen"\ndate = 2023-05-06T07:08:09Z\ntags = ["search"]\n+++\n\nBody text.\n'
    p = parse_markdown(text)
    assert (p.title, p.author, p.tags) == ("Tokenizers", "Lu Wen", ("search",))
    assert p.date == datetime(2023, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert p.body == "Body text."


def test_fallbacks_heading_title_and_filename_date() -> None:
    p = parse_markdown("# Bread log\n\nDay one.\n", filename="2021-09-30-bread-log.md")
    assert p.title == "Bread log"
    assert p.summary == "Day one."
    assert p.date == datetime(2021, 9, 30, tzinfo=UTC)


def test_broken_front_matter_is_not_fatal() -> None:
    p = parse_markdown("---\ntitle: [unclosed\n---\n# Real title\n\nText.\n")
    assert p.title == "Real title"
    assert "unclosed" not in p.body


def test_body_equals_joined_blocks_so_offsets_line_up() -> None:
    article = parse_bytes("n.md", YAML_NOTE.encode())
    blocks = markdown_blocks(article.source or "")
    assert blocks_to_body(blocks) == article.body
    kinds = [b.kind for b in blocks]
    assert kinds[0] == "heading" and "item" in kinds
    para = next(b for b in blocks if b.kind == "paragraph")
    styles = {style for _, _, style in para.spans}
    assert {"italic", "bold", "code", "link"} <= styles
    start, end, _ = next(s for s in para.spans if s[2] == "bold")
    assert para.text[start:end] == "bold"


def test_format_sniffed_from_content() -> None:
    assert (
        parse_bytes(
            "x.txt",
            b"<!DOCTYPE html><html><body><p>Hello there reader, this is text.</p></body></html>",
        ).format
        == "html"
    )
    assert parse_bytes("x.txt", b"---\ntitle: Hi\n---\nBody.\n").format == "markdown"
