"""`tuireader export --format obsidian DIR` from the shell."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run_cli


def test_the_command_writes_the_folder_and_says_what_it_did(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "ferry.md").write_text(
        "---\ntitle: Night ferry\nauthor: Ana Ruiz\nurl: https://example.org/ferry\n---\n\n"
        "The night ferry leaves at eleven and arrives with the bakers.\n",
        encoding="utf-8",
    )
    lib = ["--library", str(root)]
    assert (
        run_cli(*lib, "highlight", "add", "ferry.md", "--quote", "with the bakers").returncode == 0
    )
    vault = tmp_path / "vault"
    ran = run_cli(*lib, "export", "--format", "obsidian", str(vault))
    assert ran.returncode == 0, ran.stderr
    assert "1 new" in ran.stderr
    text = (vault / "Night ferry.md").read_text(encoding="utf-8")
    assert "> with the bakers" in text and "[Source](<https://example.org/ferry>)" in text
    again = run_cli(*lib, "export", "--format", "obsidian", "-o", str(vault))
    assert again.returncode == 0 and "1 unchanged" in again.stderr
    missing = run_cli(*lib, "export", "--format", "obsidian")
    assert missing.returncode == 2 and "folder" in missing.stderr
    (tmp_path / "file").write_text("x")
    assert run_cli(*lib, "export", "--format", "obsidian", str(tmp_path / "file")).returncode == 1
