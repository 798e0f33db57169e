"""Allow ``python -m tuireader`` (used to spawn the background indexer)."""

from __future__ import annotations

from tuireader.cli import main

if __name__ == "__main__":
    main()
