"""Time of `feed import-opml --no-update` by outline count (the timing that tests leave out:
tests/test_hostile_feeds.py counts work instead).

    python bench/opml_bench.py [COUNTS...]   (default 5000 10000 20000)

For each count, three OPML files: distinct titles, every outline titled 'News' (names
news, news-2, ...), no titles (named from the address). Each is imported into a fresh
library in a temporary XDG home, in a child process; prints seconds and the ratio to the
previous count (about 2 when linear, 4 when quadratic).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = {"distinct": "Feed {i}", "same": "News", "untitled": ""}


def write_opml(path: Path, count: int, title: str) -> None:
    outlines = "".join(
        f'<outline text="{title.format(i=i)}" xmlUrl="https://site{i}.example/feed"/>'
        for i in range(count)
    )
    path.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")


def one(base: Path, count: int, kind: str) -> float:
    home = base / f"{kind}-{count}"
    library = home / "library"
    library.mkdir(parents=True)
    env = {**os.environ}
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(home / name.lower())
    opml = home / "feeds.opml"
    write_opml(opml, count, KINDS[kind])
    cmd = [sys.executable, "-m", "tuireader", "--library", str(library)]
    start = time.monotonic()
    done = subprocess.run(
        [*cmd, "feed", "import-opml", "--no-update", str(opml)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - start
    if f"{count} feeds added" not in done.stdout:
        raise SystemExit(f"{kind} {count}: {done.stdout}{done.stderr}")
    return took


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [5000, 10000, 20000]
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"{'outlines':>8} " + " ".join(f"{k:>16}" for k in KINDS))
    previous: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            cells = []
            for kind in KINDS:
                took = one(Path(tmp), count, kind)
                ratio = f"x{took / previous[kind]:.1f}" if kind in previous else ""
                cells.append(f"{took:>9.2f} s {ratio:>5}")
                previous[kind] = took
            print(f"{count:>8} " + " ".join(cells), flush=True)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
