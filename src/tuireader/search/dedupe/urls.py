"""The address two copies of one article share: a feed entry and the page saved from it, an
export's copy and a saved page. Two articles with the same article address (not a site's
front page) are copies whatever their text: a feed's summary and the full page share too
few words to be near-duplicates by their text alone."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ocid", "at_medium"})


def article_key(url: str | None) -> str:
    """A normal form of an article's http(s) address ("" when it is none, or a front page):
    host without `www.` in lower case, path without a trailing slash, the query without
    tracking parameters, no scheme, port 80/443 or fragment."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    for index in ("/index.html", "/index.htm", "/index.php"):
        path = path.removesuffix(index)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower().startswith("utm_") or k.lower() in _TRACKING)
    ]
    if not path and not query:  # a site's front page: many entries link there
        return ""
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")
