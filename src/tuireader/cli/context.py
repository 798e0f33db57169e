"""What every CLI command needs, built once per invocation and only when asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import click

from tuireader.cli.output import visible
from tuireader.config import AppPaths, Settings, resolve_library
from tuireader.library import Library
from tuireader.storage.cache_fallback import ensure_writable_cache


class CliError(click.ClickException):
    """A failure reported as one line on stderr, exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"tuireader: {visible(self.format_message())}", err=True)


@dataclass
class AppContext:
    library_option: str | None = None
    paths: AppPaths = field(default_factory=AppPaths.from_environment)
    echo_warnings: bool = True  # off for the reader, which shows them in the app
    cache_fallback: bool = True  # a read-only cache: use a temporary one (not for `index`)
    cache_warning: str | None = None  # the cache moved to a temporary folder

    @cached_property
    def settings(self) -> Settings:
        return Settings.load(self.paths.config_file)

    @cached_property
    def library_root(self) -> Path:
        root = resolve_library(self.library_option, self.settings, self.paths)
        if not root.is_dir():
            if root == self.paths.default_library:
                root.mkdir(parents=True, exist_ok=True)
            else:
                raise CliError(f"library folder not found: {root}")
        if self.cache_fallback:
            self.paths, self.cache_warning = ensure_writable_cache(self.paths, root)
        if self.cache_warning and self.echo_warnings:
            click.echo(f"warning: {visible(self.cache_warning)}", err=True)
        return root

    @cached_property
    def library(self) -> Library:
        return Library(self.library_root)


pass_app = click.make_pass_decorator(AppContext)
