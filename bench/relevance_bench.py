"""Relevance benchmark: tuireader's ranking beside SQLite FTS5 (and tantivy) on judged collections.

    python bench/relevance_bench.py [--work /tmp/tuireader-relevance] [--collections cisi bbc-lead]
    python bench/relevance_bench.py --set k1=1.4 --set b=0.6     # try ranking settings

Collections (built once per work folder and reused while their files are unchanged):
- `cisi`: 1,460 abstracts and the 76 judged natural-language queries of CISI
  (/work/shared/corpora/cisi); queries are their text as lower-case words.
- `bbc-lead` (our own construction, known item): every BBC article (/work/shared/corpora/bbc)
  is indexed without its first paragraph; the first paragraphs of every fifth article are
  the queries (long news sentences), and the article they came from is the one relevant
  document.
- `bbc-title` (our own construction, known item): every BBC article indexed with its first
  paragraph as the title and the rest as the body; the real headlines of every fifth
  article are the queries (short, 5-8 words).

Each collection's articles are written as Markdown files with a `title:` and indexed by
tuireader (`SearchService.refresh`), then searched through `SearchService.search` (what
`tuireader search` calls), top 100. FTS5 (porter, `bm25(t, 3.0, 1.0)`: title weight 3) and
tantivy (en_stem, title boost 3; only when `pip install tantivy` was done: a bench-only extra)
index the same titles and bodies, as the catalog holds them, in the same run. The words of a
query are OR-ed for each engine, repeats kept.

Measures: MAP@100 (average precision over the top 100, divided by every relevant document, as
trec_eval's map_cut_100), P@10, nDCG@10 (binary gains), recall@100, ms per query, and per
query: wins / ties / losses of average precision against FTS5 (tie: within 0.001).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tuireader.search import SearchService
from tuireader.search.whoosh_query import MAX_QUERY_CHARS

CISI = Path("/work/shared/corpora/cisi")
BBC = Path("/work/shared/corpora/bbc")
TOP = 100
EVERY = 5  # bbc-*: one query every fifth article
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Collection:
    name: str
    docs: dict[str, tuple[str, str]]  # doc id -> (title, body)
    queries: dict[str, str]  # query id -> text
    qrels: dict[str, set[str]]  # query id -> relevant doc ids


# -- collections -----------------------------------------------------------------------


def _smart_records(path: Path) -> list[dict[str, str]]:
    """Records of a SMART-format file: `.I id` then `.X` sections (text until the next)."""
    records: list[dict[str, str]] = []
    section = ""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(".I"):
            records.append({"I": line[2:].strip()})
            section = ""
        elif re.match(r"^\.[A-Z]\s*$", line):
            section = line[1]
            records[-1].setdefault(section, "")
        elif records and section:
            records[-1][section] += line.strip() + " "
    return records


def cisi(folder: Path = CISI) -> Collection:
    docs = {
        r["I"]: (r.get("T", "").strip(), r.get("W", "").strip())
        for r in _smart_records(folder / "CISI.ALL")
    }
    queries = {r["I"]: r.get("W", "").strip() for r in _smart_records(folder / "CISI.QRY")}
    qrels: dict[str, set[str]] = {}
    for line in (folder / "CISI.REL").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(parts[0], set()).add(parts[1])
    judged = {q: t for q, t in queries.items() if q in qrels}
    return Collection("cisi", docs, judged, qrels)


def _bbc_articles(folder: Path) -> list[tuple[str, str, list[str]]]:
    """(id, headline, paragraphs) of every BBC article, in path order."""
    out = []
    for path in sorted(folder.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        head, _, rest = text.partition("\n")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rest) if p.strip()]
        if len(paragraphs) >= 2:
            out.append((f"{path.parent.name}-{path.stem}", head.strip(), paragraphs))
    return out


def bbc_lead(folder: Path = BBC) -> Collection:
    docs, queries, qrels = {}, {}, {}
    for n, (doc_id, head, paragraphs) in enumerate(_bbc_articles(folder)):
        docs[doc_id] = (head, "\n\n".join(paragraphs[1:]))
        if n % EVERY == 0:
            queries[doc_id] = paragraphs[0]
            qrels[doc_id] = {doc_id}
    return Collection("bbc-lead", docs, queries, qrels)


def bbc_title(folder: Path = BBC) -> Collection:
    docs, queries, qrels = {}, {}, {}
    for n, (doc_id, head, paragraphs) in enumerate(_bbc_articles(folder)):
        docs[doc_id] = (paragraphs[0], "\n\n".join(paragraphs[1:]))
        if n % EVERY == 0:
            queries[doc_id] = head
            qrels[doc_id] = {doc_id}
    return Collection("bbc-title", docs, queries, qrels)


COLLECTIONS: dict[str, Callable[[], Collection]] = {
    "cisi": cisi,
    "bbc-lead": bbc_lead,
    "bbc-title": bbc_title,
}


def words(text: str) -> list[str]:
    """A query as lower-case words, repeats kept (what a reader would type, minus punctuation),
    cut after the last whole word within tuireader's query limit (4 CISI queries are longer):
    every engine gets the same words."""
    out: list[str] = []
    size = -1
    for word in _WORD.findall(text.lower()):
        size += len(word) + 1
        if size > MAX_QUERY_CHARS:
            break
        out.append(word)
    return out


# -- engines ---------------------------------------------------------------------------

Ranker = Callable[[list[str]], list[str]]  # query words -> doc ids, best first


def tuireader_index(col: Collection, work: Path) -> tuple[SearchService, dict[str, str]]:
    """The collection as a library of Markdown files, indexed by tuireader (reused when the
    files are already written and indexed). Returns the service and article id -> doc id."""
    lib = work / col.name / "library"
    marker = work / col.name / "built"
    digest = hashlib.sha1(json.dumps(sorted(col.docs.items())).encode()).hexdigest()
    if not (marker.exists() and marker.read_text() == digest):
        lib.mkdir(parents=True, exist_ok=True)
        for doc_id, (title, body) in col.docs.items():
            text = f"---\ntitle: {json.dumps(title or 'Untitled')}\n---\n\n{body}\n"
            (lib / f"{doc_id}.md").write_text(text, encoding="utf-8")
    svc = SearchService(lib, work / col.name / "cache")
    if svc.stale():
        summary = svc.refresh()
        assert not summary.busy
    marker.write_text(digest)
    by_path = {e.id: Path(e.path).stem for e in svc.entries()}
    assert len(by_path) == len(col.docs), (len(by_path), len(col.docs))
    return svc, by_path


def tuireader_ranker(svc: SearchService, ids: dict[str, str]) -> Ranker:
    def rank(query_words: list[str]) -> list[str]:
        found = svc.search(" ".join(query_words), limit=TOP, suggest=False, details=False)
        assert found.error is None, found.error
        # a near-duplicate group is listed once: its copies count at its rank (the other
        # engines list them one by one)
        ranked = [i for h in found.hits for i in (h.id, *getattr(h, "copies", ()))]
        return [ids[i] for i in ranked][:TOP]

    return rank


def texts(svc: SearchService, ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(doc id, title, body) as tuireader's catalog holds them: every engine gets these."""
    entries = svc.entries()
    bodies = svc.catalog.bodies([e.id for e in entries])
    return [(ids[e.id], e.title, bodies[e.id]) for e in entries]


def fts5_ranker(docs: list[tuple[str, str, str]]) -> Ranker:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", docs)

    def rank(query_words: list[str]) -> list[str]:
        if not query_words:
            return []
        match = " OR ".join(f'"{w}"' for w in query_words)
        rows = db.execute(
            "SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t, 0.0, 3.0, 1.0) LIMIT ?",
            (match, TOP),
        )
        return [r[0] for r in rows]

    return rank


def tantivy_ranker(docs: list[tuple[str, str, str]]) -> Ranker | None:
    try:
        import tantivy  # a bench-only extra (pip install tantivy), never a runtime dependency
    except ImportError:
        return None
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer()
    for doc_id, title, body in docs:
        writer.add_document(tantivy.Document(id=doc_id, title=title, body=body))
    writer.commit()
    index.reload()
    searcher = index.searcher()

    def rank(query_words: list[str]) -> list[str]:
        if not query_words:
            return []
        q = index.parse_query(" ".join(query_words), ["title", "body"], field_boosts={"title": 3.0})
        hits = searcher.search(q, TOP).hits
        return [searcher.doc(address)["id"][0] for _score, address in hits]

    return rank


# -- measures --------------------------------------------------------------------------


@dataclass
class Scores:
    ap: float
    p10: float
    ndcg10: float
    recall: float


def measure(ranked: list[str], relevant: set[str]) -> Scores:
    ranked = ranked[:TOP]
    hits = 0
    precision_sum = 0.0
    for k, doc in enumerate(ranked, 1):
        if doc in relevant:
            hits += 1
            precision_sum += hits / k
    dcg = sum(1 / math.log2(k + 1) for k, d in enumerate(ranked[:10], 1) if d in relevant)
    ideal = sum(1 / math.log2(k + 1) for k in range(1, min(len(relevant), 10) + 1))
    return Scores(
        precision_sum / len(relevant),
        sum(d in relevant for d in ranked[:10]) / 10,
        dcg / ideal if ideal else 0.0,
        hits / len(relevant),
    )


@dataclass
class Run:
    engine: str
    per_query: dict[str, Scores]
    ms: list[float]

    def mean(self, name: str) -> float:
        return statistics.fmean(getattr(s, name) for s in self.per_query.values())


def run_engine(name: str, ranker: Ranker, col: Collection) -> Run:
    per_query, spent = {}, []
    for qid, text in col.queries.items():
        t = time.perf_counter()
        ranked = ranker(words(text))
        spent.append((time.perf_counter() - t) * 1000)
        per_query[qid] = measure(ranked, col.qrels[qid])
    return Run(name, per_query, spent)


def wins(run: Run, base: Run) -> tuple[int, int, int]:
    w = t = loss = 0
    for qid, s in run.per_query.items():
        diff = s.ap - base.per_query[qid].ap
        if diff > 0.001:
            w += 1
        elif diff < -0.001:
            loss += 1
        else:
            t += 1
    return w, t, loss


def report(col: Collection, runs: list[Run], *, detail: bool) -> dict:
    base = next(r for r in runs if r.engine == "fts5")
    print(f"\n## {col.name}: {len(col.docs)} documents, {len(col.queries)} queries, top {TOP}")
    print("| engine | MAP@100 | P@10 | nDCG@10 | recall@100 | ms/query p50 | AP vs FTS5 w/t/l |")
    print("|---|---|---|---|---|---|---|")
    out: dict = {}
    for r in runs:
        w, t, loss = wins(r, base)
        row = {m: r.mean(m) for m in ("ap", "p10", "ndcg10", "recall")}
        out[r.engine] = row
        print(
            f"| {r.engine} | {row['ap']:.4f} | {row['p10']:.4f} | {row['ndcg10']:.4f} | "
            f"{row['recall']:.4f} | {statistics.median(r.ms):.1f} | "
            + ("–" if r is base else f"{w}/{t}/{loss}")
            + " |"
        )
    ours = next(r for r in runs if r.engine == "tuireader")
    if detail:
        diffs = sorted(
            ((s.ap - base.per_query[q].ap, q) for q, s in ours.per_query.items()),
            key=lambda x: x[0],
        )
        worst = ", ".join(f"{q} ({d:+.3f})" for d, q in diffs[:8])
        best = ", ".join(f"{q} ({d:+.3f})" for d, q in diffs[::-1][:8])
        print(f"tuireader's largest AP losses vs FTS5: {worst}")
        print(f"tuireader's largest AP wins vs FTS5: {best}")
    return out


def apply_settings(pairs: list[str]) -> None:
    """--set name=value: override one ranking setting (search.ranking.SETTINGS) for tuning."""
    if not pairs:
        return
    from dataclasses import replace

    from tuireader.search import ranking

    values = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        values[name] = type(getattr(ranking.SETTINGS, name))(float(value))
    ranking.SETTINGS = replace(ranking.SETTINGS, **values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/tuireader-relevance"))
    parser.add_argument("--collections", nargs="+", default=list(COLLECTIONS))
    parser.add_argument("--set", action="append", default=[], help="ranking setting=value")
    parser.add_argument(
        "--ours-only", action="store_true", help="skip tantivy and the per-query lists"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line of the means at the end")
    args = parser.parse_args()
    apply_settings(args.set)
    summary = {}
    for name in args.collections:
        col = COLLECTIONS[name]()
        svc, ids = tuireader_index(col, args.work)
        docs = texts(svc, ids)
        runs = [run_engine("tuireader", tuireader_ranker(svc, ids), col)]
        runs.append(run_engine("fts5", fts5_ranker(docs), col))
        if not args.ours_only:
            tv = tantivy_ranker(docs)
            if tv is not None:
                runs.append(run_engine("tantivy", tv, col))
        summary[name] = report(col, runs, detail=not args.ours_only)
        svc.close()
        sys.stdout.flush()
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
