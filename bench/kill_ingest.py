"""The ingest half of bench/kill_loop.py: SIGKILL `import-articles` and `feed update` at random
moments, then check that nothing is lost (run through kill_loop.py --target).

import-articles: each round imports a generated wallabag export (ENTRIES articles, two
highlights each) into an empty library and kills it; then checks the files written so far
(each whole, none half-written under its final name), the annotation DB and catalog
(`PRAGMA integrity_check`), and orphans; then runs the import again to its end: every
article once, every highlight once, no temporary file left, search finds every article.

feed update: one library across the rounds, FEEDS feeds served from 127.0.0.1 by this
process; each round every feed publishes NEW more entries, `feed update` is killed, the
subscription file must still name every feed once; the next `feed update` runs to its end:
every entry published so far saved exactly once, every one marked seen (and nothing seen
that has no file), no temporary file in the library, data or cache folders, search finds
every entry.

Orphans: every command runs with a tag in its environment; a process still carrying it
two seconds after the kill (a parse worker, a resource tracker) is an orphan (counted,
then killed by its pid).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TEMP = re.compile(r"\..+\.tmp$")
MARK = re.compile(rb"km(\d+)x(\d+)q")


@dataclass
class Home:
    """A temporary XDG home and library; `env` tags every command started in it."""

    base: Path
    tag: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def library(self) -> Path:
        return self.base / "library"

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "KILL_LOOP_TAG": self.tag}
        for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            env[name] = str(self.base / name.lower())
        return env

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tuireader", "--library", str(self.library), *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.cli(*args), env=self.env, capture_output=True, text=True, timeout=900, check=False
        )

    def temps(self) -> dict[str, int]:
        """Hidden temporary files (`.<name>.<random>.tmp`, `.<name>.<pid>.tmp`) per folder."""
        out = {}
        for label, folder in (
            ("library", self.library),
            ("data", self.base / "xdg_data_home"),
            ("cache", self.base / "xdg_cache_home"),
        ):
            out[label] = sum(1 for p in folder.rglob(".*") if TEMP.search(p.name) and p.is_file())
        return out

    def orphans(self) -> int:
        return orphans(self.tag)

    def integrity(self) -> str:
        dbs = [
            *(self.base / "xdg_data_home").rglob("*.sqlite3"),
            *(self.base / "xdg_cache_home").rglob("*.sqlite3"),
        ]
        for db in dbs:
            conn = sqlite3.connect(db)
            try:
                answer = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
            finally:
                conn.close()
            if answer != "ok":
                return f"{db.name}: {answer}"
        return "ok"

    def search_total(self, word: str) -> int:
        done = self.run("search", "--json", "--limit", "1", word)
        return json.loads(done.stdout)["total"] if done.returncode in (0, 1) else -1


def orphans(tag: str) -> int:
    """Processes left carrying `tag` (KILL_LOOP_TAG); each is killed after it is counted."""
    needle = f"KILL_LOOP_TAG={tag}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    for pid in found:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return len(found)


def whole_files(folder: Path) -> tuple[int, int, Counter[tuple[int, int]]]:
    """(whole files, partial files, how often each entry's marker occurs) under folder."""
    whole = partial = 0
    marks: Counter[tuple[int, int]] = Counter()
    for path in folder.rglob("*.html"):
        if path.name.startswith("."):
            continue
        data = path.read_bytes()
        if data.rstrip().endswith(b"</html>"):
            whole += 1
        else:
            partial += 1
        marks.update({(int(a), int(b)) for a, b in MARK.findall(data)})
    return whole, partial, marks


def kill_at(home: Home, args: list[str], when: float) -> tuple[str, int]:
    """Run the command, SIGKILL it `when` seconds in; ('killed'|'finished', orphans)."""
    proc = subprocess.Popen(
        home.cli(*args), env=home.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout=when)
        state = "finished"
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = "killed"
    time.sleep(2.0)  # PR_SET_PDEATHSIG and the resource tracker's own exit
    return state, home.orphans()


@dataclass
class IngestRound:
    number: int
    kill_s: float
    state: str
    whole_after_kill: int
    partial_after_kill: int
    orphans: int
    integrity: str
    temps_after_kill: int
    temps_after_next: int
    articles: int  # distinct articles after the next run
    duplicates: int  # markers found in more than one file
    highlights: int
    search_total: int
    detail: str = ""

    @property
    def temps_left(self) -> int:
        return self.temps_after_next

    @property
    def partials(self) -> int:
        return self.partial_after_kill

    def ok(self, expected: int, highlights: int) -> bool:
        return (
            self.partial_after_kill == 0
            and self.orphans == 0
            and self.integrity == "ok"
            and self.temps_after_next == 0
            and self.articles == expected
            and self.duplicates == 0
            and self.highlights == highlights
            and self.search_total == expected
            and not self.detail
        )


def wallabag_export(count: int) -> list[dict]:
    entries = []
    for i in range(count):
        paras = [
            f"Entry {i} paragraph {j}: the harbour tide tables list the high water "
            f"number {j} of the week, marker km0x{i}q."
            for j in range(12)
        ]
        entries.append(
            {
                "is_archived": 0,
                "id": i,
                "title": f"Harbour {i}",
                "url": f"https://kill.example/{i}",
                "content": "".join(f"<p>{p}</p>" for p in paras),
                "tags": ["kill"],
                "published_by": ["Kill Writer"],
                "created_at": "2024-01-01T10:00:00+0000",
                "domain_name": "kill.example",
                "annotations": [
                    {"quote": paras[3], "text": "note"},
                    {"quote": paras[9], "text": ""},
                ],
            }
        )
    return entries


def _highlights(home: Home) -> int:
    db = home.base / "xdg_data_home" / "tuireader" / "annotations.sqlite3"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM highlights").fetchone()[0])
    finally:
        conn.close()


def import_rounds(
    base: Path, rounds: int, entries: int, rng: random.Random, show: Callable[[str], None]
) -> list[IngestRound]:
    export = base / "wallabag.json"
    export.write_text(json.dumps(wallabag_export(entries)), encoding="utf-8")
    probe = Home(base / "probe")
    probe.library.mkdir(parents=True)
    start = time.monotonic()
    probe.run("import-articles", str(export))
    full = time.monotonic() - start
    show(f"import-articles: {entries} entries, {2 * entries} highlights; a whole run takes "
         f"{full:.1f} s (import and index)")  # fmt: skip
    show(f"{'round':>5} {'kill at':>8} {'state':>8} {'whole':>5} {'part':>4} {'orph':>4} "
         f"{'integrity':>9} {'tmp':>3} {'tmp2':>4} {'arts':>4} {'dup':>3} {'hls':>4} {'hits':>4}")  # fmt: skip
    out = []
    for number in range(1, rounds + 1):
        home = Home(base / f"import-{number}")
        home.library.mkdir(parents=True)
        when = rng.uniform(0.05, full * 1.1)
        state, orphans = kill_at(home, ["import-articles", str(export)], when)
        whole, partial, _ = whole_files(home.library)
        integrity = home.integrity()
        temps_kill = sum(home.temps().values())
        done = home.run("import-articles", str(export))
        detail = "" if done.returncode == 0 else f"next run exit {done.returncode}: {done.stderr}"
        _, partial2, marks = whole_files(home.library)
        r = IngestRound(
            number,
            when,
            state,
            whole,
            partial + partial2,
            orphans,
            integrity if integrity != "ok" else home.integrity(),
            temps_kill,
            sum(home.temps().values()),
            len(marks),
            sum(1 for n in marks.values() if n > 1),
            _highlights(home),
            home.search_total("harbour"),
            detail,
        )
        out.append(r)
        show(f"{r.number:>5} {r.kill_s:>7.2f}s {r.state:>8} {r.whole_after_kill:>5} "
             f"{r.partial_after_kill:>4} {r.orphans:>4} {r.integrity:>9} {r.temps_after_kill:>3} "
             f"{r.temps_after_next:>4} {r.articles:>4} {r.duplicates:>3} {r.highlights:>4} "
             f"{r.search_total:>4}  {'ok' if r.ok(entries, 2 * entries) else 'FAIL ' + r.detail}")  # fmt: skip
        shutil.rmtree(home.base, ignore_errors=True)
    return out


class FeedServer:
    """FEEDS RSS feeds on 127.0.0.1 that grow by `publish()`; ETag = the entry count."""

    def __init__(self, feeds: int) -> None:
        self.counts = [0] * feeds
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                match = re.fullmatch(r"/feed(\d+)\.xml", self.path)
                if match is None or int(match.group(1)) >= feeds:
                    self.send_error(404)
                    return
                number = int(match.group(1))
                with server.lock:
                    count = server.counts[number]
                etag = f'"{count}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                body = server.rss(number, count)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def publish(self, each: int) -> None:
        with self.lock:
            self.counts = [c + each for c in self.counts]

    def published(self) -> set[tuple[int, int]]:
        return {(f, e) for f, count in enumerate(self.counts) for e in range(count)}

    @staticmethod
    def rss(number: int, count: int) -> bytes:
        items = []
        for e in reversed(range(count)):
            paras = "".join(
                f"<p>Feed {number} entry {e} paragraph {j}: the harbour ferry leaves at "
                f"{j} past the hour in winter, marker km{number}x{e}q.</p>"
                for j in range(8)
            )
            items.append(
                f"<item><title>Feed {number} entry {e}</title>"
                f"<link>https://feed{number}.example/{e}</link>"
                f"<guid>feed{number}-{e}</guid>"
                f"<pubDate>Mon, 06 Sep 2021 10:{e % 60:02d}:00 GMT</pubDate>"
                f"<description><![CDATA[{paras}]]></description></item>"
            )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Kill feed {number}'
            f"</title><link>https://feed{number}.example/</link>{''.join(items)}</channel></rss>"
        ).encode()


@dataclass
class FeedRound:
    number: int
    kill_s: float
    state: str
    subscriptions: str  # "ok" or what is wrong with the file after the kill
    partial: int
    orphans: int
    integrity: str
    temps_after_kill: int
    temps_after_next: dict[str, int]
    published: int
    saved: int  # published entries with a file after the next run
    duplicates: int
    unseen: int  # saved but not marked seen after a whole run
    seen_without_file: int
    search_total: int
    detail: str = ""

    @property
    def temps_left(self) -> int:
        return sum(self.temps_after_next.values())

    @property
    def partials(self) -> int:
        return self.partial

    @property
    def ok(self) -> bool:
        return (
            self.subscriptions == "ok"
            and self.partial == 0
            and self.orphans == 0
            and self.integrity == "ok"
            and not any(self.temps_after_next.values())
            and self.saved == self.published
            and self.duplicates == 0
            and self.unseen == 0
            and self.seen_without_file == 0
            and self.search_total == self.published
            and not self.detail
        )


def _subscription_state(home: Home, feeds: int) -> tuple[str, dict[str, list[str]]]:
    """('ok' or the problem, each feed's seen ids) from the subscription file."""
    files = list((home.base / "xdg_data_home" / "tuireader" / "feeds").glob("*.json"))
    if len(files) != 1:
        return f"{len(files)} feed files", {}
    try:
        data = json.loads(files[0].read_text(encoding="utf-8"))
    except ValueError as exc:
        return f"unreadable: {exc}", {}
    names = [f["name"] for f in data["feeds"]]
    if len(names) != feeds or len(set(names)) != feeds:
        return f"{len(names)} feeds ({len(set(names))} names)", {}
    return "ok", {f["name"]: f.get("seen", []) for f in data["feeds"]}


def feed_rounds(
    base: Path, rounds: int, feeds: int, new: int, rng: random.Random, show: Callable[[str], None]
) -> list[FeedRound]:
    server = FeedServer(feeds)
    home = Home(base / "feeds")
    home.library.mkdir(parents=True)
    server.publish(new)
    for number in range(feeds):
        done = home.run("feed", "add", f"{server.base}/feed{number}.xml")
        if done.returncode != 0:
            raise SystemExit(f"feed add: {done.stderr}")
    server.publish(new)
    start = time.monotonic()
    home.run("feed", "update")
    full = time.monotonic() - start
    show(f"feed update: {feeds} feeds, {new} new entries each per round; a whole update of "
         f"one round's entries takes {full:.1f} s (fetch, save, index)")  # fmt: skip
    show(f"{'round':>5} {'kill at':>8} {'state':>8} {'subs':>4} {'part':>4} {'orph':>4} "
         f"{'integrity':>9} {'tmp':>3} {'tmp2 l/d/c':>10} {'pub':>5} {'saved':>5} {'dup':>3} "
         f"{'unseen':>6} {'seen-nofile':>11} {'hits':>5}")  # fmt: skip
    out = []
    for number in range(1, rounds + 1):
        server.publish(new)
        when = rng.uniform(0.05, full * 1.1)
        state, orphans = kill_at(home, ["feed", "update"], when)
        subs, _ = _subscription_state(home, feeds)
        _, partial, _ = whole_files(home.library)
        integrity = home.integrity()
        temps_kill = sum(home.temps().values())
        started = time.monotonic()
        done = home.run("feed", "update")
        detail = "" if done.returncode == 0 else f"next run exit {done.returncode}: {done.stderr}"
        full = max(full * 0.5, time.monotonic() - started)
        _, partial2, marks = whole_files(home.library)
        subs2, seen = _subscription_state(home, feeds)
        published = server.published()
        by_feed = {f"feed{f}-{e}" for f, e in marks}
        seen_ids = {s for ids in seen.values() for s in ids}
        r = FeedRound(
            number,
            when,
            state,
            subs if subs != "ok" else subs2,
            partial + partial2,
            orphans,
            integrity if integrity != "ok" else home.integrity(),
            temps_kill,
            home.temps(),
            len(published),
            len(published & set(marks)),
            sum(1 for n in marks.values() if n > 1),
            len(by_feed - seen_ids),
            len(seen_ids - by_feed),
            home.search_total("ferry"),
            detail,
        )
        out.append(r)
        t = r.temps_after_next
        show(f"{r.number:>5} {r.kill_s:>7.2f}s {r.state:>8} {r.subscriptions[:4]:>4} "
             f"{r.partial:>4} {r.orphans:>4} {r.integrity:>9} {r.temps_after_kill:>3} "
             f"{t['library']:>4}/{t['data']}/{t['cache']:<3} {r.published:>5} {r.saved:>5} "
             f"{r.duplicates:>3} {r.unseen:>6} {r.seen_without_file:>11} {r.search_total:>5}  "
             f"{'ok' if r.ok else 'FAIL ' + r.detail}")  # fmt: skip
    server.http.shutdown()
    return out
