"""A command imports what it needs: `--version` nothing, `list` no array scorer."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import click

from tuireader import __version__
from tuireader.cli import commands

HEAVY = ("click", "whoosh", "numpy", "rich", "textual", "sqlite3")


def _modules_after(args: list[str], tmp_path: Path, *, full: bool = False) -> tuple[str, set[str]]:
    name = "m" if full else "m.split('.')[0]"
    code = (
        "import sys\n"
        "from tuireader.cli import main\n"
        f"sys.argv = ['tuireader', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('MODULES', ' '.join(sorted({name} for m in sys.modules)))\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CONFIG_HOME": str(tmp_path / "f"), "PATH": "/usr/bin:/bin",
           "TUIREADER_SERVER": "off"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    out, _sep, modules = done.stdout.rpartition("MODULES ")
    return out, set(modules.split())


def test_version_answers_without_importing_anything_heavy(tmp_path: Path) -> None:
    out, modules = _modules_after(["--version"], tmp_path)
    assert out.strip() == f"tuireader, version {__version__}"
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_listing_the_library_does_not_load_the_array_scorer(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.txt").write_text("Ferry news\n\nThe night ferry left.\n", encoding="utf-8")
    out, modules = _modules_after(["--library", str(lib), "list"], tmp_path)
    assert "Ferry news" in out
    assert "click" in modules and not modules & {"numpy", "textual"}


def test_a_search_without_annotations_does_not_load_the_annotation_code(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.txt").write_text("Ferry news\n\nThe night ferry left.\n", encoding="utf-8")
    out, modules = _modules_after(["--library", str(lib), "search", "ferry"], tmp_path, full=True)
    assert "Ferry news" in out
    assert "tuireader.search.vector.run" in modules  # it did search
    assert not {m for m in modules if m.startswith("tuireader.annotations")}


def test_the_lazy_table_names_every_command_the_modules_define() -> None:
    defined = {}
    for module_name in {m for m, _a in commands.COMMANDS.values()}:
        module = importlib.import_module(f"tuireader.cli.{module_name}")
        found = {a: v for a, v in vars(module).items() if isinstance(v, click.Command)}
        nested = {id(c) for v in found.values() if isinstance(v, click.Group)
                  for c in v.commands.values()}  # fmt: skip
        for attribute, command in found.items():
            if id(command) not in nested and command.callback.__module__ == module.__name__:
                defined[command.name] = (module_name, attribute)
    assert defined == commands.COMMANDS
    ctx = click.Context(commands.cli)
    for name in commands.COMMANDS:
        assert commands.cli.get_command(ctx, name).name == name
    assert commands.cli.get_command(ctx, "nosuch") is None


def test_a_search_does_not_load_numpys_masked_arrays(tmp_path: Path) -> None:
    """np.unique imports numpy.ma (20-30 ms) to check for masks: search.vector.unique."""
    lib = tmp_path / "lib"
    lib.mkdir()
    for n in range(3):
        body = f"Ferry {n}\n\nThe night ferry left at {n} past {n * 7} with {n * 31} cars.\n"
        (lib / f"a{n}.txt").write_text(body, encoding="utf-8")
    out, modules = _modules_after(
        ["--library", str(lib), "search", "ferry OR night"], tmp_path, full=True
    )
    assert "Ferry 1" in out and "numpy" in modules
    assert "numpy.ma" not in modules


def test_a_search_the_folder_snapshot_says_is_fresh_loads_no_indexer(tmp_path: Path) -> None:
    """No walk, so no refresh, parallel writer, multiprocessing; and none of the two
    imports whoosh makes for nothing (search.whoosh_light): asyncio, urllib.request."""
    lib = tmp_path / "lib"
    lib.mkdir()
    for n in range(3):
        (lib / f"a{n}.txt").write_text(f"Ferry {n}\n\nThe night ferry {n}.\n", encoding="utf-8")
    os.utime(lib, (1e9, 1e9))  # outside the racy window (search.freshness)
    args = ["--library", str(lib), "search", "ferry", "--json"]
    _modules_after(args, tmp_path, full=True)  # walks, indexes, keeps the folder snapshot
    out, modules = _modules_after(args, tmp_path, full=True)
    assert '"a1.txt"' in out
    unneeded = {
        "tuireader.search.refresh",
        "tuireader.search.whoosh_parallel",
        "multiprocessing",
        "concurrent.futures",
        "asyncio",
        "urllib.request",
        "http.client",
    }
    assert not modules & unneeded, modules & unneeded
