"""JSON from outside, parsed with a nesting limit.

Python's parser recurses once per level, so a file of 100,000 `[` raises RecursionError
(an exception no importer expects, which aborted whole imports). The depth is measured
first, on the bytes with escapes and strings taken out (a few C-speed passes, about half
the parse time), and a file nested deeper than any real export is refused with one line.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64  # feeds and read-later exports nest 4-6 levels
_ESCAPE = re.compile(rb"\\.", re.S)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKET_OR_QUOTE = bytes(b for b in range(256) if b not in b'[]{}"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class JsonError(ValueError):
    """Not JSON, or nested too deeply; `str()` is one line."""


def nesting(data: bytes) -> int:
    """How deeply the arrays and objects of `data` nest (brackets inside strings ignored)."""
    reduced = _ESCAPE.sub(b"", data).translate(None, _NOT_BRACKET_OR_QUOTE)
    brackets = _STRING.sub(b"", reduced).translate(None, _NOT_BRACKET)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value; JsonError (one line) for bad JSON or nesting over `max_depth`."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    depth = nesting(raw)
    if depth > max_depth:
        raise JsonError(f"nested too deeply ({depth} levels, at most {max_depth} are read)")
    try:
        return json.loads(raw)
    except RecursionError as exc:  # not reachable under MAX_DEPTH; kept as a guard
        raise JsonError("nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonError(_one_line(exc)) from exc


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
