"""How well does the HTML parser find title, byline and date? (run by hand, prints a table)

Corpus: Mozilla Readability's test pages (`<corpus>/<case>/source.html` with the values
Readability.js found in `expected-metadata.json` and its extracted article in `expected.html`).

    /work/venv/bin/python bench/html_metadata.py [CORPUS_DIR] [--show-misses FIELD]

Comparison (the same for every extractor):
- Text fields are normalised first: NFKC, case-folded, whitespace collapsed, a leading "by "
  dropped (bylines), surrounding punctuation/space trimmed.
- "exact": equal after normalisation. "contains": one contains the other (either way), so a
  title with or without a " | Site" suffix still counts.
- A null/empty expected value is matched only when the extractor returns nothing, so
  inventing a byline is a miss. Rates are also split into "has" (expected non-null: did we find
  it?) and "null" (expected null: did we stay quiet?). Readability.js misses some real dates and
  bylines, so a "null" miss is not always wrong: use --show-misses to look.
- Dates compare at day precision, in the value's own zone or in UTC (either matches).
- Body quality: bag-of-words precision/recall/F1 of the extracted text against the text of
  `expected.html` (Readability.js's article), averaged over pages.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html
import trafilatura
from readability import Document

from tuireader.articles.dates import parse_date
from tuireader.articles.html import parse_html

DEFAULT_CORPUS = Path("/work/shared/corpora/html-readability")
FIELDS = ("title", "byline", "date")
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


@dataclass
class Result:
    title: str | None
    byline: str | None
    date: tuple[date, ...] | None  # the day in the value's own zone and in UTC
    body: str


@dataclass
class Case:
    name: str
    source: str
    expected: dict[str, object]
    expected_tokens: Counter[str] | None


@dataclass
class Score:
    exact: int = 0
    contains: int = 0
    has_total: int = 0
    has_hit: int = 0
    null_total: int = 0
    null_hit: int = 0
    misses: list[str] = field(default_factory=list)


def norm(value: object, *, byline: bool = False) -> str:
    if not value:
        return ""
    text = _WS.sub(" ", unicodedata.normalize("NFKC", str(value))).strip().casefold()
    if byline:
        text = re.sub(r"^by\s+", "", text)
    return text.strip(" .,;:|-–—")


def days(value: datetime | None) -> tuple[date, ...] | None:
    if value is None:
        return None
    return (value.date(), value.astimezone(UTC).date())


# --- extractors ---------------------------------------------------------------------------


def run_trafilatura(html: str) -> Result:
    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return Result(None, None, None, "")
    return Result(doc.title, doc.author, days(parse_date(doc.date)), doc.text or "")


def run_readability(html: str) -> Result:
    doc = Document(html)
    body = lxml.html.fromstring(doc.summary()).text_content() if html.strip() else ""
    return Result(doc.title(), None, None, body)


def run_readability_short(html: str) -> Result:
    doc = Document(html)
    return Result(doc.short_title(), None, None, "")


def run_parse_html(html: str) -> Result:
    fields = parse_html(html, fallback_title="")
    return Result(fields.title, fields.author, days(fields.date), fields.body)


EXTRACTORS: dict[str, tuple[Callable[[str], Result], tuple[str, ...]]] = {
    "trafilatura": (run_trafilatura, FIELDS),
    "readability": (run_readability, ("title",)),
    "readability.short_title": (run_readability_short, ("title",)),
    "parse_html (combined)": (run_parse_html, FIELDS),
}


# --- scoring ------------------------------------------------------------------------------


def load_cases(corpus: Path) -> list[Case]:
    cases = []
    for folder in sorted(p for p in corpus.iterdir() if (p / "source.html").is_file()):
        expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        tokens = None
        if (folder / "expected.html").is_file():
            text = lxml.html.fromstring(
                (folder / "expected.html").read_text(encoding="utf-8") or "<p></p>"
            ).text_content()
            tokens = Counter(t.casefold() for t in _TOKEN.findall(text))
        source = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        cases.append(Case(folder.name, source, expected, tokens))
    return cases


def expected_days(value: object) -> tuple[date, ...] | None:
    return days(parse_date(str(value))) if value else None


def compare(name: str, case: Case, got: Result, score: Score) -> None:
    if name == "date":
        want = expected_days(case.expected.get("publishedTime"))
        have = got.date
        exact = (want is None and not have) or (
            want is not None and isinstance(have, tuple) and bool(set(want) & set(have))
        )
        contains = exact
        shown = (case.expected.get("publishedTime"), have[0] if isinstance(have, tuple) else None)
    else:
        key = "title" if name == "title" else "byline"
        want_s = norm(case.expected.get(key), byline=name == "byline")
        have_s = norm(getattr(got, name), byline=name == "byline")
        exact = want_s == have_s
        contains = exact or bool(want_s and have_s and (want_s in have_s or have_s in want_s))
        want = want_s or None
        shown = (want_s, have_s)
    score.exact += exact
    score.contains += contains
    if want is None:
        score.null_total += 1
        score.null_hit += exact
    else:
        score.has_total += 1
        score.has_hit += contains
    if not contains:
        score.misses.append(f"{case.name}: expected {shown[0]!r} got {shown[1]!r}")


def body_prf(expected: Counter[str] | None, body: str) -> tuple[float, float, float] | None:
    if expected is None or not expected:
        return None
    got = Counter(t.casefold() for t in _TOKEN.findall(body))
    common = sum((expected & got).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(expected.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def pct(hit: int, total: int) -> str:
    return f"{100 * hit / total:5.1f}% ({hit}/{total})" if total else "    -"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--show-misses", choices=FIELDS, help="list the combined parser's misses")
    ap.add_argument("--only", help="run only extractors whose name contains this")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    cases = load_cases(args.corpus)
    for run, _ in EXTRACTORS.values():
        run(cases[0].source)  # warm-up: imports and lazy initialisation are not per-page cost
    print(f"{len(cases)} pages from {args.corpus}\n")
    rows = []
    for label, (run, fields) in EXTRACTORS.items():
        if args.only and args.only not in label:
            continue
        scores = {f: Score() for f in fields}
        times: list[float] = []
        prfs: list[tuple[float, float, float]] = []
        failures = 0
        for case in cases:
            start = time.perf_counter()
            try:
                got = run(case.source)
            except Exception as exc:
                failures += 1
                print(f"  {label} failed on {case.name}: {type(exc).__name__}: {exc}"[:200])
                got = Result(None, None, None, "")
            times.append(time.perf_counter() - start)
            for f in fields:
                compare(f, case, got, scores[f])
            prf = body_prf(case.expected_tokens, got.body)
            if prf is not None and label != "readability.short_title":
                prfs.append(prf)
        rows.append((label, scores, times, prfs, failures))
        if args.show_misses and label.startswith("parse_html") and args.show_misses in scores:
            print(f"misses of {label} on {args.show_misses}:")
            for line in scores[args.show_misses].misses:
                print("  " + line)
            print()
    n = len(cases)
    print(f"{'extractor':26} {'field':6} {'exact':>16} {'contains':>16} {'has':>16} {'null':>16}")
    for label, scores, _, _, _ in rows:
        for f, s in scores.items():
            print(
                f"{label:26} {f:6} {pct(s.exact, n):>16} {pct(s.contains, n):>16}"
                f" {pct(s.has_hit, s.has_total):>16} {pct(s.null_hit, s.null_total):>16}"
            )
    print(
        f"\n{'extractor':26} {'mean ms':>8} {'p95 ms':>8} {'max ms':>8} {'body P':>7} {'R':>6} {'F1':>6}"
    )
    for label, _, times, prfs, failures in rows:
        ms = sorted(t * 1000 for t in times)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        body = (
            "  ".join(f"{statistics.mean(x[i] for x in prfs):5.3f}" for i in range(3))
            if prfs
            else ""
        )
        extra = f"  ({failures} failures)" if failures else ""
        print(f"{label:26} {statistics.mean(ms):8.1f} {p95:8.1f} {ms[-1]:8.1f}  {body}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
