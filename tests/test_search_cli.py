"""`tuireader index` and `tuireader search` on the command line: output shapes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import Ran, run_cli
from test_search_service import BREAD, FERRY, TRAM, write
from tuireader.config import AppPaths
from tuireader.search import SearchService


def run(lib: Path, *args: str) -> Ran:
    """In this process (see cli_helpers); the concurrency test below starts real ones."""
    return run_cli("--library", str(lib), *args)


@pytest.fixture()
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "news/ferry.txt", FERRY)
    write(root, "news/tram.txt", TRAM)
    write(root, "notes/sourdough.md", BREAD)
    (root / "empty.txt").write_bytes(b"")
    return root


def test_index_prints_a_summary_and_warns_about_skipped_files(lib: Path) -> None:
    result = run(lib, "index")
    assert result.returncode == 0
    assert result.stdout.strip() == "added 3, updated 0, removed 0, moved 0, skipped 1"
    assert "warning: empty.txt:" in result.stderr
    again = run(lib, "index")
    assert again.stdout.strip() == "added 0, updated 0, removed 0, moved 0, skipped 1"


def test_index_progress_json_is_one_object_per_line(lib: Path) -> None:
    result = run(lib, "index", "--rebuild", "--progress", "json")
    assert result.returncode == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(x) == {"phase", "done", "total"} for x in lines[:-1])
    assert {x["phase"] for x in lines[:-1]} == {"scan", "parse", "index", "duplicates"}
    summary = lines[-1]["summary"]
    assert summary["added"] == 3 and summary["rebuilt"] and not summary["busy"]
    assert summary["skipped"] == [{"path": "empty.txt", "reason": summary["skipped"][0]["reason"]}]


def test_search_json_shape(lib: Path) -> None:
    result = run(lib, "search", "--json", "ferry")  # indexes what is stale first
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "hits", "suggestion"}
    assert data["query"] == "ferry" and data["total"] == 2 and data["suggestion"] is None
    hit = data["hits"][0]
    for key in ("id", "path", "title", "author", "date", "score", "snippet", "matches"):
        assert key in hit
    assert hit["path"] == "news/ferry.txt"
    body = json.loads(run(lib, "show", "--json", hit["id"]).stdout)["body"]
    assert {body[s:e].lower() for s, e in hit["matches"]} == {"ferry"}


def test_search_limit_sort_and_readable_output(lib: Path) -> None:
    result = run(lib, "search", "--pretty", "--limit", "1", "--sort", "title", "ferry")
    assert result.returncode == 0
    assert "Harbour Town Keeps Its Night Ferry" in result.stdout
    assert "Valley Tramway" not in result.stdout
    assert "news/ferry.txt" in result.stdout
    assert "2 results (showing 1)" in result.stderr


def test_piped_search_prints_one_tab_separated_line_a_hit(lib: Path) -> None:
    result = run(lib, "search", "ferry")  # stdout is a pipe here, as in `| cut -f1`
    lines = result.stdout.splitlines()
    hits = json.loads(run(lib, "search", "--json", "ferry").stdout)["hits"]
    assert len(lines) == len(hits) == 2
    for line, hit in zip(lines, hits, strict=True):
        assert line.split("\t") == [
            hit["id"],
            (hit["date"] or "")[:10],
            hit["title"],
            hit["author"] or "",
        ]


def test_exit_codes_and_did_you_mean(lib: Path) -> None:
    missing = run(lib, "search", "hospitl")
    assert missing.returncode == 1
    assert "Did you mean: hospital" in missing.stderr
    as_json = json.loads(run(lib, "search", "--json", "hospitl").stdout)
    assert as_json["suggestion"] == "hospital" and as_json["hits"] == []
    bad = run(lib, "search", "date:[nonsense")
    assert bad.returncode == 2 and bad.stderr.startswith("tuireader: ")
    assert "Traceback" not in bad.stderr
    assert run(lib, "search", "--sort", "colour", "x").returncode == 2  # click usage error


def test_titles_are_printed_inert(lib: Path) -> None:
    write(lib, "evil.txt", "[bold red]Ferry[/] \x1b[31mnews\n\nA ferry story.\n")
    result = run(lib, "search", "story")
    assert "[bold red]Ferry[/]" in result.stdout
    assert "\x1b[31m" not in result.stdout


def test_index_optimize_merges_segments_and_search_still_works(lib: Path) -> None:
    assert run(lib, "index").returncode == 0
    write(lib, "news/late.txt", "Late Ferry News\n\nAnother ferry story arrived late.\n")
    assert run(lib, "index", "--optimize").returncode == 0  # two segments merged into one
    result = run(lib, "search", "--json", "ferry")
    assert json.loads(result.stdout)["total"] == 3


@pytest.mark.parametrize(
    ("total", "estimate", "said"),
    [
        (15000, True, "about 15,000 results"),
        (15000, False, "15,000 results"),
        (1, False, "1 result (showing 0)"),
        (0, False, "0 results"),
    ],
)
def test_estimated_totals_are_said_as_such(
    capsys: pytest.CaptureFixture[str], total: int, estimate: bool, said: str
) -> None:
    from tuireader.cli.search_cmds import _print_results
    from tuireader.search import SearchResults

    _print_results(SearchResults("year", total, [], total_is_estimate=estimate))
    err = capsys.readouterr().err
    assert err.startswith(said)


def holding_the_writer_lock(lib: Path) -> SearchService:
    """Play the other process: the writer lock held and no index built yet."""
    svc = SearchService(lib, AppPaths.from_environment().library_cache(lib))
    assert svc.lock.acquire()
    return svc


def test_search_beside_a_first_build_waits_for_its_first_batch(lib: Path) -> None:
    svc = holding_the_writer_lock(lib)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--library", str(lib), "search", "--json", "ferry"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    try:
        assert proc.stderr.readline().startswith("waiting for another tuireader process")
        assert proc.poll() is None  # still waiting, not failed
        svc.refresh()  # the other process commits (and lets go of the lock)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    data = json.loads(out)
    assert data["total"] == 2 and "error" not in data


def test_search_with_no_index_after_the_wait_says_why(lib: Path) -> None:
    svc = holding_the_writer_lock(lib)
    try:
        result = run(lib, "search", "--json", "--wait", "0.3", "ferry")
        listed = run(lib, "search", "--json", "--wait", "0.3")  # the list needs no index
    finally:
        svc.lock.release()
    assert result.returncode == 3, result.stderr
    assert "not built yet" in result.stderr and "another tuireader process" in result.stderr
    assert json.loads(result.stdout)["unavailable"] is True
    assert listed.returncode == 1 and "waiting" not in listed.stderr
