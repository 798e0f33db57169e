"""A library of hostile files: is every one parsed or skipped with a reason, in bounded time?

    /work/venv/bin/python bench/nasty_corpus.py [--tiny 100000] [--keep DIR]

Writes the nasty files (random bytes, truncated UTF-8/UTF-16, NULs, a 50 MB and a 15 MB
single line, 100,000 nested <div>s, entity bombs, external entities, bad front matter, a
YAML `!!python/object` tag, impossible dates, awkward file names) plus `--tiny` tiny files
into a temporary folder, then prints per-file parse times (worst first) with peak memory,
and runs `tuireader list --json` and `tuireader index` on the folder.

`tests/test_hardening_corpus.py` imports `write_nasty_files` and `write_tiny_files` from
here, so the test and the benchmark use the same corpus.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PWNED = "PWNED-by-yaml"  # a file the YAML payload would create if it ever ran
SECRET = "root:x:0:0"  # what /etc/passwd starts with

_WORDS = [
    "harbour",
    "ferry",
    "tram",
    "night",
    "market",
    "bread",
    "sediment",
    "lake",
    "tool",
    "library",
    "cooperative",
]


def _lol_entities(depth: int = 9, fan: int = 10) -> str:
    lines = [' <!ENTITY lol "lol">']
    for i in range(1, depth + 1):
        ref = "&lol" + (str(i - 1) if i > 1 else "") + ";"
        lines.append(f' <!ENTITY lol{i} "{ref * fan}">')
    return "\n".join(lines)


def _bombs() -> dict[str, str]:
    lol = _lol_entities()
    xxe = ' <!ENTITY xxe SYSTEM "file:///etc/passwd">'
    pxxe = ' <!ENTITY % p SYSTEM "file:///etc/passwd"> %p;'
    body = "<p>Laughter is the subject of this article, which has enough words to count. &lol9;</p>"
    body += "<p>Secret: &xxe; end of the secret paragraph, which is also long enough.</p>"
    return {
        "bomb-billion-laughs.html": f"<!DOCTYPE html [\n{lol}\n{xxe}\n]>\n<html><head>"
        f"<title>Laughs &lol9;</title></head><body><article>{body}</article></body></html>",
        "bomb-xml.xhtml": f'<?xml version="1.0"?>\n<!DOCTYPE html [\n{lol}\n{xxe}\n{pxxe}\n]>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X &xxe;</title></head>'
        f"<body>{body}</body></html>",
        # a "]" inside an entity value ends a naive [internal subset] match early
        "bomb-bracket.html": f'<!DOCTYPE x [\n <!ENTITY b "]>">\n{lol}\n{xxe}\n]>\n'
        f"<html><body>{body}<p>&b;</p></body></html>",
        # the DOCTYPE after a long comment, where a bounded prologue match gives up
        "bomb-late-doctype.html": "<!--" + "c" * 5000 + f"-->\n<!DOCTYPE x [\n{lol}\n{xxe}\n]>\n"
        f"<html><body>{body}</body></html>",
        "bomb-in-markdown.md": f"# Laughs\n\n<!DOCTYPE x [\n{lol}\n{xxe}\n]>\n\n{body}\n",
        "bomb-in-text.txt": f"Laughs\n\n<!DOCTYPE x [\n{lol}\n{xxe}\n]>\n\n{body}\n",
    }


def _front_matter() -> dict[str, str]:
    payload = f"!!python/object/apply:os.system ['touch {PWNED}']"
    return {
        "fm-invalid-yaml.md": "---\ntitle: [unclosed\nauthor: : :\n---\n# Heading\n\nBody text.\n",
        "fm-invalid-toml.md": '+++\ntitle = "unclosed\ndate = 2023-99-99\n+++\nBody text here.\n',
        "fm-python-tag.md": f"---\ntitle: {payload}\ntags: !!python/name:os.system\n---\nBody.\n",
        "fm-python-object.md": "---\n!!python/object:__main__.Evil {x: 1}\n---\nBody text.\n",
        "fm-yaml-alias-bomb.md": "---\na: &a ['x','x','x','x','x','x','x','x','x']\n"
        + "".join(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "title: Alias bomb\n---\nBody text.\n",
        "fm-unclosed.md": "---\ntitle: never closed\n\nBody without a closing fence.\n",
        "fm-not-a-mapping.md": "---\n- just\n- a list\n---\nBody text.\n",
        "fm-date-31-02.md": "---\ntitle: Feb 31\ndate: 31/02/2023\n---\nBody text.\n",
        "fm-date-2023-02-31.md": "---\ntitle: Feb 31 ISO\ndate: 2023-02-31\n---\nBody text.\n",
        "fm-year-99999.md": "---\ntitle: Far future\ndate: 99999-01-01\n---\nBody text.\n",
        "fm-toml-year-9999.md": '+++\ntitle = "Toml far"\ndate = 9999-12-31\n+++\nBody text.\n',
        "fm-date-number.md": "---\ntitle: Number date\ndate: 1e308\n---\nBody text.\n",
        "txt-date-31-02.txt": "Thirty-first\n\nSome body text.\n\nBy Ann Lee\n31/02/2023\n",
        "txt-year-99999.txt": "Far future\n\nSome body text.\n\nDate line below.\n\n99999-12-31\n",
        "txt-email-bad-date.txt": "Subject: Odd date\nDate: Mon, 45 Foo 99999 99:99:99 +9999\n\nBody.\n",
        "html-bad-dates.html": '<html><head><meta property="article:published_time" '
        'content="99999-01-01"><meta name="date" content="31/02/2023"></head><body>'
        "<p>A page with impossible dates in its metadata and a body long enough.</p></body></html>",
    }


def _encodings(rng: random.Random) -> dict[str, bytes]:
    text = "Café society\n\nThe naïve critic ordered crème brûlée — twice. Señor Müller paid.\n"
    utf8 = text.encode("utf-8")
    utf16 = text.encode("utf-16")
    return {
        "random-bytes.txt": rng.randbytes(65_536),
        "random-bytes.md": rng.randbytes(4096),
        "random-bytes.html": rng.randbytes(4096),
        "random-high-bytes.txt": bytes(rng.randrange(0x80, 0x100) for _ in range(4096)),
        "truncated-utf8.txt": utf8[: utf8.index("é".encode()) + 1],
        "truncated-utf8-end.txt": utf8 + "brûlée".encode()[:-1],
        "truncated-utf16-bom.txt": utf16[:-1],
        "truncated-utf16le-nobom.txt": text.encode("utf-16-le")[:-3],
        "utf16-lone-surrogate.txt": codecs.BOM_UTF16_LE + b"T\x00i\x00\x00\xd8x\x00\n\x00",
        "utf32-bom.txt": text.encode("utf-32"),
        "nul-bytes.txt": b"Title\n\nSome\x00text\x00with\x00NULs.\n" * 20,
        "nul-one.md": b"# Heading\n\nOne NUL \x00 in a note.\n",
        "nul-only.txt": b"\x00" * 4096,
        "bom-only.txt": codecs.BOM_UTF8,
        "empty.txt": b"",
        "whitespace.md": b" \n\t\n  \r\n",
        "pdf-as-html.html": b"%PDF-1.7\n" + rng.randbytes(2048),
        "mixed-newlines.txt": b"Title\r\rBody one\r\nBody two\n\x85\xe2\x80\xa8end\n",
    }


def _markup() -> dict[str, str]:
    return {
        "deep-divs.html": "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000,
        "deep-authors.html": "<html><body>"
        + '<div class="author">' * 5000
        + "<p>x</p>"
        + "</div>" * 5000,
        "deep-quotes.md": ">" * 100_000 + " deep\n",
        "deep-lists.md": "".join("  " * i + "- x\n" for i in range(1000)),
        "deep-brackets.md": "[" * 50_000 + "x" + "]" * 50_000 + "\n",
        "many-emphasis.md": "*a _b " * 50_000 + "\n",
        "json-ld-deep.html": '<html><head><script type="application/ld+json">'
        + "[" * 50_000
        + "]" * 50_000
        + "</script></head><body><p>Body of a page with deep JSON-LD, long enough.</p></body></html>",
        "script-only.html": "<html><body><script>" + "x=1;" * 10_000 + "</script></body></html>",
        "unclosed-tags.html": "<html><body>" + "<p><b><i>word " * 20_000,
        "cdata.xhtml": "<html><body><![CDATA[ <script>alert(1)</script> ]]><p>ok text</p>",
    }


def _names() -> list[bytes]:
    return [
        b"name with spaces.txt",
        b"new\nline.txt",
        b"carriage\rreturn.md",
        "emoji 📰 news.txt".encode(),
        "rtl \u202etxt.md".encode(),
        b"esc \x1b]0;title\x07 name.txt",
        b"invalid \xff\xfe utf8.txt",
        b"latin1 caf\xe9.md",
        b"-dash-first.txt",
        b"--help.txt",
        ("x" * 200 + ".txt").encode(),
    ]


def write_nasty_files(root: Path, *, big: bool = True, seed: int = 7) -> list[Path]:
    """Write the nasty corpus into `root`; returns the files written. `big` adds the 50 MB
    (over the cap) and 15 MB (under it) single-line files."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    files.update({k: v.encode("utf-8") for k, v in _bombs().items()})
    files.update({k: v.encode("utf-8") for k, v in _front_matter().items()})
    files.update(_encodings(rng))
    files.update({k: v.encode("utf-8") for k, v in _markup().items()})
    written = []
    for name, data in files.items():
        (root / name).write_bytes(data)
        written.append(root / name)
    names = root / "names"
    names.mkdir(exist_ok=True)
    for raw in _names():
        path = Path(os.fsdecode(os.path.join(os.fsencode(names), raw)))
        path.write_bytes(b"Odd name\n\nAn article whose file name is hard to print.\n")
        written.append(path)
    if big:
        written.append(_single_line(root / "big-50mb-line.txt", 50 * 1024 * 1024, rng))
        written.append(_single_line(root / "big-15mb-line.txt", 15 * 1000 * 1000, rng))
    return written


def _single_line(path: Path, size: int, rng: random.Random) -> Path:
    chunk = " ".join(rng.choice(_WORDS) for _ in range(200_000)).encode() + b" "
    with open(path, "wb") as handle:
        handle.write(b"One line\n\n")
        left = size
        while left > 0:
            handle.write(chunk[:left])
            left -= min(left, len(chunk))
    return path


def write_tiny_files(root: Path, count: int) -> None:
    """`count` tiny articles (a title and a sentence) in folders of 1,000."""
    for i in range(count):
        folder = root / "tiny" / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"t{i:06d}.txt").write_text(f"Tiny {i}\n\nA {_WORDS[i % len(_WORDS)]} note.\n")


def _time_files(root: Path) -> None:
    from tuireader.articles.scan import Skipped, display_path, parse_entry, walk_library

    timings = []
    for entry in walk_library(root):
        start = time.perf_counter()
        result = parse_entry(entry)
        elapsed = time.perf_counter() - start
        outcome = f"skipped: {result.reason}" if isinstance(result, Skipped) else "parsed"
        timings.append((elapsed, display_path(entry.relpath), entry.size, outcome))
    timings.sort(reverse=True)
    print(f"{len(timings)} files; worst parse times:")
    for elapsed, path, size, outcome in timings[:12]:
        print(f"  {elapsed * 1000:9.1f} ms  {size / 1e6:8.2f} MB  {path[:50]:50}  {outcome[:60]}")
    total = sum(t[0] for t in timings)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {total:.1f} s, mean {total / len(timings) * 1000:.2f} ms, peak RSS {rss:.0f} MB")


def _run_cli(root: Path, *args: str) -> None:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tuireader", "--library", str(root), *args],
        capture_output=True,
        timeout=3600,
        check=False,
    )
    elapsed = time.perf_counter() - start
    out = proc.stdout.decode("utf-8", "replace")
    detail = f"{len(json.loads(out))} articles" if "--json" in args and proc.returncode == 0 else ""
    detail = detail or out.strip().splitlines()[-1:]
    warnings = proc.stderr.count(b"warning:")
    tb = b"Traceback" in proc.stderr
    print(f"tuireader {' '.join(args):12} exit {proc.returncode}  {elapsed:6.1f} s  {detail}")
    print(f"  {warnings} skip warnings, traceback: {tb}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", type=int, default=100_000, help="how many tiny files")
    parser.add_argument("--keep", type=Path, help="write into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "nasty"
        os.environ.setdefault("XDG_CACHE_HOME", str(Path(tmp) / "cache"))
        os.environ.setdefault("XDG_DATA_HOME", str(Path(tmp) / "data"))
        os.environ.setdefault("XDG_CONFIG_HOME", str(Path(tmp) / "config"))
        start = time.perf_counter()
        write_nasty_files(root)
        print(f"nasty files written in {time.perf_counter() - start:.1f} s")
        _time_files(root)
        start = time.perf_counter()
        write_tiny_files(root, args.tiny)
        print(f"{args.tiny} tiny files written in {time.perf_counter() - start:.1f} s")
        _run_cli(root, "list", "--json")
        _run_cli(root, "index")
        _run_cli(root, "index")
        _run_cli(root, "search", "harbour")
        print("PWNED file exists:", (Path.cwd() / PWNED).exists() or (root / PWNED).exists())


if __name__ == "__main__":
    main()
