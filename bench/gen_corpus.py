"""Generate a deterministic synthetic article collection from the BBC corpus's sentences.

Each article i gets a title (a shuffled headline), sometimes a byline and a date line, and
4-8 paragraphs of sentences drawn with `random.Random(i)`: the same N always gives the same
files, about 520 words each (like the baseline in /work/shared/notes/whoosh.md).

    python bench/gen_corpus.py OUT_DIR N [--corpus /work/shared/corpora/bbc]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

CORPUS = Path("/work/shared/corpora/bbc")
AUTHORS = ["Dana Okafor", "Ilse Marnersdottir", "Lu Wen", "Per Lind", "Mira Sol", "José Núñez"]


def load(corpus: Path) -> tuple[list[str], list[str]]:
    titles, sentences = [], []
    for path in sorted(corpus.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        head, _, rest = text.partition("\n")
        titles.append(head.strip())
        for para in rest.split("\n"):
            sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", para) if len(s) > 20]
    return titles, sentences


def article(i: int, titles: list[str], sentences: list[str]) -> str:
    rng = random.Random(i)
    words = rng.choice(titles).split() + rng.choice(titles).split()
    title = " ".join(words[: rng.randint(4, 8)])
    lines = [title, ""]
    if rng.random() < 0.5:
        lines += [f"By {rng.choice(AUTHORS)}", ""]
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        paragraphs.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(3, 5))))
    lines.append("\n\n".join(paragraphs))
    if rng.random() < 0.6:
        day = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines += ["", day]
    return "\n".join(lines) + "\n"


def generate(out: Path, n: int, corpus: Path = CORPUS) -> Path:
    """Write N articles under out (skipped when out already holds exactly them)."""
    marker = out / ".generated"
    if marker.exists() and marker.read_text() == str(n):
        return out
    titles, sentences = load(corpus)
    for i in range(n):
        folder = out / f"d{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i:06d}.txt").write_text(article(i, titles, sentences), encoding="utf-8")
    marker.write_text(str(n))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    generate(args.out, args.n, args.corpus)
    print(f"{args.n} articles in {args.out}")


if __name__ == "__main__":
    main()
