"""Any bytes at all: the parsers return an Article or a SkipFile reason, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.articles.errors import SkipFile
from tuireader.articles.model import Article
from tuireader.articles.registry import parse_bytes

NAMES = st.sampled_from(["a.txt", "b.md", "c.html", "d.markdown", "e.htm"])

TEXTY = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(
        lambda s: ("---\n" + s + "\n---\n# T\n\nbody").encode("utf-8", "surrogatepass")
    ),
    st.text(max_size=500).map(
        lambda s: ("+++\n" + s + "\n+++\nbody").encode("utf-8", "surrogatepass")
    ),
    st.text(max_size=500).map(
        lambda s: f"<html><head><title>{s}</title></head><body><p>{s}</p></body></html>".encode(
            "utf-8", "surrogatepass"
        )
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, data=TEXTY)
def test_parse_bytes_total(name: str, data: bytes) -> None:
    try:
        article = parse_bytes(name, data)
    except SkipFile as skip:
        assert skip.reason
        return
    assert isinstance(article, Article)
    assert article.title
    assert article.body.strip()
    assert "\x1b" not in article.body + article.title
    assert article.date is None or article.date.tzinfo is not None


def test_impossible_dates_are_dropped_not_fatal() -> None:
    for line in ("31/02/2023", "99999-01-01", "Feb 30, 2023", "0000-00-00"):
        article = parse_bytes("x.txt", f"Title\n\nSome text.\n\nBy Ann Lee\n{line}\n".encode())
        assert article.date is None
    md = parse_bytes("y.md", b"---\ntitle: T\ndate: 2023-02-31\n---\nText.\n")
    assert md.date is None
