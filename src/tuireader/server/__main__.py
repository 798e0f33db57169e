"""`python -m tuireader.server`: what the first forwarded command starts in the background."""

from __future__ import annotations

import sys

from tuireader.server.serve import main

sys.exit(main())
