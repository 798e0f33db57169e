"""Search as you type: time from each key press in the search bar to the list showing it.

    python bench/keystroke_bench.py 10000 100000 [--work /tmp/tuireader-bench]
        [--scratch /tmp/tuireader-tui-bench] [--words government,sediment,council]

The library and its built index come from tui_startup_bench.prepare (gen_corpus.py's
collection, a private copy of search_bench.py's build). One fresh reader process per size,
headless (`App.run_test`) at 120x40: once the list is settled, each word is typed one
letter at a time, and for every letter the time from the key press to the frame that shows
the list for that query (its rows and count; the snippet lines follow for the rows on
screen; when the list did not change, no frame comes and the time is to the list's update).
The search bar waits for a pause of DEBOUNCE between keys before it searches, included here.
Figures: median, p95 and max over all letters, ms; the first letter of each word
is apart (a one-letter query lists by prefix over every word that starts with it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from tui_startup_bench import FrameClock, _until, prepare  # noqa: E402

WORDS = ("government", "sediment", "council", "election", "music")


async def _measure(library: Path, words: list[str]) -> dict:
    from tuireader.config import AppPaths, Settings
    from tuireader.tui.app import ReaderApp
    from tuireader.tui.main_screen import MainScreen
    from tuireader.tui.widgets import ArticleList

    app = ReaderApp(library, AppPaths.from_environment(), Settings())
    frames = FrameClock(app)
    first: list[float] = []
    rest: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        article_list = screen.query_one(ArticleList)
        await _until(  # the library watch ("live") runs for as long as the reader does
            lambda: (
                article_list.row_count > 0
                and all(w.is_finished or w.group == "live" for w in app.workers)
            )
        )
        for word in words:
            await pilot.press("slash")
            for i in range(1, len(word) + 1):
                typed = word[:i]
                pressed = time.time()
                await pilot.press(word[i - 1])
                await _until(lambda t=typed: screen.list_state.shown_query == t, timeout=60)
                listed = time.time()
                try:  # the frame that shows it; none comes when the screen did not change
                    drawn = await asyncio.wait_for(frames.next_frame(), 0.3)
                except TimeoutError:
                    drawn = listed
                (first if i == 1 else rest).append(drawn - pressed)
            await pilot.press("escape", "escape")  # to the list, then clear the search
            await _until(lambda: screen.list_state.shown_query == "", timeout=60)
    return {"first": first, "rest": rest}


def run_child(paths, words: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="tui-keys-") as home:
        env = dict(os.environ, XDG_DATA_HOME=f"{home}/data", XDG_CONFIG_HOME=f"{home}/config")
        env["XDG_CACHE_HOME"] = str(paths.cache_home)
        env.pop("TUIREADER_LIBRARY", None)
        args = [sys.executable, __file__, "--child", str(paths.library), "--words", ",".join(words)]
        out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ms(values: list[float], q: float | None = None) -> str:
    if not values:
        return "-"
    if q is None:
        return f"{max(values) * 1000:.0f}"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tuireader-bench"))
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/tuireader-tui-bench"))
    parser.add_argument("--words", default=",".join(WORDS))
    parser.add_argument("--child", metavar="LIBRARY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    words = [w for w in args.words.split(",") if w]
    if args.child:
        print(json.dumps(asyncio.run(_measure(Path(args.child), words))))
        return
    args.scratch.mkdir(parents=True, exist_ok=True)
    print(f"\nheadless 120x40, one reader process per size, words: {', '.join(words)}")
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("| articles | first letter p50 / max | next letters p50 / p95 / max | letters |")
    print("|---|---|---|---|")
    for n in args.sizes:
        result = run_child(prepare(n, args.work, args.scratch), words)
        first, rest = result["first"], result["rest"]
        p50 = f"{statistics.median(first) * 1000:.0f}" if first else "-"
        cells = [f"{n:,}", f"{p50} / {ms(first)}"]
        rest_p50 = f"{statistics.median(rest) * 1000:.0f}" if rest else "-"
        cells.append(f"{rest_p50} / {ms(rest, 0.95)} / {ms(rest)}")
        cells.append(str(len(first) + len(rest)))
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
