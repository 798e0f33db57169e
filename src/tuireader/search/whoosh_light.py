"""Whoosh without two imports it makes for nothing the search uses (a CLI search's start).

`whoosh.compat` imports `urllib.request` (http.client, email, ssl) for `urlretrieve`, which
nothing in Whoosh calls, and `whoosh.reading` imports the `cached_property` package, which
imports asyncio (and concurrent.futures), for one property of a segment reader. Together
about a third of Whoosh's import time. While those two Whoosh modules load, and only then,
stand-ins sit in sys.modules: a `urlretrieve` that imports the real one when called, and
`functools.cached_property` (the same cache in the instance's __dict__). They are taken out
again as soon as the module has loaded, so every other import gets the real modules.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec, PathFinder
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _urllib_request() -> types.ModuleType:
    module = types.ModuleType("urllib.request")
    module.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    return module


def _cached_property() -> types.ModuleType:
    module = types.ModuleType("cached_property")
    module.cached_property = functools.cached_property  # type: ignore[attr-defined]
    return module


STAND_INS: dict[str, dict[str, Callable[[], types.ModuleType]]] = {
    "whoosh.compat": {"urllib.request": _urllib_request},
    "whoosh.reading": {"cached_property": _cached_property},
}


class _WithStandIns:
    """The real loader, run with the module's stand-ins in place."""

    def __init__(self, loader: Any, stand_ins: dict[str, Callable[[], types.ModuleType]]):
        self.loader = loader
        self.stand_ins = stand_ins

    def __getattr__(self, name: str) -> Any:  # get_source, is_package...: the real loader's
        return getattr(self.loader, name)

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        placed = {}
        for name, make in self.stand_ins.items():
            if name not in sys.modules:  # already loaded for real: nothing to save
                placed[name] = sys.modules[name] = make()
        try:
            self.loader.exec_module(module)
        finally:
            for name, stand_in in placed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]


class _Finder:
    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None = None, target: object = None
    ) -> ModuleSpec | None:
        stand_ins = STAND_INS.get(name)
        if stand_ins is None:
            return None
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithStandIns(spec.loader, stand_ins)  # type: ignore[assignment]
        return spec


def install() -> None:
    """Before Whoosh is first imported (tuireader.search does it); idempotent."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
