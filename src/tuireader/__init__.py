"""tuireader: a terminal reader for article collections."""

from __future__ import annotations

__version__ = "0.1.0"
