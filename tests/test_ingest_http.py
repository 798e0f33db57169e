"""Fetching pages from a local server: timeouts, redirects, size, type, gzip, broken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from local_web import LocalWeb, Route, serve
from tuireader.cli import cli
from tuireader.ingest.http import FetchError, fetch

ARTICLE = b"""<!DOCTYPE html><html><head><title>The weir at Coldharbour | River Post</title>
<meta property="og:title" content="The weir at Coldharbour">
<meta name="author" content="Petra Anwell">
<meta property="article:published_time" content="2024-05-14T08:00:00Z">
<meta property="og:site_name" content="River Post">
<link rel="canonical" href="https://river.example/weir-at-coldharbour">
<script>document.write('tracking')</script></head>
<body><nav>Home | Rivers | Weather</nav><article><h1>The weir at Coldharbour</h1>
<p>The old weir at Coldharbour was built to turn a mill wheel that stopped two centuries
ago, and it still decides where the river pools and where it runs shallow.</p>
<p>Anglers know the eddy below it; canoeists know the chute beside it. This summer the
water authority will open a fish pass on the far bank, the first change in living memory.</p>
<p>Salmon have not climbed past the weir since the mill was built, and the pass is meant to
let them reach the gravel beds upstream where they once spawned.</p>
</article><footer>Contact us</footer></body></html>"""


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


def test_a_page_is_fetched_through_redirects_and_gzip(web: LocalWeb) -> None:
    web.routes["/old"] = Route(redirect="/new")
    web.routes["/new"] = Route(ARTICLE, gzip=True)
    fetched = fetch(web.url("/old"))
    assert fetched.url == web.url("/new") and fetched.content == ARTICLE
    assert "tuireader" in dict(web.requests)["/new"]["user-agent"]


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"x", status=500), "HTTP 500"),
        (Route(b"%PDF-1.4", content_type="application/pdf"), "content type application/pdf"),
        (Route(b"a" * 3000), "too large"),
        (Route(ARTICLE, truncate=True), "broke off"),
        (Route(b"not gzip at all", gzip=False, headers={"Content-Encoding": "gzip"}), "decoded"),
        (Route(ARTICLE, delay=1.5), "timed out"),
    ],
)
def test_each_failure_is_one_clear_line(web: LocalWeb, route: Route, message: str) -> None:
    web.routes["/page"] = route
    with pytest.raises(FetchError, match=message) as caught:
        fetch(web.url("/page"), timeout=0.5, max_bytes=2000)
    assert "\n" not in str(caught.value)


def test_redirect_loops_and_bad_addresses_fail_cleanly(web: LocalWeb) -> None:
    web.routes["/a"] = Route(redirect="/b")
    web.routes["/b"] = Route(redirect="/a")
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(web.url("/a"))
    with pytest.raises(FetchError, match="not a web address"):
        fetch("file:///etc/passwd")
    with pytest.raises(FetchError, match="could not connect"):
        fetch("http://127.0.0.1:9/nothing-listens-here")


def test_a_conditional_get_sends_the_validator_and_sees_304(web: LocalWeb) -> None:
    web.routes["/feed"] = Route(b"<rss/>", content_type="application/rss+xml", etag='"v1"')
    first = fetch(web.url("/feed"), accept=("application/rss+xml",))
    assert first.etag == '"v1"' and not first.not_modified
    again = fetch(web.url("/feed"), accept=("application/rss+xml",), etag=first.etag)
    assert again.not_modified and again.content == b""
    assert web.requests[-1][1]["if-none-match"] == '"v1"'


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args], catch_exceptions=False)


def test_add_saves_an_offline_copy_and_search_finds_it(web: LocalWeb, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    web.routes["/weir"] = Route(ARTICLE)
    added = run(library, "add", web.url("/weir"))
    assert added.exit_code == 0, added.output
    expected = "saved/river.example/2024-05-14-the-weir-at-coldharbour.html"
    assert f"saved {expected}" in added.output
    saved = (library / expected).read_text(encoding="utf-8")
    assert "<script" not in saved and "Contact us" not in saved
    found = run(library, "search", "salmon gravel", "--json")
    assert found.exit_code == 0 and expected in found.output
    shown = run(library, "show", expected, "--json")
    assert '"author": "Petra Anwell"' in shown.output
    assert '"url": "https://river.example/weir-at-coldharbour"' in shown.output
    again = run(library, "add", web.url("/weir"))
    assert again.exit_code == 0 and f"already there: {expected}" in again.output


def test_add_of_a_page_that_cannot_be_read_writes_nothing(web: LocalWeb, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    web.routes["/empty"] = Route(b"<html><body><nav>Home</nav></body></html>")
    web.routes["/pdf"] = Route(b"%PDF", content_type="application/pdf")
    result = run(library, "add", web.url("/empty"), web.url("/pdf"), web.url("/missing"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("failed:")]
    assert len(lines) == 3
    assert "no article found" in lines[0] and "content type" in lines[1] and "404" in lines[2]
    assert not any(library.rglob("*.html"))
