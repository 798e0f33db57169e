"""Open and relative dates in queries, written as the ranges Whoosh's DATETIME field reads.

`date:>2024-01` (after January 2024), `date:>=2024-01`, `date:<2023` (before 2023),
`date:<=2023-06`, and relative dates counted back from today: `date:7d`, `date:2w`, `date:3m`,
`date:1y`, `date:today`, `date:yesterday`, `date:"last week"` (the last 7 days),
`date:"last month"`, `date:"last year"`, `date:"this week"` (since Monday),
`date:"this month"`, `date:"this year"`. Each becomes `date:[start to end]` with whole days
(Whoosh takes an end day inclusively), so the vector and Whoosh paths see one query.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_PERIOD = r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?"
_COMPARE = re.compile(rf"\bdate:(>=|<=|>|<)\s*{_PERIOD}(?=[\s)]|$)", re.I)
_AGO = re.compile(r"\bdate:(\d{1,4})\s*([dwmy])(?=[\s)]|$)", re.I)
_NAMED = re.compile(
    r"""\bdate:(?:"(?P<q>[a-z ]+)"|'(?P<s>[a-z ]+)'|(?P<w>today|yesterday))(?=[\s)]|$)""",
    re.I,
)


class UnknownDate(ValueError):
    """A quoted date the reader does not know (`date:"next week"`): said, not ignored."""

    def __init__(self, written: str) -> None:
        super().__init__(written)
        self.written = written


def _first_day(year: str, month: str | None, day: str | None) -> date:
    return date(int(year), int(month or 1), int(day or 1))


def _next_period(year: str, month: str | None, day: str | None) -> date:
    """The first day after the period (a year, a month or a day) that starts it."""
    start = _first_day(year, month, day)
    if day:
        return start + timedelta(days=1)
    if month:
        return start + relativedelta(months=1)
    return start + relativedelta(years=1)


def _range(start: date | None, end: date | None) -> str:
    """`end` is inclusive (a whole day), as Whoosh reads a range's end date."""
    if start is None:
        return f"date:[to {end.isoformat()}]" if end else "date:[to]"
    return f"date:[{start.isoformat()} to {end.isoformat()}]" if end else f"date:[{start} to]"


def _compare(match: re.Match[str]) -> str:
    op, year, month, day = match.groups()
    try:
        first, after = _first_day(year, month, day), _next_period(year, month, day)
    except ValueError:
        return match.group(0)  # an impossible date: the parser explains it
    if op == ">":
        return _range(after, None)
    if op == ">=":
        return _range(first, None)
    if op == "<":
        return _range(None, first - timedelta(days=1))
    return _range(None, after - timedelta(days=1))


def _named_range(name: str, today: date) -> tuple[date, date] | None:
    name = " ".join(name.lower().split())
    spans = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "last week": (today - timedelta(days=7), today),
        "last month": (today - relativedelta(months=1), today),
        "last year": (today - relativedelta(years=1), today),
        "this week": (today - timedelta(days=today.weekday()), today),
        "this month": (today.replace(day=1), today),
        "this year": (today.replace(month=1, day=1), today),
    }
    return spans.get(name)


def rewrite_dates(text: str, today: date) -> str:
    """`text` with open and relative date terms as explicit ranges; others untouched.
    Raises UnknownDate for a quoted date phrase it cannot read."""
    text = _COMPARE.sub(_compare, text)

    def ago(match: re.Match[str]) -> str:
        count, unit = int(match.group(1)), match.group(2).lower()
        step = {
            "d": relativedelta(days=count),
            "w": relativedelta(weeks=count),
            "m": relativedelta(months=count),
            "y": relativedelta(years=count),
        }[unit]
        return _range(today - step, None)

    text = _AGO.sub(ago, text)

    def named(match: re.Match[str]) -> str:
        span = _named_range(match.group("q") or match.group("s") or match.group("w"), today)
        if span is None:
            raise UnknownDate(match.group(0)[len("date:") :])
        return _range(*span)

    return _NAMED.sub(named, text)
