"""Images drawn in the reading pane as half-cell blocks: each cell is `▀`, its top pixel
the foreground and its bottom pixel the background, so it works on any colour terminal
and fits the view's line-by-line rendering (Rich downsamples the colours itself).

Files in the library are untrusted too: only a path below the article's folder that stays
in the library (symlinks resolved), at most `MAX_FILE` bytes and `MAX_PIXELS` pixels,
decoded by Pillow; anything else (or any decoder error) is no picture, and the placeholder
line above it still says what the image was.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

MAX_FILE = 5 * 1024 * 1024
MAX_PIXELS = 12_000_000
MAX_CELLS = 60  # columns of a picture at most (narrower reading columns crop it)
MAX_ROWS = 15  # lines of a picture at most
BUDGET = 0.3  # seconds of decoding per article opened: the rest stay placeholder lines
_FORMATS = ["PNG", "JPEG", "GIF", "WEBP"]
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Picture:
    """A thumbnail: `pixels[y][x]`, `2 * rows` pixel rows (the last may be padding)."""

    width: int
    rows: int
    pixels: tuple[tuple[RGB, ...], ...]


def load_pictures(
    root: Path, article_path: str, sources: Sequence[str | None], *, budget: float = BUDGET
) -> tuple[Picture | None, ...]:
    """A picture (or None) for each image source, decoded until `budget` is spent (a big
    PNG takes a tenth of a second: twenty of them must not hold the article back)."""
    ends = time.monotonic() + budget
    found: list[Picture | None] = []
    for src in sources:
        path = library_file(root, article_path, src) if src else None
        found.append(load_picture(path) if path and time.monotonic() < ends else None)
    return tuple(found)


def library_file(root: Path, article_path: str, src: str) -> Path | None:
    """The image file of a relative `src` (from `ImageMark`), or None when it would leave
    the library or is not a file."""
    try:
        base = root.resolve()
        path = (base / article_path).parent.joinpath(src).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def load_picture(path: Path) -> Picture | None:
    """The file's first frame as a thumbnail, or None (too large, not an image, damaged)."""
    from PIL import Image

    try:
        if path.stat().st_size > MAX_FILE:
            return None
        data = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS or not width or not height:
                    return None
                image.draft("RGB", (MAX_CELLS * 2, MAX_ROWS * 4))  # JPEG: decode smaller
                rgb = image.convert("RGB")
    except Exception:  # Pillow's decoders raise many kinds; a picture is never worth a crash
        return None
    rgb.thumbnail((MAX_CELLS, MAX_ROWS * 2))
    w, h = rgb.size
    raw = rgb.tobytes()  # RGB, row by row (getdata is going away in Pillow 14)
    flat = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, 3 * w * h, 3)]
    rows = [tuple(flat[y * w : (y + 1) * w]) for y in range(h)]
    if h % 2:
        rows.append(rows[-1])
    return Picture(w, len(rows) // 2, tuple(rows))


def picture_segments(picture: Picture, row: int, width: int, base: Style) -> list[Segment]:
    """Pixel rows 2*row and 2*row + 1 as `▀` cells, at most `width` of them."""
    if not 0 <= row < picture.rows:
        return []
    top, bottom = picture.pixels[2 * row], picture.pixels[2 * row + 1]
    segments: list[Segment] = []
    for x in range(min(width, picture.width)):
        style = Style(color=Color.from_rgb(*top[x]), bgcolor=Color.from_rgb(*bottom[x]))
        segments.append(Segment("▀", base + style))
    return list(Segment.simplify(segments))
