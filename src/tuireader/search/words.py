"""What a word is and how it is folded: the tokeniser's pattern and `fold_word`, without
Whoosh (the catalog's spelling vocabulary uses them, and the reader opens the catalog
before its first rows; Whoosh costs 40-70 ms to import). `whoosh_schema` builds the
analysers from these; changing either changes the terms in the index (see its docstring).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Every combining mark (categories Mn, Mc, Me) of Unicode 14, as hex code point spans; the
# spans also cover letters and unassigned code points between marks (harmless next to \w).
# tests/test_search_unicode.py checks them against the running Python's unicodedata.
_MARK_SPANS = (
    "300-36F 483-489 591-5BD 5BF 5C1-5C2 5C4-5C5 5C7 610-61A 64B-65F 670 6D6-6DC 6DF-6E8 "
    "6EA-6ED 711-7F3 7FD 816-82D 859-85B 898-8E1 8E3-963 981-9E3 9FE-A75 A81-AE3 AFA-B63 "
    "B82-BD7 C00-C63 C81-C83 CBC-D4D D57-D63 D81-DF3 E31-E3A E47-E4E EB1-ECD F18-F19 F35 F37 "
    "F39 F3E-F84 F86-FBC FC6 102B-103E 1056-109D 135D-135F 1712-1734 1752-17D3 17DD 180B-180D "
    "180F-193B 1A17-1A1B 1A55-1A7F 1AB0-1B44 1B6B-1B73 1B80-1BF3 1C24-1C37 1CD0-1CD2 1CD4-1DFF "
    "20D0-20F0 2CEF-2CF1 2D7F-2DFF 302A-302F 3099-309A A66F-A672 A674-A67D A69E-A6F1 A802-A827 "
    "A82C A880-A8C5 A8E0-A8F1 A8FF-A92D A947-A953 A980-A9C0 A9E5-AA4D AA7B-AAC1 AAEB-AAEF "
    "AAF5-AAF6 ABE3-ABEA ABEC-ABED FB1E FE00-FE0F FE20-FE2F 101FD-1037A 10A01-10A3F 10AE5-10AE6 "
    "10D24-10EAC 10F46-10F50 10F82-10F85 11000-11046 11070-110BA 110C2 11100-11134 11145-11173 "
    "11180-111C0 111C9-111CC 111CE-111CF 1122C-11237 1123E 112DF-11446 1145E-114C3 115AF-115C0 "
    "115DC-11640 116AB-116B7 1171D-1172B 1182C-1183A 11930-11943 119D1-119E0 119E4-11A3E "
    "11A47-11A99 11C2F-11C3F 11C92-11EF6 16AF0-16AF4 16B30-16B36 16F4F-16F92 16FE4-16FF1 "
    "1BC9D-1BC9E 1CF00-1CF46 1D165-1D169 1D16D-1D172 1D17B-1D182 1D185-1D18B 1D1AA-1D1AD "
    "1D242-1D244 1DA00-1DA36 1DA3B-1DA6C 1DA75 1DA84 1DA9B-1E136 1E2AE-1E2EF 1E8D0-1E94A "
    "E0100-E01EF"
)


def _char_class(spans: str) -> str:
    """Hex spans ("300-36F 483") as the body of a regex character class."""
    out = []
    for span in spans.split():
        first, _, last = span.partition("-")
        out.append(f"\\U{int(first, 16):08x}")
        if last:
            out.append(f"-\\U{int(last, 16):08x}")
    return "".join(out)


MARKS = _char_class(_MARK_SPANS)  # inside [...]: a combining mark
WORD_TAIL = rf"[\w{MARKS}]"  # what may follow the first letter of a word
TOKEN_PATTERN = rf"\w{WORD_TAIL}*(?:\.\w{WORD_TAIL}*)*"
# The accents folded away: the generic combining diacritics used on Latin, Greek and Cyrillic
# letters. Script-specific marks (Devanagari vowel signs, Hebrew points, kana voicing marks)
# change the letter or word, so they stay part of it.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

TOKEN_RE = re.compile(TOKEN_PATTERN, re.UNICODE)  # what whoosh's RegexTokenizer compiles
_accent_map: dict[Any, Any] | None = None


def fold_word(token: str) -> str:
    """One token as the plain analyser leaves it: lower case, accents removed (precomposed
    or combining, so NFC and NFD spellings agree), then Whoosh's `accent_map` for letters
    that do not decompose (ø, ß, æ, ł...). ASCII tokens take the C-speed `lower` only."""
    token = token.lower()
    if token.isascii():
        return token  # accent_map leaves lower-case ASCII as it is
    bare = _ACCENTS.sub("", unicodedata.normalize("NFD", token))
    # before accent_map, whose entries for some combining marks are letters (U+0303 -> "p")
    return unicodedata.normalize("NFC", bare).translate(_accents())


def _accents() -> dict[Any, Any]:
    """Whoosh's table, loaded with the first word that is not ASCII."""
    global _accent_map
    if _accent_map is None:
        from whoosh.support.charset import accent_map

        _accent_map = accent_map
    return _accent_map
