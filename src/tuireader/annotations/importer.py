"""Restore annotations from a JSON export.

The whole file is validated before anything is written, then applied in one transaction:
a malformed or foreign file changes nothing. Rows are matched by id, so importing the same
file twice changes nothing; when both sides have a row, the one updated last wins.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tuireader.annotations.export_json import FORMAT, VERSION
from tuireader.annotations.models import COLORS, BadImport, ImportReport

if TYPE_CHECKING:
    from tuireader.annotations.store import AnnotationStore

_BOOKMARK_COLS = (
    "offset",
    "quote",
    "prefix",
    "suffix",
    "note",
    "tags",
    "created",
    "updated",
    "orphaned",
)
_HIGHLIGHT_COLS = ("start", "end", "quote", "prefix", "suffix", "color", "note", "tags", "created", "updated", "orphaned")  # fmt: skip
_STATE_COLS = ("position", "percent", "read", "last_opened", "updated")


def import_json(store: AnnotationStore, text: str) -> ImportReport:
    """Apply a JSON export to `store`; BadImport (one line) if the file is not usable."""
    articles = validate(text)
    report = ImportReport(articles=len(articles))
    try:
        with store.transaction() as conn:
            for article in articles:
                pk = _article_pk(conn, store.library, article)
                for item in article["bookmarks"]:
                    _merge(conn, "bookmarks", _BOOKMARK_COLS, pk, item, report)
                for item in article["highlights"]:
                    _merge(conn, "highlights", _HIGHLIGHT_COLS, pk, item, report)
                if article["reading_state"] is not None:
                    _merge_state(conn, pk, article["reading_state"], report)
    except sqlite3.IntegrityError as exc:
        raise BadImport(f"the file conflicts with the store ({exc}); nothing was imported") from exc
    return report


def validate(text: str) -> list[dict[str, Any]]:
    """The file's articles, checked field by field (BadImport names the first problem)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadImport(f"not JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadImport("not a tuireader annotations export (no 'format': 'tuireader-annotations')")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise BadImport(
            f"unsupported export version {version!r} (this tuireader reads 1-{VERSION})"
        )
    articles = document.get("articles")
    if not isinstance(articles, list):
        raise BadImport("'articles' must be a list")
    seen: set[str] = set()
    for i, article in enumerate(articles):
        where = f"articles[{i}]"
        _fields(article, where, {"id": str, "path": str, "title": str, "length": int})
        _fields(
            article,
            where,
            {"author": str, "date": str, "url": str, "fingerprint": str},
            optional=True,
        )
        _fields(
            article, where, {"tags": list, "bookmarks": list, "highlights": list, "missing": bool}
        )
        _str_list(article["tags"], f"{where}.tags")
        for j, bm in enumerate(article["bookmarks"]):
            _item(bm, f"{where}.bookmarks[{j}]", seen)
            _fields(bm, f"{where}.bookmarks[{j}]", {"offset": int, "quote": str}, optional=True)
        for j, hl in enumerate(article["highlights"]):
            at = f"{where}.highlights[{j}]"
            _item(hl, at, seen)
            _fields(hl, at, {"start": int, "end": int, "quote": str, "color": str})
            if not 0 <= hl["start"] <= hl["end"]:
                raise BadImport(f"{at}: start/end out of order")
            if hl["color"] not in COLORS:
                raise BadImport(f"{at}: unknown colour {hl['color']!r}")
        state = article.get("reading_state")
        if state is not None:
            at = f"{where}.reading_state"
            _fields(
                state, at, {"position": int, "percent": (int, float), "read": bool, "updated": str}
            )
            _fields(state, at, {"last_opened": str}, optional=True)
            _times(state, at, ("updated", "last_opened"))
    return articles


def _item(item: Any, where: str, seen: set[str]) -> None:
    _fields(item, where, {"id": str, "prefix": str, "suffix": str, "tags": list})
    _fields(item, where, {"created": str, "updated": str, "orphaned": bool})
    _fields(item, where, {"note": str}, optional=True)
    _str_list(item["tags"], f"{where}.tags")
    _times(item, where, ("created", "updated"))
    ident = item["id"]
    if not ident or len(ident) > 64 or not ident.isprintable():
        raise BadImport(f"{where}: bad id")
    if ident in seen:
        raise BadImport(f"{where}: duplicate id {ident!r}")
    seen.add(ident)


def _fields(obj: Any, where: str, spec: dict[str, Any], *, optional: bool = False) -> None:
    if not isinstance(obj, dict):
        raise BadImport(f"{where}: expected an object")
    for name, kind in spec.items():
        value = obj.get(name)
        if value is None and optional:
            continue
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok or (kind is int and isinstance(value, int) and value < 0):
            raise BadImport(f"{where}.{name}: missing or of the wrong type")


def _str_list(value: list[Any], where: str) -> None:
    if not all(isinstance(v, str) for v in value):
        raise BadImport(f"{where}: tags must be strings")


def _times(obj: dict[str, Any], where: str, names: tuple[str, ...]) -> None:
    for name in names:
        if obj.get(name) is None:
            continue
        try:
            datetime.fromisoformat(obj[name])
        except ValueError as exc:
            raise BadImport(f"{where}.{name}: not an ISO 8601 time") from exc


def _article_pk(conn: sqlite3.Connection, library: str, a: dict[str, Any]) -> int:
    """The article's snapshot row; an existing one (kept fresh by reconcile) is left alone."""
    conn.execute(
        "INSERT INTO articles (library, article_id, path, title, author, date, url, tags, "
        "fingerprint, length, missing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (library, article_id) DO NOTHING",
        (
            library, a["id"], a["path"], a["title"], a.get("author"), a.get("date"), a.get("url"),
            json.dumps(a["tags"], ensure_ascii=False), a.get("fingerprint"), a["length"],
            int(a["missing"]),
        ),
    )  # fmt: skip
    row = conn.execute(
        "SELECT pk FROM articles WHERE library = ? AND article_id = ?", (library, a["id"])
    ).fetchone()
    return int(row[0])


def _values(cols: tuple[str, ...], item: dict[str, Any]) -> list[Any]:
    out = []
    for col in cols:
        value = item.get(col)
        if col == "tags":
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            value = int(value)
        out.append(value)
    return out


def _merge(
    conn: sqlite3.Connection,
    table: str,
    cols: tuple[str, ...],
    pk: int,
    item: dict[str, Any],
    report: ImportReport,
) -> None:
    quoted = [f'"{c}"' for c in cols]
    values = _values(cols, item)
    row = conn.execute(
        f"SELECT article, {', '.join(quoted)} FROM {table} WHERE id = ?", (item["id"],)
    ).fetchone()
    if row is None:
        conn.execute(
            f"INSERT INTO {table} (id, article, {', '.join(quoted)}) "
            f"VALUES (?, ?, {', '.join('?' * len(cols))})",
            (item["id"], pk, *values),
        )
        report.added += 1
        return
    owner = conn.execute("SELECT article_id FROM articles WHERE pk = ?", (row[0],)).fetchone()
    if row[0] != pk and owner is not None:
        raise BadImport(
            f"{item['id']} belongs to another article or library in the store; nothing was imported"
        )
    if list(row[1:]) == values:
        report.unchanged += 1
        return
    mine = datetime.fromisoformat(row[1 + cols.index("updated")])
    if datetime.fromisoformat(item["updated"]) > mine:
        sets = ", ".join(f"{q} = ?" for q in quoted)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values, item["id"]))
        report.updated += 1
    else:
        report.unchanged += 1


def _merge_state(
    conn: sqlite3.Connection, pk: int, state: dict[str, Any], report: ImportReport
) -> None:
    values = _values(_STATE_COLS, state)
    row = conn.execute(
        f"SELECT {', '.join(_STATE_COLS)} FROM reading_state WHERE article = ?", (pk,)
    ).fetchone()
    if row is not None and (list(row) == values or row[-1] >= state["updated"]):
        report.unchanged += 1
        return
    conn.execute(
        f"INSERT OR REPLACE INTO reading_state (article, {', '.join(_STATE_COLS)}) "
        f"VALUES (?, {', '.join('?' * len(_STATE_COLS))})",
        (pk, *values),
    )
    report.added += row is None
    report.updated += row is not None
