"""Time to first frame of the list and reader widgets, next to a bare Textual app (the floor).

Run by hand: /work/venv/bin/python bench/tui_widgets_bench.py
Headless (`run_test`), so figures exclude terminal I/O; each is the median of a few runs.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widgets import Static

from tuireader.tui.widgets import ArticleList, ListRow, ReaderDocument, ReaderView

SIZE = (160, 48)
RUNS = 3
TEXT = (
    "the reader opens an article and the terminal shows its words at a comfortable width while "
    "search hits highlights and bookmarks all point at character offsets in the body"
)
WORDS = TEXT.split(" ")


def make_rows(n: int) -> list[ListRow]:
    return [
        ListRow(f"id{i}", f"Article number {i} about things", f"Author {i % 97}", "2023-03-19",
                i % 7 == 0, i % 11 == 0, i % 2 == 0)
        for i in range(n)
    ]  # fmt: skip


def make_body(words: int) -> str:
    rng = random.Random(words)
    paras, count = [], 0
    while count < words:
        k = rng.randint(40, 160)
        paras.append(" ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + ".")
        count += k
    return "\n\n".join(paras)


class BenchApp(App[None]):
    def __init__(self, make: Callable[[], object]) -> None:
        super().__init__()
        self.make = make

    def compose(self) -> ComposeResult:
        yield self.make()  # type: ignore[misc]


async def first_frame(make: Callable[[], object], after_mount: Callable | None = None) -> float:
    """Seconds from App() to the first frame painted after mount (and after_mount)."""
    start = time.perf_counter()
    app = BenchApp(make)
    async with app.run_test(size=SIZE) as pilot:
        if after_mount is not None:
            after_mount(app)
        await pilot.pause()
        elapsed = time.perf_counter() - start
    return elapsed


def median(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def main() -> None:
    await first_frame(lambda: Static("warm-up"))
    floor = median([await first_frame(lambda: Static("hello")) for _ in range(RUNS)])
    print(f"{'minimal Textual app (floor)':40} {floor:8.1f} ms")

    for n in (1_000, 10_000, 100_000):
        rows = make_rows(n)
        ms = median([await first_frame(lambda rows=rows: ArticleList(rows)) for _ in range(RUNS)])
        print(
            f"{f'ArticleList {n:,} rows, first frame':40} {ms:8.1f} ms  ({ms / floor:.2f}x floor)"
        )

    rows = make_rows(100_000)
    results = make_rows(5_000)
    app = BenchApp(lambda: ArticleList(rows))
    async with app.run_test(size=SIZE) as pilot:
        lst = app.query_one(ArticleList)
        start = time.perf_counter()
        lst.set_rows(results, keep_id="id2500")
        lst.set_rows(rows, keep_id="id99999")
        await pilot.pause()
        swap = (time.perf_counter() - start) * 1000 / 2
        start = time.perf_counter()
        for _ in range(50):
            lst.action_cursor_down()
            lst.render_line(0)
        move = (time.perf_counter() - start) * 1000 / 50
    print(f"{'ArticleList set_rows 100k<->5k (each)':40} {swap:8.1f} ms (incl. one frame)")
    print(f"{'ArticleList cursor move + render line':40} {move:8.2f} ms")

    for words in (5_000, 100_000):
        body = make_body(words)
        t0 = time.perf_counter()
        doc = ReaderDocument.from_text(body, title=f"{words} words", author="Bench")
        build = (time.perf_counter() - t0) * 1000

        def open_doc(app: App, doc: ReaderDocument = doc) -> None:
            app.query_one(ReaderView).show(doc)

        first = median([await first_frame(ReaderView, open_doc) for _ in range(RUNS)])
        # show() alone on a mounted view: the cost of opening another article
        app = BenchApp(ReaderView)
        async with app.run_test(size=SIZE) as pilot:
            view = app.query_one(ReaderView)
            await pilot.pause()
            start = time.perf_counter()
            await pilot.pause()
            idle = (time.perf_counter() - start) * 1000
            computes = []
            for _ in range(RUNS):
                start = time.perf_counter()
                view.show(doc)
                for row in range(view.scrollable_content_region.height):
                    view.render_line(row)
                computes.append(time.perf_counter() - start)
            shows = []
            for _ in range(RUNS):
                start = time.perf_counter()
                view.show(doc)
                await pilot.pause()
                shows.append(time.perf_counter() - start)
            hits = [(i, i + 6) for i in range(0, len(body), max(1, len(body) // 50))]
            start = time.perf_counter()
            view.set_matches(hits)
            for _ in range(10):
                view.next_match()
                for row in range(view.scrollable_content_region.height):
                    view.render_line(row)
            hit_ms = (time.perf_counter() - start) * 1000 / 10
        label = f"ReaderView {words:,} words"
        print(f"{label + ', first frame':40} {first:8.1f} ms  ({first / floor:.2f}x floor)")
        print(
            f"{label + ', show() + frame':40} {median(shows):8.1f} ms  (doc build {build:.1f} ms)"
        )
        print(
            f"{label + ', show() + render 48 lines':40} {median(computes):8.1f} ms  (no frame wait)"
        )
        print(f"{label + ', 50 hits, jump + render 48 lines':40} {hit_ms:8.1f} ms")
        print(f"{'  (an idle pilot.pause() costs':40} {idle:8.1f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
