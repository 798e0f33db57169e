"""At start the reader runs its indexer process only when the library changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_helpers import make_app, make_library, wait_until_listed

pytestmark = pytest.mark.anyio


async def test_an_unchanged_library_starts_no_indexer(tmp_path: Path) -> None:
    app = make_app(make_library(tmp_path))  # catalog and index already up to date
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 6)
        assert app.bridge._indexer is None


async def test_a_changed_library_is_indexed_at_start(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    (root / "news" / "new.txt").write_text("Quay Lamps\n\nThe quay lamps are lit.\n", "utf-8")
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_listed(pilot, 7)
        assert app.bridge._indexer is not None
        titles = [r.title for r in pilot.app.screen.article_list.rows]
        assert "Quay Lamps" in titles
