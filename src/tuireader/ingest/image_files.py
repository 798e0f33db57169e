"""Fetching an article's images for its offline copy, and checking the bytes are an image.

Image bytes come from the web, so they are fetched with the same caps as pages (`http.fetch`:
timeouts, deadline, minimum rate, size cap, here 5 MB) and decoded with Pillow before they
are kept: only PNG, JPEG, GIF and WebP, at most 40 megapixels (Pillow's decompression-bomb
warning is an error here), and the whole first frame must decode (a truncated file fails).
All the images of one article share a time budget, so a slow image host cannot hold an
import for twenty deadlines. A bad image is one note; the page is saved all the same.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

from tuireader.ingest.http import Fetched, FetchError, Limits, fetch
from tuireader.ingest.saved_page import ImageFile, SavedPage

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/octet-stream")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_IMAGES = 20
BUDGET = 60.0  # seconds for all the images of one article
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}

Fetch = Callable[..., Fetched]


class ImageRejected(Exception):
    """Bytes that are not an image this keeps; `str()` is one line."""


@dataclass(frozen=True)
class ImageOutcome:
    page: SavedPage  # with the images that passed in `images`
    notes: list[tuple[str, str]]  # (image address, why it was not kept)


def verify_image(data: bytes) -> str:
    """The file extension for `data` (png, jpg, gif, webp); ImageRejected otherwise."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own check, at open and at load
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageRejected(f"too large ({width}×{height} pixels)")
                kind = image.format or ""
                image.load()  # the whole first frame: a truncated file fails here
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("too large (over 40 megapixels)") from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected("not an image (PNG, JPEG, GIF or WebP)") from exc
    except Exception as exc:  # Pillow's decoders raise OSError, SyntaxError, ValueError...
        raise ImageRejected(f"damaged image ({type(exc).__name__})") from exc
    if kind not in FORMATS:
        raise ImageRejected("not an image (PNG, JPEG, GIF or WebP)")
    return FORMATS[kind]


def image_sources(page: SavedPage) -> list[str]:
    """The web addresses of the article's <img>s, each once, in order."""
    from lxml import html as lxml_html

    if "<img" not in page.body_html.lower():
        return []
    try:
        tree = lxml_html.fragment_fromstring(page.body_html, create_parent="div")
    except Exception:  # lxml's parser errors are not one class
        return []
    found = (img.get("src") or "" for img in tree.iter("img"))
    wanted = (s for s in found if s.lower().startswith(("http://", "https://")))
    return list(dict.fromkeys(wanted))


def fetch_images(
    page: SavedPage,
    *,
    fetcher: Fetch = fetch,
    budget: float = BUDGET,
    limit: int = MAX_IMAGES,
) -> ImageOutcome:
    """`page` with its images fetched and checked (at most `limit`); the others keep their
    web address in the saved copy, and each says why in `notes`."""
    sources = image_sources(page)
    notes: list[tuple[str, str]] = [
        (url, f"not kept (over {limit} images)") for url in sources[limit:]
    ]
    files: list[ImageFile] = []
    ends = time.monotonic() + budget
    for url in sources[:limit]:
        left = ends - time.monotonic()
        if left <= 1:
            notes.append((url, f"not fetched (the article's {budget:g} s for images ran out)"))
            continue
        try:
            fetched = fetcher(
                url,
                accept=IMAGE_TYPES,
                max_bytes=MAX_IMAGE_BYTES,
                limits=Limits(deadline=min(left, Limits().deadline)),
            )
            ext = verify_image(fetched.content)
        except (FetchError, ImageRejected) as exc:
            notes.append((url, f"image not kept: {exc}"))
            continue
        files.append(ImageFile(url, fetched.content, ext))
    return ImageOutcome(replace(page, images=tuple(files)), notes)
