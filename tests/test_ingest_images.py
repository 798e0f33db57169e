"""Images kept offline at ingest: fetched with the page's caps, checked with Pillow, stored
beside the article; a bad image is one note, the article is saved anyway; the setting off
fetches none. Every image is made by Pillow here."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from local_web import LocalWeb, Route, serve
from tuireader.articles.registry import parse_bytes
from tuireader.cli import cli
from tuireader.config import AppPaths, ConfigError, Settings
from tuireader.ingest.image_files import ImageRejected, verify_image

PARAS = [
    "The old weir at Coldharbour was built to turn a mill wheel that stopped two centuries "
    "ago, and it still decides where the river pools and where it runs shallow.",
    "Anglers know the eddy below it; canoeists know the chute beside it. This summer the "
    "water authority will open a fish pass on the far bank, the first change in memory.",
    "Salmon have not climbed past the weir since the mill was built, and the pass is meant "
    "to let them reach the gravel beds upstream where they once spawned.",
]


def page(*images: tuple[str, str]) -> bytes:
    """An article with image k (src, alt) before paragraph k + 1 (after the last when the
    paragraphs run out)."""
    parts = []
    for k, para in enumerate(PARAS):
        if 0 < k <= len(images):
            src, alt = images[k - 1]
            parts.append(f'<figure><img src="{src}" alt="{alt}"></figure>')
        parts.append(f"<p>{para}</p>")
    parts.extend(f'<img src="{src}" alt="{alt}">' for src, alt in images[len(PARAS) - 1 :])
    return (
        "<!DOCTYPE html><html><head><title>The weir at Coldharbour</title>"
        '<meta property="article:published_time" content="2024-05-14T08:00:00Z">'
        '<meta property="og:site_name" content="River Post"></head><body>'
        "<nav>Home | Rivers</nav><article><h1>The weir at Coldharbour</h1>"
        + "".join(parts)
        + "</article><footer>Contact us</footer></body></html>"
    ).encode()


def png(size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("P").save(out, format="GIF")
    return out.getvalue()


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    yield from serve()


def run(library: Path, *args: str):
    return CliRunner().invoke(cli, ["--library", str(library), *args], catch_exceptions=False)


SAVED = "saved/127.0.0.1/2024-05-14-the-weir-at-coldharbour.html"


def test_add_keeps_a_good_image_and_notes_the_bad_ones(web: LocalWeb, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    bomb = png((9000, 9000), mode="1")  # 81 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    web.routes["/weir.png"] = Route(png(), content_type="image/png")
    web.routes["/bomb.png"] = Route(bomb, content_type="image/png")
    web.routes["/fake.png"] = Route(b"<html>not an image</html>" * 10, content_type="image/png")
    web.routes["/a"] = Route(
        page(("/weir.png", "The weir [b]at dusk[/b]"), ("/bomb.png", "x"), ("/fake.png", "y"))
    )
    added = run(library, "add", web.url("/a"))
    assert added.exit_code == 0, added.output
    assert f"saved {SAVED}" in added.output
    notes = [line for line in added.output.splitlines() if line.startswith("note:")]
    assert len(notes) == 2, added.output
    assert "bomb.png: image not kept: too large" in notes[0]
    assert "fake.png: image not kept: not an image" in notes[1]
    assets = library / "saved/127.0.0.1/2024-05-14-the-weir-at-coldharbour.assets"
    assert [p.name for p in assets.iterdir()] == ["001.png"]
    assert (assets / "001.png").read_bytes() == png()
    article = parse_bytes(SAVED, (library / SAVED).read_bytes())
    assert article.body.split("\n\n")[1:] == PARAS[1:]
    first, *others = article.images
    assert first.src == "2024-05-14-the-weir-at-coldharbour.assets/001.png"
    assert first.alt == "The weir [b]at dusk[/b]"  # kept as text: the reader shows it inert
    assert article.body[first.offset :].startswith(PARAS[1][:20])
    assert [m.src for m in others] == [None, None]  # not kept: alt text only


def test_a_page_whose_images_all_fail_is_still_saved(web: LocalWeb, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    web.routes["/a"] = Route(page(("/missing.png", "gone"), ("/text", "text")))
    web.routes["/text"] = Route(b"just text", content_type="text/plain")
    added = run(library, "add", web.url("/a"))
    assert added.exit_code == 0, added.output
    assert (library / SAVED).is_file()
    assert not (library / SAVED).with_suffix(".assets").exists()
    assert "missing.png: image not kept: HTTP 404" in added.output
    assert "/text: image not kept: not a page this can read" in added.output


def test_images_off_fetches_none(web: LocalWeb, tmp_path: Path) -> None:
    config = AppPaths.from_environment().config_file
    config.parent.mkdir(parents=True)
    config.write_text("[images]\nenabled = false\n", encoding="utf-8")
    library = tmp_path / "lib"
    library.mkdir()
    web.routes["/weir.png"] = Route(png(), content_type="image/png")
    web.routes["/a"] = Route(page(("/weir.png", "The weir")))
    added = run(library, "add", web.url("/a"))
    assert added.exit_code == 0, added.output
    assert web.paths_requested() == ["/a"]
    assert not list(library.rglob("*.assets"))
    # the saved copy still says an image was there (alt text, web address)
    assert [m.src for m in parse_bytes(SAVED, (library / SAVED).read_bytes()).images] == [None]


def test_a_feed_entry_keeps_its_images(web: LocalWeb, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    img = web.url("/weir.png")
    body = f'<p>{PARAS[0]}</p><img src="{img}" alt="The weir"><p>{PARAS[1]}</p>'
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>River Post</title>'
        "<link>https://river.example/</link><item><title>The weir</title><guid>w1</guid>"
        "<pubDate>Tue, 14 May 2024 08:00:00 GMT</pubDate>"
        f"<description><![CDATA[{body}]]></description></item></channel></rss>"
    )
    web.routes["/feed.xml"] = Route(rss.encode(), content_type="application/rss+xml")
    web.routes["/weir.png"] = Route(png(), content_type="image/png")
    assert run(library, "feed", "add", "--summaries", web.url("/feed.xml")).exit_code == 0
    (saved,) = library.rglob("*.html")
    assert (saved.parent / f"{saved.stem}.assets" / "001.png").read_bytes() == png()
    article = parse_bytes(saved.relative_to(library).as_posix(), saved.read_bytes())
    assert [(m.alt, m.src) for m in article.images] == [
        ("The weir", f"{saved.stem}.assets/001.png")
    ]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (png()[:60], "damaged image"),
        (gif()[:-20], "damaged image"),
        (b"\x00\x01\x02" * 50, "not an image"),
        (png((9000, 9000), mode="1"), "too large"),
    ],
)
def test_bad_bytes_are_refused_in_one_line(data: bytes, why: str) -> None:
    with pytest.raises(ImageRejected) as caught:
        verify_image(data)
    assert str(caught.value).startswith(why) and "\n" not in str(caught.value)


def test_good_images_give_their_extension() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="JPEG")
    assert verify_image(out.getvalue()) == "jpg"
    assert verify_image(png()) == "png"


def test_the_images_setting(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert Settings.load(path).images is True
    for text, expected in [("images = false\n", False), ("[images]\nenabled = true\n", True)]:
        path.write_text(text, encoding="utf-8")
        assert Settings.load(path).images is expected
    path.write_text('images = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        Settings.load(path)
