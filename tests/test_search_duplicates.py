"""Near-duplicates: MinHash signatures, LSH groups, the store updated at index time, search
results listing a group once, and `tuireader duplicates`."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from cli_helpers import run_cli
from test_search_service import WORDS
from tuireader.search import SearchService
from tuireader.search.dedupe import groups, minhash
from tuireader.search.dedupe.folding import fold
from tuireader.search.dedupe.store import DuplicateStore


def prose(seed: int, n: int = 160) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


STORY = prose(1)


def test_signatures_agree_as_much_as_the_texts_do():
    same = minhash.signature(STORY)
    assert same is not None and same.dtype == np.uint32 and len(same) == minhash.PERMUTATIONS
    assert minhash.similarity(same, minhash.signature(STORY.upper())) == 1.0  # folded
    furniture = "Share this article. Sign up for our newsletter. " + STORY + " Comments (3)"
    assert minhash.similarity(same, minhash.signature(furniture)) >= 0.8
    other = minhash.signature(prose(2))
    assert other is not None and minhash.similarity(same, other) < 0.2
    assert minhash.signature("too short to say anything") is None


def test_near_pairs_and_groups_join_copies_and_same_fingerprints():
    base = minhash.signature(STORY)
    edited = minhash.signature(STORY.replace("harbour", "port", 2))
    unrelated = minhash.signature(prose(5))
    assert base is not None and edited is not None and unrelated is not None
    sigs = np.array([base, unrelated, edited])
    assert groups.near_pairs(sigs) == {(0, 2)}
    ids = ["a", "b", "c", "short1", "short2", "empty1", "empty2"]
    fps = ["f1", "f2", "f3", "same", "same", "", ""]
    found = groups.group(ids, fps, sigs, signed=[0, 1, 2])
    # empty bodies have no fingerprint to share: never a group of "copies" of nothing
    assert found == [["a", "c"], ["short1", "short2"]]


def test_fold_keeps_the_best_ranked_member_of_each_group():
    class R:
        def __init__(self, i: str) -> None:
            self.id = i

    ranked = [R(i) for i in ["x", "a2", "y", "a1", "a3", "z"]]
    keys = {"a1": "a1", "a2": "a1", "a3": "a1"}
    kept, copies = fold(ranked, keys, limit=3)
    assert [r.id for r in kept] == ["x", "a2", "y"]
    assert copies == {"a2": ("a1", "a3")}


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "feeds/one/ferry.txt", f"Ferry keeps running\n\n{STORY}\n")
    write(root, "feeds/two/ferry.txt", f"Ferry keeps running\n\n{STORY.replace(' ', '  ')}\n")
    write(
        root,
        "saved/ferry.html",
        "<html><head><title>Ferry keeps running</title></head><body><article>"
        f"<p>{STORY}</p><p>Read more from our island desk.</p></article></body></html>",
    )
    write(root, "other/valley.txt", f"Valley notes\n\n{prose(9)}\n")
    write(root, "other/short.txt", "Short\n\nA line.\n")
    return root


def refreshed(root: Path, tmp_path: Path) -> SearchService:
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    return svc


def paths(svc: SearchService) -> list[list[str]]:
    return [[e.path for e in g] for g in svc.duplicate_groups()]


def test_groups_found_at_index_time_and_follow_changes(library, tmp_path):
    svc = refreshed(library, tmp_path)
    assert sorted(sorted(g) for g in paths(svc)) == [
        ["feeds/one/ferry.txt", "feeds/two/ferry.txt", "saved/ferry.html"]
    ]
    (library / "saved/ferry.html").write_text(
        f"<html><body><article><p>{prose(11)}</p></article></body></html>", encoding="utf-8"
    )
    (library / "feeds/two/ferry.txt").unlink()
    svc.refresh(processes=1)
    assert paths(svc) == []
    write(library, "again/ferry.txt", f"Ferry\n\n{STORY}\n")
    svc.refresh(processes=1)
    assert sorted(sorted(g) for g in paths(svc)) == [["again/ferry.txt", "feeds/one/ferry.txt"]]


def test_only_changed_bodies_are_signed_again(library, tmp_path, monkeypatch):
    svc = refreshed(library, tmp_path)
    signed: list[str] = []
    real = minhash.signature

    def counting(body: str):
        signed.append(body[:20])
        return real(body)

    monkeypatch.setattr("tuireader.search.dedupe.store.signature", counting)
    write(library, "other/new.txt", f"New one\n\n{prose(21)}\n")
    svc.refresh(processes=1)
    assert len(signed) == 1
    assert svc.update_duplicates() is False  # nothing changed since


def test_search_lists_a_group_once_with_its_copies(library, tmp_path):
    svc = refreshed(library, tmp_path)
    every = svc.search("harbour ferry")  # without folding: each copy is a result
    assert sum("ferry" in h.path for h in every.hits) == 3
    results = svc.search("harbour ferry", fold_copies=True)
    ferry = [h for h in results.hits if "ferry" in h.path]
    assert len(ferry) == 1
    assert len(ferry[0].copies) == 2
    assert results.total == len(results.hits)
    assert ferry[0].to_dict()["copies"] == list(ferry[0].copies)
    valley = [h for h in results.hits if h.path == "other/valley.txt"]
    assert valley and "copies" not in valley[0].to_dict()


def test_a_damaged_store_is_discarded_and_rebuilt(library, tmp_path):
    svc = refreshed(library, tmp_path)
    svc.close()
    (tmp_path / "cache" / "duplicates.sqlite3").write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / "cache" / f"duplicates.sqlite3{suffix}").unlink(missing_ok=True)
    svc = SearchService(library, tmp_path / "cache")
    assert svc.duplicate_groups() == []
    assert svc.update_duplicates() is True
    assert len(svc.duplicate_groups()) == 1


def test_store_group_of(tmp_path):
    store = DuplicateStore(tmp_path / "d.sqlite3")
    bodies = {"a": STORY, "b": STORY + " extra words here", "c": prose(4)}
    assert store.update({"a": "1", "b": "2", "c": "3"}, lambda ids: {i: bodies[i] for i in ids})
    assert store.group_of("b") == ["a", "b"]
    assert store.group_of("c") == []
    assert store.group_keys() == {"a": "a", "b": "a"}


def test_cli_duplicates_json_and_text(library):
    out = run_cli("--library", str(library), "duplicates", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data) == 1
    assert sorted(m["path"] for m in data[0]) == [
        "feeds/one/ferry.txt",
        "feeds/two/ferry.txt",
        "saved/ferry.html",
    ]
    assert all(len(m["id"]) == 10 and set(m) == {"id", "path"} for m in data[0])
    text = run_cli("--library", str(library), "duplicates")
    assert text.returncode == 0
    assert "saved/ferry.html" in text.stdout and "1 group of 3 articles" in text.stderr


def test_an_unreadable_store_reads_as_no_groups(tmp_path):
    (tmp_path / "d.sqlite3").mkdir()  # a folder where the file should be: cannot open
    store = DuplicateStore(tmp_path / "d.sqlite3")
    assert store.groups() == [] and store.group_keys() == {} and store.group_of("a") == []


def test_many_bodies_are_signed_in_worker_processes_alike(tmp_path, monkeypatch):
    bodies = {f"id{i}": prose(100 + i) for i in range(6)}
    bodies["copy"] = bodies["id3"] + " Share this story."
    fps = {i: i for i in bodies}
    serial = DuplicateStore(tmp_path / "serial.sqlite3")
    serial.update(fps, lambda ids: {i: bodies[i] for i in ids})
    monkeypatch.setattr("tuireader.search.dedupe.store.PARALLEL_FROM", 1)
    parallel = DuplicateStore(tmp_path / "parallel.sqlite3")
    parallel.update(fps, lambda ids: {i: bodies[i] for i in ids}, processes=2)
    assert parallel.groups() == serial.groups() == [["copy", "id3"]]
    sigs = "SELECT id, sig FROM sigs ORDER BY id"
    assert parallel.db.execute(sigs).fetchall() == serial.db.execute(sigs).fetchall()


def test_article_key_ignores_what_differs_between_copies_of_one_address():
    from tuireader.search.dedupe.urls import article_key

    same = {
        article_key(u)
        for u in (
            "https://www.example.org/news/ferry/?utm_source=rss&utm_medium=feed",
            "http://example.org/news/ferry#comments",
            "https://EXAMPLE.org:443/news/ferry/index.html",
        )
    }
    assert same == {"example.org/news/ferry"}
    assert article_key("https://example.org/story?id=7&fbclid=x") == "example.org/story?id=7"
    assert article_key("https://example.org/story?id=8") != article_key(
        "https://example.org/story?id=7"
    )
    for none in ("https://example.org/", "https://example.org", "javascript:alert(1)", "", None,
                 "http://[::1", "mailto:a@b.c"):  # fmt: skip
        assert article_key(none) == ""


def test_a_feed_summary_and_the_saved_page_share_their_address(tmp_path):
    root = tmp_path / "lib"
    url = "https://news.example.org/2024/ferry-stays"
    write(root, "feeds/news/ferry.md", f"---\ntitle: Ferry stays\nurl: {url}?utm_source=rss\n---\n"
          "The council kept the night ferry. Read more on the site.\n")  # fmt: skip
    write(
        root,
        "saved/news.example.org/ferry.md",
        f"---\ntitle: Ferry stays\nurl: {url}\n---\n{STORY}\n",
    )
    write(root, "feeds/news/front.md", "---\ntitle: Front\nurl: https://news.example.org/\n---\n"
          f"{prose(30)}\n")  # fmt: skip
    write(root, "saved/front.md", "---\ntitle: Home\nurl: https://news.example.org\n---\n"
          f"{prose(31)}\n")  # fmt: skip
    svc = refreshed(root, tmp_path)
    assert paths(svc) == [["feeds/news/ferry.md", "saved/news.example.org/ferry.md"]]


def test_a_store_of_the_old_layout_is_started_again(tmp_path):
    import sqlite3

    path = tmp_path / "d.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema', '1');"
        "CREATE TABLE sigs (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, sig BLOB);"
        "INSERT INTO sigs VALUES ('old', 'f', NULL);"
    )
    db.commit()
    db.close()
    store = DuplicateStore(path)
    bodies = {"a": STORY, "b": STORY}
    assert store.update({"a": "1", "b": "1"}, lambda ids: {i: bodies[i] for i in ids})
    assert store.groups() == [["a", "b"]]


def test_cli_search_and_related_list_copies_once(library):
    out = run_cli("--library", str(library), "search", "harbour", "ferry", "--json")
    hits = json.loads(out.stdout)["hits"]
    ferry = [h for h in hits if "ferry" in h["path"]]
    assert len(ferry) == 1 and len(ferry[0]["copies"]) == 2
    airship = " ".join(["The zeppelin left its hangar at dawn, the airship crew said."] * 6)
    write(library, "air/one.txt", f"Airship\n\n{airship}\n")
    write(library, "air/two.txt", f"Airship again\n\n{airship} Share this story.\n")
    write(library, "air/later.txt", "Airship later\n\nThe zeppelin hangar stands empty now.\n")
    out = run_cli("--library", str(library), "related", "air/later.txt", "--json")
    hits = json.loads(out.stdout)["hits"]
    air = [h for h in hits if h["path"].startswith("air/")]
    assert len(air) == 1 and len(air[0]["copies"]) == 1  # another story's copies: once
    out = run_cli("--library", str(library), "related", "air/one.txt", "--json")
    assert not any(h["path"] == "air/two.txt" for h in json.loads(out.stdout)["hits"])


def test_refresh_reports_the_duplicates_phase(library, tmp_path):
    seen = []
    svc = SearchService(library, tmp_path / "cache")
    svc.refresh(processes=1, progress=seen.append)
    phases = [p.phase for p in seen]
    assert phases[-1] == "duplicates" and seen[-1].done == seen[-1].total == 5
    seen.clear()
    svc.refresh(processes=1, progress=seen.append)  # nothing changed: nothing to sign
    assert "duplicates" not in [p.phase for p in seen]


def test_a_library_indexed_before_duplicates_existed_is_stale_until_grouped(library, tmp_path):
    svc = refreshed(library, tmp_path)
    assert not svc.stale()
    svc.close()
    (tmp_path / "cache" / "duplicates.sqlite3").unlink()  # as an older tuireader left it
    svc = SearchService(library, tmp_path / "cache")
    assert svc.stale()
    svc.refresh(processes=1)
    assert not svc.stale() and len(svc.duplicate_groups()) == 1
