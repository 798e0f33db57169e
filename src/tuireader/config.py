"""Where tuireader keeps its state, and the user's settings (config.toml).

All state lives in the XDG directories (platformdirs honours XDG_DATA_HOME, XDG_CACHE_HOME and
XDG_CONFIG_HOME), never inside the library: annotations in the data dir (the user's data),
the catalog and the index in the cache dir (rebuildable), settings in the config dir.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "tuireader"


class ConfigError(Exception):
    """The config file exists but cannot be used (the message says why)."""


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    cache_dir: Path
    config_dir: Path

    @classmethod
    def from_environment(cls) -> AppPaths:
        return cls(
            data_dir=user_data_path(APP),
            cache_dir=user_cache_path(APP),
            config_dir=user_config_path(APP),
        )

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def annotations_db(self) -> Path:
        return self.data_dir / "annotations.sqlite3"

    @property
    def layout_file(self) -> Path:
        """The reader's remembered pane sizes (written by the reader, not the user)."""
        return self.data_dir / "layout.json"

    @property
    def saved_searches_file(self) -> Path:
        """Named queries with their sort and filters, for every library."""
        return self.data_dir / "saved_searches.json"

    @property
    def export_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def default_library(self) -> Path:
        return self.data_dir / "library"

    def library_cache(self, root: Path) -> Path:
        """Catalog and index of one library: a folder named after its absolute path."""
        resolved = str(Path(root).resolve())
        digest = hashlib.sha1(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        name = "".join(ch if ch.isalnum() else "-" for ch in Path(resolved).name)[:40]
        return self.cache_dir / "libraries" / f"{name}-{digest}"

    def feeds_file(self, root: Path) -> Path:
        """One library's feed subscriptions (user data: not the cache, not the library)."""
        return self.data_dir / "feeds" / f"{self.library_cache(root).name}.json"


@dataclass(frozen=True)
class Settings:
    """Settings from config.toml; every key optional."""

    library: Path | None = None
    reading_width: int = 80
    theme: str | None = None
    export_dir: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    images: bool = True  # keep articles' images at ingest and show them (`[images] enabled`)
    server: bool = True  # a resident process answers CLI searches (tuireader.server)

    @classmethod
    def load(cls, path: Path) -> Settings:
        if not path.exists():
            return cls()
        import tomllib  # only with a settings file (12 ms of the reader's start otherwise)

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        library = data.get("library")
        width = data.get("reading_width", 80)
        keys = data.get("keys", {})
        if not isinstance(width, int) or not 20 <= width <= 400:
            raise ConfigError(f"{path}: reading_width must be a number from 20 to 400")
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise ConfigError(f'{path}: [keys] maps action names to key strings, e.g. quit = "q"')
        export_dir = data.get("export_dir")
        theme = data.get("theme")
        images = data.get("images", True)
        if isinstance(images, dict):
            images = images.get("enabled", True)
        if not isinstance(images, bool):
            raise ConfigError(f"{path}: images is true or false ([images] enabled = false)")
        server = data.get("server", True)
        if isinstance(server, dict):
            server = server.get("enabled", True)
        if not isinstance(server, bool):
            raise ConfigError(f"{path}: server is true or false ([server] enabled = false)")
        return cls(
            library=Path(library).expanduser() if isinstance(library, str) and library else None,
            reading_width=width,
            theme=theme if isinstance(theme, str) else None,
            export_dir=Path(export_dir).expanduser() if isinstance(export_dir, str) else None,
            keys={str(k): v for k, v in keys.items()},
            images=images,
            server=server,
        )


def resolve_library(
    option: str | os.PathLike[str] | None,
    settings: Settings,
    paths: AppPaths,
    *,
    environ: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Path:
    """The library folder: --library, $TUIREADER_LIBRARY, config, ./library, data dir."""
    env = os.environ if environ is None else environ
    if option:
        return Path(option).expanduser()
    if env.get("TUIREADER_LIBRARY"):
        return Path(env["TUIREADER_LIBRARY"]).expanduser()
    if settings.library is not None:
        return settings.library
    local = (cwd or Path.cwd()) / "library"
    if local.is_dir():
        return local
    return paths.default_library
