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
            assert at == anglers - 2 and "stopped long ago" in lines[at - 2]
        else:
            assert not any("[image" in line for line in lines)
            assert "stopped long ago" in lines[anglers - 2]
        assert reader.document is not None
        assert len(reader.document.images) == (1 if images else 0)
