"""Pocket and Instapaper exports: links whose pages are fetched, resumably, tags kept."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tuireader.articles.registry import parse_bytes
from tuireader.ingest.exports import ImportTarget, detect_kind
from tuireader.ingest.exports.instapaper import InstapaperKind, read_instapaper_csv
from tuireader.ingest.exports.pocket import PocketKind, read_pocket_csv, read_pocket_html
from tuireader.ingest.report import ImportReport
from tuireader.ingest.saved_page import SavedPage

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
BASE = "https://pages.example"
PAGES = {
    "/allotment-waiting-list": (
        "The allotment waiting list",
        "<p>Forty names are on the list for twelve plots, and the oldest has waited six "
        "years for a patch of clay beside the railway.</p>",
    ),
    "/night-buses": (
        "Night buses after midnight",
        "<p>The last bus leaves the depot at ten past one. After that the town walks, or "
        "waits for the first tram at five.</p>",
    ),
}


class FakeWeb:
    """Stands in for the HTTP fetcher: known paths give pages, others fail; calls counted."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.down: set[str] = set()

    def __call__(self, url: str) -> SavedPage:
        with self.lock:
            self.calls.append(url)
        path = url.removeprefix(BASE)
        if path not in PAGES or path in self.down:
            raise RuntimeError("HTTP 404 Not Found")
        title, body = PAGES[path]
        return SavedPage(title=title, body_html=body, source_id=url, url=url, site="Pages")


def export(tmp_path: Path, name: str) -> Path:
    source = FIXTURES / name
    target = tmp_path / Path(name).name
    target.write_text(source.read_text(encoding="utf-8").replace("{base}", BASE), "utf-8")
    return target


@pytest.fixture()
def target(tmp_path: Path) -> ImportTarget:
    (tmp_path / "lib").mkdir()
    return ImportTarget(tmp_path / "lib", tmp_path / "state")


def test_the_kinds_are_detected(tmp_path: Path) -> None:
    assert detect_kind(export(tmp_path, "pocket/ril_export.html")).name == "pocket"
    assert detect_kind(export(tmp_path, "pocket/part_000000.csv")).name == "pocket"
    assert detect_kind(export(tmp_path, "instapaper-export.csv")).name == "instapaper"


def test_pocket_html_and_csv_give_the_same_links_with_tags_and_times(tmp_path: Path) -> None:
    html = read_pocket_html(export(tmp_path, "pocket/ril_export.html").read_text("utf-8"))
    csv = read_pocket_csv(
        export(tmp_path, "pocket/part_000000.csv").read_text("utf-8"), "part.csv", ImportReport()
    )
    assert {i.url for i in html} == {i.url for i in csv} and len(html) == 3  # no javascript:
    by_url = {i.url: i for i in csv}
    allotment = by_url[f"{BASE}/allotment-waiting-list"]
    assert allotment.tags == ("gardens", "towns")
    assert allotment.added is not None and allotment.added.date().isoformat() == "2024-03-01"
    assert {i.url: i.tags for i in html} == {i.url: i.tags for i in csv}


def test_pocket_import_saves_fetched_pages_reports_failures_and_resumes(
    tmp_path: Path, target: ImportTarget
) -> None:
    web = FakeWeb()
    kind = PocketKind(fetch=web)
    path = export(tmp_path, "pocket/part_000000.csv")
    first = kind.run(path, target, None)
    assert len(first.saved) == 2 and len(web.calls) == 3
    assert first.failed == [(f"{BASE}/missing-page", "HTTP 404 Not Found")]
    saved = target.root / next(p for p in first.saved if "allotment" in p)
    article = parse_bytes(saved.relative_to(target.root).as_posix(), saved.read_bytes())
    assert {"gardens", "towns"} <= set(article.tags)
    assert article.title == "The allotment waiting list" and "railway" in article.body
    assert saved.name.startswith("2024-03-01-")  # the time added names an undated page
    # a second run fetches only what failed, and writes nothing new
    before = {p: p.read_bytes() for p in target.root.rglob("*.html")}
    web.calls.clear()
    again = kind.run(path, target, None)
    assert web.calls == [f"{BASE}/missing-page"]
    assert again.saved == [] and again.already == 2 and len(again.failed) == 1
    assert {p: p.read_bytes() for p in target.root.rglob("*.html")} == before


def test_an_interrupted_import_goes_on_where_it_stopped(
    tmp_path: Path, target: ImportTarget
) -> None:
    web = FakeWeb()
    web.down = {"/night-buses"}
    path = export(tmp_path, "pocket/ril_export.html")
    assert len(PocketKind(fetch=web).run(path, target, None).saved) == 1
    web.down = set()
    web.calls.clear()
    report = PocketKind(fetch=web).run(path, target, None)
    assert sorted(web.calls) == [f"{BASE}/missing-page", f"{BASE}/night-buses"]
    assert len(report.saved) == 1 and report.already == 1


def test_instapaper_folder_and_tags_become_tags_and_the_selection_a_summary(
    tmp_path: Path, target: ImportTarget
) -> None:
    items = read_instapaper_csv(
        export(tmp_path, "instapaper-export.csv").read_text("utf-8"), "x.csv", ImportReport()
    )
    assert [i.tags for i in items] == [("gardens",), ("Cities",)]
    report = InstapaperKind(fetch=FakeWeb()).run(
        export(tmp_path, "instapaper-export.csv"), target, None
    )
    assert len(report.saved) == 2 and not report.failed
    buses = target.root / next(p for p in report.saved if "night-buses" in p)
    article = parse_bytes(buses.relative_to(target.root).as_posix(), buses.read_bytes())
    assert "Cities" in article.tags


def test_an_export_with_no_links_is_one_line(tmp_path: Path, target: ImportTarget) -> None:
    empty = tmp_path / "part_000000.csv"
    empty.write_text("title,url,time_added,tags,status\n", encoding="utf-8")
    report = PocketKind(fetch=FakeWeb()).run(empty, target, None)
    assert report.failed == [("part_000000.csv", "no links found in this Pocket export")]
    assert not any(target.root.iterdir())


def test_pocket_through_the_cli_fetches_from_a_local_server(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from local_web import Route, serve
    from tuireader.cli import cli

    for web in serve():
        for path, (title, body) in PAGES.items():
            page = f"<html><head><title>{title}</title></head><body><article>{body * 3}"
            web.routes[path] = Route((page + "</article></body></html>").encode())
        csv = tmp_path / "part_000000.csv"
        text = (FIXTURES / "pocket" / "part_000000.csv").read_text("utf-8")
        csv.write_text(text.replace("{base}", web.base), encoding="utf-8")
        library = tmp_path / "lib"
        library.mkdir()

        def run(*args: str, library: Path = library):
            return CliRunner().invoke(cli, ["--library", str(library), *args])

        first = run("import-articles", str(csv))
        assert first.exit_code == 0, first.output
        assert "2 saved" in first.output and "1 failed" in first.output
        assert "404" in first.output
        found = run("search", "depot tram", "--json")
        assert found.exit_code == 0 and "night-buses" in found.output
        requests = len(web.requests)
        again = run("import-articles", str(csv))
        assert "0 saved" in again.output and "2 already there" in again.output
        assert web.paths_requested()[requests:] == ["/missing-page"]
