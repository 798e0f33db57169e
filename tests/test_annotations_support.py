"""Helpers shared by the annotation tests (no tests here): articles, a frozen clock, ids."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tuireader.annotations import AnnotationStore
from tuireader.articles.model import Article, ParsedFields, build_article

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


class Clock:
    """A clock that moves one minute per reading, from T0."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(minutes=1)
        return current


class Ids:
    """Sequential ids (bm-00000001, hl-00000002...) so golden files are stable."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    def __call__(self, prefix: str) -> str:
        return f"{prefix}-{next(self.counter):08d}"


def make_article(path: str, body: str, title: str = "", **fields: object) -> Article:
    return build_article(path, "text", ParsedFields(title=title or path, body=body, **fields))  # type: ignore[arg-type]


def frozen_store(db: Path, root: Path) -> AnnotationStore:
    return AnnotationStore(db, root, clock=Clock(), make_id=Ids())


FERRY_BODY = (
    "The first ferry leaves at six, before the gulls are awake.\n\n"
    "Commuters stand at the rail with their coffee. The harbour smells of diesel and rain.\n\n"
    "By seven the boats run every ten minutes, and the city wakes up on the water."
)
