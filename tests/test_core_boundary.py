"""The headless core (and every CLI command but the reader) must never import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE_MODULES = [
    "tuireader.articles.scan",
    "tuireader.articles.registry",
    "tuireader.articles.html",
    "tuireader.articles.markdown",
    "tuireader.articles.plaintext",
    "tuireader.library",
    "tuireader.config",
    "tuireader.ingest.saved_page",
    "tuireader.ingest.exports",
    "tuireader.storage.cache_fallback",
    "tuireader.text.inert",
    "tuireader.cli",
    "tuireader.cli.commands",
    "tuireader.cli.annotation_cmds",
    "tuireader.cli.feed_cmds",
    "tuireader.cli.import_cmds",
    "tuireader.cli.ingest_cmds",
    "tuireader.cli.library_cmds",
    "tuireader.cli.search_cmds",
    "tuireader.cli.server_cmds",
    "tuireader.server.client",
    "tuireader.server.serve",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "for optional in ('tuireader.search', 'tuireader.annotations'):\n"
        "    importlib.import_module(optional)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    found = imported_by(code)
    assert found == "", f"core imported {found}"


def test_the_import_contract_covers_every_core_package() -> None:
    """`lint-imports` (in the test command) checks the contracts in pyproject.toml; a new
    top-level package must be listed there too, or the core rule would not reach it."""
    import tomllib

    repo = Path(__file__).resolve().parent.parent
    config = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    core = next(c for c in contracts if "textual" in c["forbidden_modules"])
    package = repo / "src" / "tuireader"
    top_level = {
        f"tuireader.{p.stem}"
        for p in package.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    }
    # the server runs the CLI's commands: a front end like the CLI (its imports are checked
    # by test_core_does_not_import_textual and the test below)
    front_ends = {
        "tuireader.tui",
        "tuireader.cli",
        "tuireader.server",
        "tuireader.__init__",
        "tuireader.__main__",
    }
    assert top_level - front_ends == set(core["source_modules"])


def test_a_forwarded_command_imports_nothing_heavy() -> None:
    """What a CLI search costs with a server running is what its client imports: the
    server's gain would be gone if it pulled in click, Rich, numpy or Whoosh."""
    heavy = ("click", "rich", "numpy", "whoosh", "textual", "platformdirs")
    code = (
        "import sys\n"
        "from tuireader.cli import main\n"
        "from tuireader.server.client import forward\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))\n"
    )
    assert imported_by(code) == ""


def imported_by(code: str) -> str:
    """What `code`, run in a fresh interpreter, prints (the modules it found loaded)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()
