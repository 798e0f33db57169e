"""The reading pane shows an article's images as placeholder lines `[image: ALT]` where
they stood (alt text inert), pressed as a user would; with images off, none."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tui_helpers import make_app, screen_lines, search_for, wait_for, wait_until_listed
from tuireader.tui.widgets import ReaderView

pytestmark = pytest.mark.anyio

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>The weir at Coldharbour</title>
</head><body><article><h1>The weir at Coldharbour</h1>
<p>The old weir at Coldharbour was built to turn a mill wheel that stopped long ago.</p>
<figure><img src="weir.assets/001.png" alt="The weir [b]at dusk[/b]"></figure>
<p>Anglers know the eddy below it; canoeists know the chute beside the sluice gate.</p>
<p>Salmon have not climbed past the weir since the mill was built, and the pass is meant
to let them reach the gravel beds upstream where they once spawned.</p>
</article></body></html>"""


def add_page(library: Path) -> None:
    (library / "pages" / "weir.html").write_text(PAGE, encoding="utf-8")
    (library / "pages" / "weir.assets").mkdir()
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 90, 160)).save(out, format="PNG")
    (library / "pages" / "weir.assets" / "001.png").write_bytes(out.getvalue())


async def open_weir(pilot):
    await wait_until_listed(pilot, 7)
    screen = pilot.app.screen
    await search_for(pilot, "coldharbour")
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.reader_state.article is not None)
    assert screen.reader_state.article.title == "The weir at Coldharbour"
    await pilot.pause()
    return screen


@pytest.mark.parametrize("images", [True, False])
async def test_an_image_is_a_placeholder_line_where_it_stood(library: Path, images: bool) -> None:
    add_page(library)
    app = make_app(library, images=images)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_weir(pilot)
        reader = screen.query_one(ReaderView)
        lines = [line.split("▕")[-1].strip() for line in screen_lines(app)]  # the reading pane
        anglers = next(i for i, line in enumerate(lines) if "Anglers know" in line)
        if images:
            at = lines.index("[image: The weir [b]at dusk[/b]]")  # shown as typed, no markup
            assert "stopped long ago" in lines[at - 2]
            assert at == anglers - 2 - 12  # the picture's 12 lines between
        else:
            assert not any("[image" in line for line in lines)
            assert "stopped long ago" in lines[anglers - 2]
        assert reader.document is not None
        assert len(reader.document.images) == (1 if images else 0)
        picture = [y for y, line in enumerate(reader._layout.lines) if line.kind == "picture"]
        if not images:
            assert picture == []
            return
        # the 32×24 PNG below its line in half-cell blocks: 12 rows of 32 cells, its colour
        assert (
            len(picture) == 12
            and picture[0]
            == reader._layout.lines.index(
                next(line for line in reader._layout.lines if line.kind == "image")
            )
            + 1
        )
        row = reader._render_index(picture[0], reader.scrollable_content_region.width)
        cells = [s for s in row if s.text.strip("▀") == "" and s.text]
        assert sum(len(s.text) for s in cells) == 32
        assert all(s.style.bgcolor.triplet == (40, 90, 160) for s in cells)


async def test_a_picture_file_outside_the_library_or_broken_is_not_drawn(tmp_path: Path) -> None:
    from tuireader.tui.widgets.reader_pictures import library_file, load_picture

    root = tmp_path / "lib"
    (root / "pages").mkdir(parents=True)
    outside = tmp_path / "secret.png"
    Image.new("RGB", (4, 4)).save(outside)
    (root / "pages" / "link.png").symlink_to(outside)
    assert library_file(root, "pages/a.html", "link.png") is None  # leaves the library
    assert library_file(root, "pages/a.html", "missing.png") is None
    (root / "pages" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    bad = library_file(root, "pages/a.html", "bad.png")
    assert bad is not None and load_picture(bad) is None
    huge = root / "pages" / "huge.png"
    Image.new("1", (5000, 5000)).save(huge)  # 25 megapixels
    assert load_picture(huge) is None
    ok = root / "pages" / "ok.png"
    Image.new("RGB", (300, 100), (1, 2, 3)).save(ok)
    picture = load_picture(ok)
    assert picture is not None and (picture.width, picture.rows) == (60, 10)


def test_pictures_are_decoded_within_a_budget(tmp_path: Path) -> None:
    from tuireader.tui.widgets.reader_pictures import load_pictures

    root = tmp_path / "lib"
    (root / "p").mkdir(parents=True)
    Image.new("RGB", (8, 8), (9, 9, 9)).save(root / "p" / "a.png")
    sources = ["a.png", None, "../p/a.png", "a.png"]
    drawn = load_pictures(root, "p/x.html", sources)
    assert [p is not None for p in drawn] == [True, False, True, True]
    assert load_pictures(root, "p/x.html", sources, budget=0) == (None,) * 4
