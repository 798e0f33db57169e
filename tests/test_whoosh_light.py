"""Whoosh loads without urllib.request and asyncio, and they stay real for everyone else."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import functools, sys
import tuireader.search
import whoosh.compat, whoosh.reading
left = sorted({'urllib.request', 'cached_property', 'asyncio'} & set(sys.modules))
print('left', left)
print('cached', whoosh.reading.cached_property is functools.cached_property)
import urllib.request, cached_property
print('real', hasattr(urllib.request, 'urlopen'), hasattr(cached_property, 'threaded_cached_property'))
from whoosh.filedb.filestore import RamStorage
from whoosh.fields import Schema, TEXT
ix = RamStorage().create_index(Schema(body=TEXT(stored=True)))
with ix.writer() as w:
    w.add_document(body='ferry one')
    w.add_document(body='ferry two')
with ix.writer() as w:
    w.delete_by_term('body', 'one')
with ix.searcher() as s:
    print('deleted', sorted(s.reader().all_doc_ids()), s.reader().deleted_docs_set if hasattr(s.reader(), 'deleted_docs_set') else None)
"""


def test_whoosh_imports_without_its_unneeded_modules_and_they_stay_real() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "left []"
    assert lines[1] == "cached True"
    assert lines[2] == "real True True"
    assert lines[3].startswith("deleted [1]")
