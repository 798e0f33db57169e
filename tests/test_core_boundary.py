"""The headless core (and every CLI command but the reader) must never import Textual."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "tuireader.articles.scan",
    "tuireader.articles.registry",
    "tuireader.articles.html",
    "tuireader.articles.markdown",
    "tuireader.articles.plaintext",
    "tuireader.library",
    "tuireader.config",
    "tuireader.cli",
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
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"core imported {result.stdout.strip()}"
