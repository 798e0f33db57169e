"""Read-later exports: each kind knows how to recognise its file and import it.

A kind is registered in `KINDS` (order matters: the first whose `detect` says yes wins), so
`tuireader import-articles FILE` needs no `--kind` for a file it recognises.
"""

from __future__ import annotations

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


def detect_kind(path: Path) -> ExportKind | None:
    """The first registered kind that recognises the file, or None."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return next((kind for kind in KINDS if kind.detect(path, head)), None)
