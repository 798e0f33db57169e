"""The house rules that CI enforces: one test command (README = .ci/run) that lints, type
checks and checks the import contracts, and contracts that cover the whole core."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    tests = [b.strip() for b in blocks if "pytest" in b]
    assert len(tests) == 1, "the README has exactly one test command"
    return tests[0]


def test_readme_test_command_is_the_ci_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert _readme_command() == ci


def test_the_test_command_lints_type_checks_and_checks_imports_before_the_tests() -> None:
    steps = [s.strip() for s in _readme_command().split("&&")]
    tools = [s.split()[0].rsplit("/", 1)[-1] for s in steps if s.startswith(".venv/bin/")]
    for tool in ("ruff", "mypy", "lint-imports"):
        assert tool in tools
        assert tools.index(tool) < len(tools) - 1, f"{tool} runs before pytest"
    assert steps[-1].startswith(".venv/bin/python -m pytest")


def test_the_test_extra_installs_the_checkers() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = " ".join(project["project"]["optional-dependencies"]["test"])
    for package in ("ruff", "mypy", "import-linter"):
        assert package in extra
