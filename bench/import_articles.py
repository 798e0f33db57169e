"""How long `import-articles` takes on a generated wallabag export (no network, temp dirs).

    python bench/import_articles.py [ENTRIES]

Prints the import time (articles saved + highlights placed) and the re-import time
(everything already there), then the index refresh that follows.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def export(n: int) -> list[dict]:
    entries = []
    for i in range(n):
        paras = [f"Entry {i} paragraph {j}: the tide tables of harbour {i} list the {j}th high water of the week." for j in range(20)]  # fmt: skip
        entries.append({
            "is_archived": 0, "id": i, "title": f"Harbour {i}", "url": f"https://bench.example/{i}",
            "content": "".join(f"<p>{p}</p>" for p in paras), "tags": ["bench"],
            "published_by": ["Bench Writer"], "created_at": "2024-01-01T10:00:00+0000",
            "domain_name": "bench.example",
            "annotations": [{"quote": paras[3], "text": "note"}, {"quote": paras[11], "text": ""}],
        })  # fmt: skip
    return entries


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            os.environ[name] = str(base / name.lower())
        from tuireader.cli import main as cli_main

        (base / "lib").mkdir()
        source = base / "wallabag.json"
        source.write_text(json.dumps(export(n)), encoding="utf-8")
        for label in ("first import", "re-import"):
            started = time.perf_counter()
            with contextlib.suppress(SystemExit):  # main() exits 1 when nothing was new
                cli_main(["--library", str(base / "lib"), "import-articles", str(source), "--no-index"])  # fmt: skip
            elapsed = time.perf_counter() - started
            print(f"{label}: {n} entries in {elapsed:.2f} s ({n / elapsed:.0f} entries/s)")
        started = time.perf_counter()
        cli_main(["--library", str(base / "lib"), "index"])
        print(f"index refresh: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
