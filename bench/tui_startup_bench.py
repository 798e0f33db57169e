"""Reader start-up benchmark: time to the first screen and to the first open article.

    python bench/tui_startup_bench.py 1000 10000 100000 [--work /tmp/tuireader-bench]
        [--scratch /tmp/tuireader-tui-bench] [--repeat 5] [--size 120x40] [--bundled]

--bundled measures the bundled library/ (what a newcomer opens first) before the sizes.

For each N the collection comes from gen_corpus.py (reused when already generated in
--work/cN, as search_bench.py leaves it). The index should already be built: the script copies
search_bench.py's build (--work/xdgN/cache) into --scratch once, so the reader never writes into
a cache another run is using, then runs `tuireader index` on the copy (a no-op when it is
fresh; a full build when there was nothing to copy).

Every measurement is a fresh process (`--child`), run headless through `App.run_test`; times
are wall-clock seconds from the parent's spawn, so interpreter start and imports count, as
they do for a user. Figures, medians of --repeat runs:
  imports         the reader's modules imported (Textual included);
  first frame     the first frame of the reader, before any row ("Loading the library…");
  first screen    the first rows listed and drawn (the reader shows the catalog's first page
                  before it loads every entry);
  whole list      every article in the list;
  settled         every start-up worker done, including the indexer process the reader runs
                  at each start to find changed files (nothing changed here);
  open (at once)  enter on the first row right after the first screen (it queues behind the
                  start-up work on the core thread);
  open (idle)     enter on the second row once settled;
  floor           the same harness around a minimal Textual app (one Static), mounted and drawn,
                  run just before each reader run; "x floor" is first screen / floor.
"""

from __future__ import annotations

import time

SPAWNED_AT = time.time()  # replaced by the parent's clock in a child (see --child)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Paths:
    library: Path
    cache_home: Path


# ------------------------------------------------------------------------- child side
def _elapsed(spawned: float) -> float:
    return time.time() - spawned


class FrameClock:
    """Times of the frames the app composes (headless, `_display` still gets every update).

    `Pilot.pause()` is no stand-in for "drawn": it waits until the whole process is idle,
    which includes the start-up work still running on other threads."""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        display = app._display

        def timed(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.times.append(time.time())

        app._display = timed

    async def next_frame(self) -> float:
        """Wait for a frame composed after now; its wall-clock time."""
        since = time.time()
        await _until(lambda: bool(self.times) and self.times[-1] >= since)
        return next(t for t in self.times if t >= since)


async def _until(predicate, timeout: float = 600.0) -> None:
    """Poll every millisecond: a coarser poll would add its own period to the figure."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the reader did not get there")
        await asyncio.sleep(0.001)


async def _measure_reader(library: Path, size: tuple[int, int], spawned: float, n: int) -> dict:
    from tuireader.config import AppPaths, Settings
    from tuireader.tui.app import ReaderApp
    from tuireader.tui.main_screen import MainScreen
    from tuireader.tui.widgets import ArticleList

    imported = _elapsed(spawned)
    app = ReaderApp(library, AppPaths.from_environment(), Settings())
    frames = FrameClock(app)
    result: dict = {"imports": imported}
    async with app.run_test(size=size):
        await _until(lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        article_list = screen.query_one(ArticleList)
        await _until(lambda: article_list.row_count > 0)
        result["first_screen"] = await frames.next_frame() - spawned
        result["first_frame"] = frames.times[0] - spawned
        first_title = article_list.rows[0].title

        def settled() -> bool:
            return article_list.row_count > 1 and all(  # the library watch runs on
                w.is_finished or w.group == "live" for w in app.workers
            )

        async def watch(n_rows: int) -> None:
            await _until(lambda: article_list.row_count >= n_rows)
            result["full_list"] = _elapsed(spawned)
            await _until(settled)
            result["settled"] = _elapsed(spawned)

        watcher = asyncio.ensure_future(watch(n))
        started = time.time()
        article_list.action_select()  # enter on the first row, as soon as it shows
        await _until(lambda: screen.reader_state.article is not None)
        result["open_at_once"] = await frames.next_frame() - started
        opened = screen.reader_state.article

        await watcher
        await _until(settled)
        result["rows"] = article_list.row_count
        second = article_list.rows[1].id
        started = time.time()
        article_list.move_cursor(1)
        article_list.action_select()
        await _until(
            lambda: (
                screen.reader_state.article is not opened
                and screen.reader_state.article.id == second
            )
        )
        result["open_idle"] = await frames.next_frame() - started
        result["title_on_screen"] = _visible(first_title[:20], app.export_screenshot())
    return result


def _visible(text: str, svg: str) -> bool:
    """The SVG keeps text with &#160; for spaces and escapes entities."""
    import html

    return html.escape(text).replace(" ", "&#160;") in svg


async def _measure_floor(size: tuple[int, int], spawned: float) -> dict:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    imported = _elapsed(spawned)

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello", id="hello")

    app = Floor()
    frames = FrameClock(app)
    async with app.run_test(size=size):
        await _until(lambda: bool(app.query("#hello")))
        shown = await frames.next_frame() - spawned
    return {"imports": imported, "first_screen": shown}


def child(kind: str, library: str, size: tuple[int, int], spawned: float, n: int) -> None:
    if kind == "floor":
        result = asyncio.run(_measure_floor(size, spawned))
    else:
        result = asyncio.run(_measure_reader(Path(library), size, spawned, n))
    print(json.dumps(result))


# ------------------------------------------------------------------------- parent side
def prepare(n: int, work: Path, scratch: Path) -> Paths:
    """The generated library and a private copy of a built cache for it."""
    sys.path.insert(0, str(BENCH))
    from gen_corpus import generate

    library = generate(work / f"c{n}", n)
    cache_home = scratch / f"cache{n}"
    if not (cache_home / ".ready").exists():
        shutil.rmtree(cache_home, ignore_errors=True)
        built = work / f"xdg{n}" / "cache"
        if (work / f"build{n}.json").exists() and built.is_dir():
            print(f"copying the built index of {n:,} from {built}", flush=True)
            shutil.copytree(built, cache_home)
        # Builds the index when there was none; otherwise a quick no-op, unless the copy caught
        # another run mid-write, which this brings up to date before anything is timed.
        print(f"tuireader index on the {n:,} library (private cache)", flush=True)
        env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
        env["XDG_DATA_HOME"] = env["XDG_CONFIG_HOME"] = str(scratch / "unused")
        cmd = [sys.executable, "-m", "tuireader", "--library", str(library), "index"]
        subprocess.run([*cmd, "--progress", "none"], env=env, check=True)
        (cache_home / ".ready").write_text("ok")
    return Paths(library, cache_home)


def prepare_bundled(scratch: Path) -> tuple[int, Paths]:
    """The bundled library/ with a private, freshly built cache; its article count."""
    library = BENCH.parent / "library"
    cache_home = scratch / "cache-bundled"
    shutil.rmtree(cache_home, ignore_errors=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    env["XDG_DATA_HOME"] = env["XDG_CONFIG_HOME"] = str(scratch / "unused")
    cmd = [sys.executable, "-m", "tuireader", "--library", str(library)]
    subprocess.run([*cmd, "index", "--progress", "none"], env=env, check=True)
    listed = subprocess.run([*cmd, "list", "--json"], env=env, check=True, capture_output=True)
    return len(json.loads(listed.stdout)), Paths(library, cache_home)


def run_child(kind: str, paths: Paths | None, size: str, n: int = 0) -> dict:
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as home:
        env = dict(os.environ, XDG_DATA_HOME=f"{home}/data", XDG_CONFIG_HOME=f"{home}/config")
        env["XDG_CACHE_HOME"] = str(paths.cache_home) if paths else f"{home}/cache"
        env.pop("TUIREADER_LIBRARY", None)
        library = str(paths.library) if paths else "-"
        args = [sys.executable, __file__, "--child", kind, library, "--size", size]
        args += ["--rows", str(n), "--spawned", repr(time.time())]
        out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tuireader-bench"))
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/tuireader-tui-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", default="120x40", help="terminal columns x rows")
    parser.add_argument("--bundled", action="store_true", help="measure library/ first")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "LIBRARY"), help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cols, rows = (int(x) for x in args.size.split("x"))
    if args.child:
        child(args.child[0], args.child[1], (cols, rows), args.spawned or SPAWNED_AT, args.rows)
        return

    args.scratch.mkdir(parents=True, exist_ok=True)
    prepared = [prepare(n, args.work, args.scratch) for n in args.sizes]
    sizes = list(args.sizes)
    if args.bundled:
        count, bundled = prepare_bundled(args.scratch)
        sizes.insert(0, count)
        prepared.insert(0, bundled)
    print(f"\nheadless {args.size}, medians of {args.repeat} fresh processes, ms from spawn;")
    print("each reader run follows a floor run, so both see the same load on a shared machine")
    print("| articles | floor | imports | first frame | first screen | x floor | whole list "
          "| settled | open (at once) | open (idle) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, paths in zip(sizes, prepared, strict=True):
        floors, runs = [], []
        for _ in range(args.repeat):
            floors.append(run_child("floor", None, args.size))
            runs.append(run_child("reader", paths, args.size, n))
        problems = [r for r in runs if r["rows"] != n or not r["title_on_screen"]]
        floor, first = median(floors, "first_screen"), median(runs, "first_screen")
        cells = [f"{n:,}", ms(floor), ms(median(runs, "imports")), ms(median(runs, "first_frame"))]
        cells += [ms(first), f"{first / floor:.1f}"]
        cells += [ms(median(runs, k)) for k in ("full_list", "settled", "open_at_once")]
        cells.append(ms(median(runs, "open_idle")))
        print("| " + " | ".join(cells) + " |", flush=True)
        for r in problems:
            print(f"  warning: a run listed {r['rows']} rows, first title shown "
                  f"{r['title_on_screen']}")  # fmt: skip


if __name__ == "__main__":
    main()
