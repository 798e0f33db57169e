"""Bringing articles into the library: feeds, pages by URL, read-later exports.

Everything here writes plain article files into the library folder (never state beside
them); the scan and the index pick them up like any file the user put there.
"""

from __future__ import annotations
