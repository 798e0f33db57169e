"""The Obsidian export: one note per article against golden files, re-exports that update
tuireader's part in place and keep what the user wrote, hostile titles."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from test_annotations_export import GOLDEN, ROOT, build_scenario
from test_annotations_support import make_article
from tuireader.annotations.export_common import collect
from tuireader.annotations.export_obsidian import MARKER, note_name, write_obsidian

GOLDEN_NOTES = GOLDEN / "obsidian"


@pytest.fixture()
def scenario(tmp_path: Path):
    store, articles = build_scenario(tmp_path / "a.sqlite3")
    yield store, articles
    store.close()


def export(scenario, folder: Path):
    store, articles = scenario
    return write_obsidian(collect(store, articles), folder, library_root=ROOT)


def notes(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def test_one_note_per_article_matches_the_golden_notes(scenario, tmp_path: Path) -> None:
    out = tmp_path / "vault" / "Reading"
    report = export(scenario, out)
    if os.environ.get("TUIREADER_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN_NOTES, ignore_errors=True)
        shutil.copytree(out, GOLDEN_NOTES)
    assert notes(out) == notes(GOLDEN_NOTES)
    assert len(report.written) == 3 and report.summary() == "3 new"


def test_front_matter_is_yaml_obsidian_reads(scenario, tmp_path: Path) -> None:
    export(scenario, tmp_path)
    for name, text in notes(tmp_path).items():
        assert text.startswith("---\n")
        data = yaml.safe_load(text.split("---\n")[1])
        assert data["title"] and data["source"] and data["tuireader"]
        assert data["annotated"] <= data["updated"]
        assert MARKER in text, name
    ferry = yaml.safe_load(notes(tmp_path)["Ferries & Harbours.md"].split("---\n")[1])
    assert ferry["author"] == "Ana Ruiz"
    assert ferry["url"] == "https://example.com/ferry?id=1&x=2"
    assert ferry["published"] == date(2024, 3, 1)  # a date, as Obsidian's Date property


def test_a_re_export_updates_in_place_and_keeps_what_the_user_wrote(
    scenario, tmp_path: Path
) -> None:
    store, _articles = scenario
    export(scenario, tmp_path)
    note = tmp_path / "Ferries & Harbours.md"
    mine = "\n## My thoughts\n\nThe 7:10 is the one to take. [[Commute]]\n"
    note.write_text(note.read_text(encoding="utf-8") + mine, encoding="utf-8")
    users_part = note.read_text(encoding="utf-8").split(MARKER)[1]
    again = export(scenario, tmp_path)
    assert again.summary() == "3 unchanged" and not again.written

    highlight = next(h for h in store.highlights() if h.quote == "smells of diesel and rain")
    store.update_highlight(highlight.id, note="The smell of the harbour at dawn")
    report = export(scenario, tmp_path)
    assert report.updated == [note] and len(report.unchanged) == 2
    text = note.read_text(encoding="utf-8")
    assert "The smell of the harbour at dawn" in text
    assert text.split(MARKER)[1] == users_part and users_part.endswith(mine)
    assert sorted(notes(tmp_path)) == sorted(notes(GOLDEN_NOTES))  # no second note


def test_a_renamed_note_is_still_found_and_a_users_own_file_is_never_touched(
    scenario, tmp_path: Path
) -> None:
    export(scenario, tmp_path)
    (tmp_path / "Ferries & Harbours.md").rename(tmp_path / "Ferry commute.md")
    (tmp_path / "A Vanished Piece.md").unlink()
    users = tmp_path / "A Vanished Piece.md"
    users.write_text("# My own note of that name\n", encoding="utf-8")
    report = export(scenario, tmp_path)
    assert tmp_path / "Ferry commute.md" in report.unchanged
    assert not (tmp_path / "Ferries & Harbours.md").exists()
    assert users.read_text(encoding="utf-8") == "# My own note of that name\n"
    assert [p.name for p in report.written] == [f"A Vanished Piece ({_gone_id(scenario)}).md"]


def _gone_id(scenario) -> str:
    store, _articles = scenario
    return next(g.article.article_id for g in store.grouped() if g.article.missing)


def test_hostile_titles_make_safe_file_names_and_inert_notes(scenario, tmp_path: Path) -> None:
    export(scenario, tmp_path)
    evil = next(t for n, t in notes(tmp_path).items() if n.startswith("Evil"))
    body = evil.split(MARKER)[0].split("---\n", 2)[2]
    assert "<script>" not in body and "[[" not in body
    assert "]] [[Evil]] <script>" in yaml.safe_load(evil.split("---\n")[1])["title"]
    article = make_article("x.md", title="../../etc/passwd\x1b[31m", body="text")
    from tuireader.annotations.models import ArticleRef

    name = note_name(ArticleRef(article.id, article.path, article.title))
    assert "/" not in name and not name.startswith(".") and "\x1b" not in name
