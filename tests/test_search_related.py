"""Related articles: the strongest terms of an article searched over the library."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cli_helpers import run_cli
from tuireader.library import ArticleNotFound
from tuireader.search import SearchService
from tuireader.search.related import strongest_terms

TOPICS = {
    "sailing": "harbour ferry keel mast anchor tide crew voyage sail hull rudder",
    "baking": "flour oven dough yeast crust loaf knead butter sugar pastry rye",
    "music": "concert violin orchestra chord melody tempo choir piano score opera",
}
COMMON = [
    "people",
    "said",
    "year",
    "time",
    "would",
    "also",
    "new",
    "first",
    "last",
    "many",
    "way",
    "days",
]


def make_topics(root: Path, per_topic: int = 5, seed: int = 3) -> Path:
    """per_topic articles per topic folder: topic words among common words."""
    rng = random.Random(seed)
    for topic, words in TOPICS.items():
        vocab = words.split()
        for i in range(per_topic):
            sentences = []
            for _ in range(8):
                picked = [rng.choice(vocab) for _ in range(4)] + rng.sample(COMMON, 6)
                rng.shuffle(picked)
                sentences.append(" ".join(picked).capitalize() + ".")
            title = f"{topic.title()} notes {i}"
            path = root / topic / f"{i:02d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{title}\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    return root


@pytest.fixture()
def topics(tmp_path: Path) -> Path:
    return make_topics(tmp_path / "lib")


def service(root: Path, tmp_path: Path) -> SearchService:
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    return svc


def test_related_articles_share_the_topic_and_leave_the_article_out(topics, tmp_path):
    svc = service(topics, tmp_path)
    for entry in svc.entries():
        topic = entry.path.split("/")[0]
        results = svc.related(entry.id, limit=4)
        paths = [h.path for h in results.hits]
        assert len(paths) == 4
        assert entry.path not in paths
        assert all(p.split("/")[0] == topic for p in paths), (entry.path, paths)
        assert results.total == 4  # the topic's words only: common words tell nothing apart


def test_related_leaves_out_copies_of_the_article(topics, tmp_path):
    original = topics / "baking" / "00.txt"
    copy = topics / "elsewhere" / "copy.txt"
    copy.parent.mkdir()
    copy.write_text(original.read_text(encoding="utf-8").replace(". ", ".  "), encoding="utf-8")
    svc = service(topics, tmp_path)
    me = svc.entry("baking/00.txt")
    assert me is not None
    paths = [h.path for h in svc.related(me.id, limit=10).hits]
    assert "elsewhere/copy.txt" not in paths
    assert "baking/00.txt" not in paths
    assert paths and all(p.startswith("baking/") for p in paths[:4])


def test_strongest_terms_prefer_rare_repeated_words_over_common_or_unique_ones():
    body = "zeppelin zeppelin zeppelin hangar hangar people people people people uniqueword"
    df = {"zeppelin": 3, "hangar": 3, "people": 90, "uniqueword": 1}
    terms = strongest_terms("Airships", body, lambda w: df.get(w, 0), 100)
    texts = [t.text for t in terms]
    assert texts[:2] == ["zeppelin", "hangar"]
    assert "uniqueword" not in texts  # only this article has it: it finds nothing
    assert "peopl" not in texts  # in most of the library: it tells nothing apart
    assert [t.text for t in strongest_terms("x", body, lambda w: 5, 1)] == []


def test_related_unknown_article_raises(topics, tmp_path):
    svc = service(topics, tmp_path)
    with pytest.raises(ArticleNotFound):
        svc.related("no/such.txt")


def test_cli_related_json_lists_hits_as_search_does(topics):
    out = run_cli("--library", str(topics), "related", "music/01.txt", "--limit", "3", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["article"] == "music/01.txt"
    assert len(data["hits"]) == 3
    for hit in data["hits"]:
        assert hit["path"].startswith("music/") and hit["path"] != "music/01.txt"
        assert {"id", "title", "score", "snippet", "matches"} <= set(hit)


def test_cli_related_text_and_unknown_article(topics):
    out = run_cli("--library", str(topics), "related", "sailing/02.txt", "-n", "2")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Sailing notes") == 2 and "Sailing notes 2" not in out.stdout
    missing = run_cli("--library", str(topics), "related", "nothing-here.txt")
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "nothing-here.txt" in missing.stderr


def test_fewer_terms_as_the_index_has_more_segments():
    from tuireader.search.related import MIN_TERMS, TERMS, term_count

    assert term_count(1) == TERMS
    assert term_count(18) == 22
    assert term_count(500) == MIN_TERMS
