"""Read-later exports: each kind knows how to recognise its file and import it.

A kind is registered in `KINDS` (order matters: the first whose `detect` says yes wins), so
`tuireader import-articles FILE` needs no `--kind` for a file it recognises.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tuireader.annotations import AnnotationStore
    from tuireader.ingest.report import ImportReport, Progress

HEAD_BYTES = 64 * 1024  # what `detect` sees of a file (a ZIP's names are read separately)


@dataclass(frozen=True)
class ImportTarget:
    """Where an import writes: article files under `root`, highlights into `store`."""

    root: Path  # the library folder
    state_dir: Path  # this library's private state (resumable imports keep their place here)
    store: AnnotationStore | None = None  # None: highlights are not imported


class ExportKind(Protocol):
    name: str  # short and stable, for --kind: "omnivore", "wallabag", "pocket", ...
    label: str  # for people: "Omnivore export (ZIP)"

    def detect(self, path: Path, head: bytes) -> bool:
        """Whether this file is of this kind (cheap: names and the first bytes only)."""
        ...

    def run(self, path: Path, target: ImportTarget, progress: Progress | None) -> ImportReport:
        """Import every item; a bad item is one line in the report, never an exception."""
        ...


KINDS: list[ExportKind] = []  # filled by the kinds' modules (see `load_kinds`)
# The modules of this package that define a `KIND`, in detection order: a new kind is one
# more name here (the ZIP and JSON kinds first: their signatures are the most specific).
KIND_MODULES: tuple[str, ...] = (
    "omnivore",
    "wallabag",
    "epub",
    "instapaper",
    "pocket",
    "obsidian",
)


def load_kinds() -> list[ExportKind]:
    """Register every kind of `KIND_MODULES` once (idempotent); the registered kinds."""
    for name in KIND_MODULES:
        kind = importlib.import_module(f"{__name__}.{name}").KIND
        if all(k.name != kind.name for k in KINDS):
            KINDS.append(kind)
    return KINDS


def kind_named(name: str) -> ExportKind | None:
    return next((kind for kind in load_kinds() if kind.name == name), None)


def detect_kind(path: Path) -> ExportKind | None:
    """The first registered kind that recognises the file (or folder), or None."""
    head = b""
    if not path.is_dir():
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    return next((kind for kind in load_kinds() if kind.detect(path, head)), None)
