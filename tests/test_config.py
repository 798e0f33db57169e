"""Settings and library resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.config import AppPaths, ConfigError, Settings, resolve_library


def test_paths_follow_xdg(isolated_xdg: Path) -> None:
    paths = AppPaths.from_environment()
    assert paths.data_dir == isolated_xdg / "xdg_data_home" / "tuireader"
    assert paths.cache_dir == isolated_xdg / "xdg_cache_home" / "tuireader"
    assert paths.config_file == isolated_xdg / "xdg_config_home" / "tuireader" / "config.toml"
    a, b = paths.library_cache(Path("/x/lib")), paths.library_cache(Path("/y/lib"))
    assert a != b and a.parent == paths.cache_dir / "libraries"


def test_resolution_order(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "d", tmp_path / "c", tmp_path / "k")
    (tmp_path / "cwd" / "library").mkdir(parents=True)
    s = Settings(library=Path("/from/config"))
    env = {"TUIREADER_LIBRARY": "/from/env"}
    assert resolve_library("/opt", s, paths, environ=env) == Path("/opt")
    assert resolve_library(None, s, paths, environ=env) == Path("/from/env")
    assert resolve_library(None, s, paths, environ={}) == Path("/from/config")
    cwd = tmp_path / "cwd"
    assert resolve_library(None, Settings(), paths, environ={}, cwd=cwd) == cwd / "library"
    assert (
        resolve_library(None, Settings(), paths, environ={}, cwd=tmp_path) == paths.default_library
    )


def test_settings_load_and_validate(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'library = "~/articles"\nreading_width = 72\ntheme = "nord"\n[keys]\nquit = "x"\n'
    )
    s = Settings.load(path)
    assert s.reading_width == 72 and s.theme == "nord" and s.keys == {"quit": "x"}
    assert s.library == Path("~/articles").expanduser()
    path.write_text("reading_width = 5\n")
    with pytest.raises(ConfigError, match="reading_width"):
        Settings.load(path)
    assert Settings.load(tmp_path / "absent.toml") == Settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", True), ("server = false\n", False), ("[server]\nenabled = false\n", False)],
)
def test_the_search_server_setting(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    assert Settings.load(path).server is expected


def test_a_search_server_setting_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('server = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="server is true or false"):
        Settings.load(path)
