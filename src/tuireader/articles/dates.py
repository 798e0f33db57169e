"""Dates written by people ("Sun, 03/19/2023 – 13:00", "19 Mar 2023", RFC 2822, ISO 8601).

python-dateutil does the parsing; this module only decides what counts as a date line and
makes every result timezone-aware (UTC when the text names no zone).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

_YEARISH = re.compile(r"\b(1[6-9]\d\d|2\d\d\d)\b|\b\d{1,2}/\d{1,2}/\d{2}\b")
# RFC 822/2822 dates may have a two-digit year ("Mon, 05 Apr 93 18:01:16 GMT": old mail and
# Usenet); email.utils reads them (93 -> 1993, 05 -> 2005).
_RFC822_SHORT_YEAR = re.compile(
    r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s|$)"
)
_DASHES = re.compile(r"\s*[–—]\s*")
_MAX_LEN = 80
_PATH_DATE = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime for a written date, or None when it is not one."""
    if isinstance(value, datetime):
        return _aware(value)
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        try:
            day = datetime(value.year, value.month, value.day, tzinfo=UTC)
        except (TypeError, ValueError):
            return None
        return _aware(day)  # a TOML/YAML date of year 9999 is as implausible as a written one
    if not isinstance(value, str):
        return None
    text = _DASHES.sub(" ", value.strip())
    if not text or len(text) > _MAX_LEN:
        return None
    if not _YEARISH.search(text):
        if not _RFC822_SHORT_YEAR.match(text):
            return None
        try:
            return _aware(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return _aware(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    try:
        parsed = dateutil_parser.parse(text, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    return _aware(parsed)


def _aware(value: datetime) -> datetime | None:
    if not 1600 <= value.year <= 2999:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def date_from_filename(name: str) -> datetime | None:
    """Dates from a `YYYY-MM-DD-` file-name prefix (Jekyll/Hugo style)."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})[-_ ]", name)
    if not match:
        return None
    try:
        year, month, day = (int(part) for part in match.groups())
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def date_from_path(url: str | None) -> datetime | None:
    """A `/2014/12/12/` date in a URL or file path (blogs and news sites put one there)."""
    match = _PATH_DATE.search(url or "")
    if not match:
        return None
    try:
        year, month, day = (int(part) for part in match.groups())
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
