"""A reading packet as one self-contained HTML file: styles inline, no scripts, no remote
resources (only the articles' own source links), a table of contents, one section per
article (`packet.article_markup`)."""

from __future__ import annotations

from tuireader.annotations.packet import STYLE, Packet, article_markup, esc_line
from tuireader.text.wording import counted


def describe(packet: Packet) -> str:
    """The packet's subtitle: how many articles, from what search, made when."""
    what = f"search “{packet.query}”" if packet.query else "every annotated article"
    made = packet.created.date().isoformat()
    return f"{counted(len(packet.articles), 'article')} · {what} · made {made} by tuireader"


def render_html(packet: Packet) -> str:
    title = esc_line(packet.title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        '<meta name="generator" content="tuireader"/>',
        f"<title>{title}</title>",
        f"<style>\n{STYLE}</style>",
        "</head>",
        "<body>",
        f'<header>\n<h1>{title}</h1>\n<p class="meta">{esc_line(describe(packet))}</p>',
        "</header>",
    ]
    if packet.articles:
        out.append("<nav>\n<h2>Contents</h2>\n<ol>")
        for n, item in enumerate(packet.articles, 1):
            name = esc_line(item.article.title) or "Untitled"
            out.append(f'<li><a href="#a{n}">{name}</a></li>')
        out.append("</ol>\n</nav>")
    out += [article_markup(item, n) for n, item in enumerate(packet.articles, 1)]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
