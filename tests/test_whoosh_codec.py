"""The writer's codec (search/whoosh_codec.py): Whoosh's own format, checked at first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index

from test_search_service import make_library
from tuireader.search import SearchService
from tuireader.search import whoosh_codec as codec
from tuireader.search.whoosh_buffers import WhooshChanged
from tuireader.search.whoosh_schema import make_schema
from tuireader.search.whoosh_store import INDEX_NAME, is_damage


def postings(folder: Path) -> dict:
    """Every (field, term) -> [(doc id, weight, value)] of an index, by article id."""
    ix = index.open_dir(str(folder), indexname=INDEX_NAME)
    out: dict = {}
    with ix.searcher() as s:
        reader = s.reader()
        ids = {n: f["id"] for n, f in reader.iter_docs()}
        for fieldname, text in reader.all_terms():
            out[(fieldname, text)] = _collect(reader.postings(fieldname, text), ids)
    return out


def _collect(m, ids) -> list:
    items = []
    while m.is_active():
        items.append((ids[m.id()], m.weight(), m.value()))
        m.next()
    return sorted(items)


def test_the_guard_passes_on_this_whoosh() -> None:
    codec.check.cache_clear()
    codec.check()
    options = codec.writer_options()
    assert isinstance(options["codec"], codec.FastCodec)
    # only the pool's add is replaced on Whoosh's class (its writer ignores `poolclass`)
    from whoosh.codec.base import FieldWriter
    from whoosh.codec.whoosh3 import W3PostingsWriter
    from whoosh.writing import PostingPool

    assert PostingPool.add is codec.FastPool.add
    assert W3PostingsWriter.add_posting.__module__ == "whoosh.codec.whoosh3"
    assert FieldWriter.add_postings.__module__ == "whoosh.codec.base"


def test_the_index_is_whooshs_own_format(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root, 60)
    svc = SearchService(root, tmp_path / "cache")
    svc.refresh(processes=1)
    svc.close()
    ours = tmp_path / "cache" / "index"
    # the same articles through Whoosh's default writer
    plain = tmp_path / "plain"
    plain.mkdir()
    ix = index.create_in(str(plain), make_schema(), indexname=INDEX_NAME)
    writer = ix.writer()
    with index.open_dir(str(ours), indexname=INDEX_NAME).searcher() as s:
        for fields in s.all_stored_fields():
            writer.add_document(**_document(root, fields["id"], svc))
    writer.commit()
    assert postings(ours) == postings(plain)
    # and Whoosh opens and searches it without our codec (the schema's analysers are ours)
    script = (
        "import sys; from whoosh import index; from whoosh.query import Every\n"
        f"ix = index.open_dir({str(ours)!r}, indexname={INDEX_NAME!r})\n"
        "s = ix.searcher(); print(s.doc_count(), len(s.search(Every(), limit=None)))\n"
        "assert 'tuireader.search.whoosh_codec' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["60", "60"]


def _document(root: Path, article_id: str, svc: SearchService) -> dict:
    from tuireader.search.whoosh_schema import document

    entry = next(e for e in svc.entries() if e.id == article_id)
    return document(svc.article(entry.path))


def test_a_changed_whoosh_fails_loudly_and_is_not_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drifted(self, id_, weight, vbytes, length=None):  # as if Whoosh changed under us
        return original(self, id_, weight * 2, vbytes, length)

    original = codec.FastPostingsWriter.add_posting
    monkeypatch.setattr(codec.FastPostingsWriter, "add_posting", drifted)
    codec.check.cache_clear()
    try:
        with pytest.raises(WhooshChanged, match="review"):
            codec.check()
        root = tmp_path / "lib"
        make_library(root, 5)
        svc = SearchService(root, tmp_path / "cache")
        with pytest.raises(WhooshChanged) as caught:
            svc.refresh(processes=1)
        assert not is_damage(caught.value)  # a bug to fix, never "wipe and rebuild"
        svc.close()
    finally:
        monkeypatch.undo()
        codec.check.cache_clear()
