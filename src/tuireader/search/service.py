"""`SearchService`: the one object the CLI, the TUI and the annotation code talk to.

Cheap to construct; the catalog and the index open on first use. Reading (entries, search,
article) works at any time, including while another process indexes; `refresh` writes and
takes the cross-process writer lock, returning `busy=True` at once when someone else has it.
Not thread-safe for concurrent calls: use it from one thread (the TUI's core thread).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.articles.errors import ArticleNotFound
from tuireader.articles.model import Article
from tuireader.articles.scan import FileEntry, Skipped, parse_entry, walk_library
from tuireader.search import annotation_terms, feedback, freshness, whoosh_query, word_prefix
from tuireader.search.annotation_terms import AnnotationSource, AnnotationText, NoteMatch
from tuireader.search.catalog import Catalog, to_article
from tuireader.search.dedupe import folding
from tuireader.search.highlight import MatchPlan, find_matches, snippet
from tuireader.search.lock import WriterLock
from tuireader.search.models import (
    CatalogEntry,
    Filters,
    Hit,
    IndexProgress,
    RefreshSummary,
    SearchResults,
    Span,
)
from tuireader.search.spelling import suggest
from tuireader.search.whoosh_phrase import phrase_texts
from tuireader.search.whoosh_store import WhooshStore, is_damage

if TYPE_CHECKING:
    from tuireader.search.dedupe.store import DuplicateStore

# search.refresh (the indexer: its workers, concurrent.futures, hashlib) is imported where a
# walk or a refresh runs, not by a search that the folder snapshot says is fresh

SORTS = ("relevance", "date", "title", "author")
# "Did you mean" only when a query finds (almost) nothing: 0 hits, or 1-2 that may be a stray
# match of another word while the misspelt one found nothing. From 3 hits on the query is
# working and a suggestion would be noise (and it costs a vocabulary scan per unknown word).
SUGGEST_BELOW = 3


class SearchService:
    def __init__(self, library_root: Path, cache_dir: Path) -> None:
        self.library_root = Path(library_root)
        self.cache_dir = Path(cache_dir)
        self._catalog: Catalog | None = None
        self.store = WhooshStore(self.cache_dir / "index")
        self.lock = WriterLock(self.cache_dir / "writer.lock")
        self._damaged = False  # a search met a damaged index: refresh will rebuild it
        self._entries: tuple[tuple[int, int], list[CatalogEntry]] | None = None
        self._duplicates: DuplicateStore | None = None
        self._walk = freshness.Walk()  # the folders the last walk saw (search.freshness)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.cache_dir / "catalog.sqlite3")
        return self._catalog

    @property
    def duplicates(self) -> DuplicateStore:
        """The near-duplicate groups (search.dedupe), kept beside the catalog."""
        if self._duplicates is None:
            from tuireader.search.dedupe.store import DuplicateStore

            self._duplicates = DuplicateStore(self.cache_dir / "duplicates.sqlite3")
        return self._duplicates

    def close(self) -> None:
        self.store.close()
        if self._duplicates is not None:
            self._duplicates.close()
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None
        self._entries = None

    # -- freshness ----------------------------------------------------------------------

    def files(self) -> list[FileEntry]:
        self._walk = freshness.Walk()
        return list(walk_library(self.library_root, self._walk.folders))

    def stale(self, *, quick: bool = False) -> bool:
        """Whether `refresh` has work: files changed on disk, or the index lags the catalog.

        Cheap for an unchanged library: the walk's digest against the one the catalog keeps
        (one value instead of every row). A catalog without one (written by an older version)
        is compared row by row once, and the digest recorded when nobody is writing. `quick`
        (the CLI's search) trusts a recent walk's folder times instead of walking: see
        search.freshness for what that can miss and how `changed_on_disk` covers it."""
        catalog = self.catalog
        if self._damaged or catalog.pending_count() > 0:
            return True
        if self.duplicates.signed_count() not in (None, catalog.count()):
            return True  # copies not looked for yet (a new store, or an older tuireader's)
        known = catalog.walk_digest()
        if quick and freshness.unchanged(self.library_root, freshness.load(self.cache_dir), known):
            return False
        from tuireader.search.refresh import diff, walk_digest

        files = self.files()
        digest = walk_digest(files)
        if known is not None:
            if known == digest:
                self._keep_walk(digest)
            return known != digest
        version = catalog.version()
        if not diff(files, catalog).empty:
            return True
        if self.lock.acquire():
            try:
                if catalog.version() == version:  # no refresh ran in between
                    catalog.set_walk_digest(digest)
            finally:
                self.lock.release()
        return False

    def _keep_walk(self, digest: str) -> None:
        freshness.save(self.cache_dir, digest, self._walk.started_ns, self._walk.folders)

    def changed_on_disk(self, paths: Sequence[str]) -> bool:
        """Whether a file about to be shown differs from its catalogued version (a quick
        `stale` cannot see a file rewritten in place); forgets the folder snapshot if so."""
        if not paths or not freshness.changed(self.library_root, self.catalog, paths):
            return False
        freshness.forget(self.cache_dir)
        return True

    def indexing_elsewhere(self) -> bool:
        """Another process is writing the catalog/index right now."""
        return self.lock.held_elsewhere()

    def searchable(self) -> bool:
        """Whether the index holds anything to search (a damaged one counts: searching it
        reports the damage)."""
        try:
            searcher = self.store.searcher()
        except Exception as exc:
            if not is_damage(exc):
                raise
            return True
        return searcher is not None and searcher.doc_count() > 0

    def wait_for_index(self, timeout: float, *, poll: float = 0.2) -> bool:
        """While another process builds the first index, wait until its first batch is
        committed (or it stops, or `timeout` seconds pass): a search started beside a first
        build should answer from what is indexed, not fail. True when there is something
        to search."""
        deadline = time.monotonic() + timeout
        while not self.searchable():
            if not self.indexing_elsewhere() or time.monotonic() >= deadline:
                return self.searchable()
            time.sleep(poll)
        return True

    def refresh(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[IndexProgress], None] | None = None,
        processes: int | None = None,
        index: bool = True,
    ) -> RefreshSummary:
        """Update catalog and index (index=False: the catalog only, the fast part)."""
        from tuireader.search.refresh import run_refresh

        if not self.lock.acquire():
            return RefreshSummary(busy=True)
        self._damaged = False
        try:
            summary = run_refresh(
                self.catalog,
                self.store,
                self.files(),
                rebuild=rebuild,
                progress=progress,
                processes=processes,
                index=index,
            )
            if index:  # with the index: the catalog-only pass is the reader's fast start
                self.update_duplicates(progress=progress)
            digest = self.catalog.walk_digest()  # set when the catalog matches the walk
            if digest is not None:
                self._keep_walk(digest)
            return summary
        finally:
            self.lock.release()

    def update_duplicates(self, progress: Callable[[IndexProgress], None] | None = None) -> bool:
        """Bring the near-duplicate groups up to date with the catalog (signatures of new
        and changed bodies only). The caller holds the writer lock; True if they changed."""
        from tuireader.search.refresh import default_processes

        entries = self.entries()
        return self.duplicates.update(
            {e.id: e.fingerprint for e in entries},
            self.catalog.bodies,
            urls={e.id: e.url for e in entries},
            processes=default_processes(),
            progress=(lambda d, t: progress(IndexProgress("duplicates", d, t)))
            if progress
            else None,
        )

    def optimize(self) -> bool:
        """Merge the index into one segment (slow; faster phrase and multi-word queries).
        False when another process holds the writer lock."""
        if not self.lock.acquire():
            return False
        try:
            self.store.optimize()
            return True
        finally:
            self.lock.release()

    # -- reading ------------------------------------------------------------------------

    def entries(self) -> list[CatalogEntry]:
        """Every catalogued article (cached until the catalog changes, in any process)."""
        version = self.catalog.version()
        if self._entries is None or self._entries[0] != version:
            self._entries = (version, self.catalog.entries())
        return list(self._entries[1])

    def entry(self, ref: str) -> CatalogEntry | None:
        return self.catalog.find(self._relative(ref))

    def article(self, ref: str) -> Article:
        """The full article, parsed from disk, by id, id prefix or path."""
        rel = self._relative(ref)
        found = self.catalog.find(rel)
        path = found.path if found else rel
        target = self.library_root / path
        if not path or not target.is_file():
            raise ArticleNotFound(f"no article with id or path {ref!r}")
        stat = target.stat()
        parsed = parse_entry(FileEntry(path, str(target), stat.st_size, stat.st_mtime_ns))
        if isinstance(parsed, Skipped):
            raise ArticleNotFound(f"{ref!r} cannot be read: {parsed.reason}")
        return parsed

    def cached_article(self, entry: CatalogEntry) -> Article:
        """An article from the catalog's copy (no disk access; Markdown source not kept)."""
        return to_article(entry, self.catalog.bodies([entry.id]).get(entry.id, ""))

    def _relative(self, ref: str) -> str:
        path = Path(ref)
        if path.is_absolute():
            try:
                return path.resolve().relative_to(self.library_root.resolve()).as_posix()
            except ValueError:
                return ref
        return ref

    # -- searching ----------------------------------------------------------------------

    def matches_in(self, article: Article, query: str, *, live: bool = False) -> list[Span]:
        """Offsets of the query's matches in article.body ([] for an unusable query)."""
        try:
            words = annotation_terms.split(query)[0]
            plan = whoosh_query.match_plan(self._parse(words, live=live)) if words else None
        except (whoosh_query.QueryError, annotation_terms.AnnotationTermError):
            return []
        if plan is None:
            return []
        return find_matches(article.body, plan)

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: str = "relevance",
        filters: Filters | None = None,
        annotations: AnnotationSource | None = None,
        live: bool = False,
        suggest: bool = True,
        details: bool = True,
        fold_copies: bool = False,
    ) -> SearchResults:
        """Ranked hits of a query (see `QUERY_HELP`). With `annotations`, has: and note:
        narrow it to annotated articles, and plain words also find articles whose notes,
        tags or highlighted passages have them (listed after the body matches).

        `live`: the query is being typed, so its last word also matches as a prefix of the
        library's words. `suggest=False` skips did-you-mean (it belongs to a query the user
        has finished). `details=False` leaves out snippets and match offsets (a list of
        300 results shows a dozen: `hit_details` computes those on screen). `fold_copies`
        lists a group of near-duplicates once, at its best-ranked member, whose `copies`
        name the others (the CLI and the reader fold; the total counts what is listed)."""
        if sort not in SORTS:
            return SearchResults(
                query, 0, [], error=f"unknown sort {sort!r}: use {', '.join(SORTS)}"
            )
        if not query.strip():
            return self._list(query, limit, sort, filters)
        try:
            words, terms = annotation_terms.split(query)
            texts = _texts(annotations) if terms.any or words else ()
            if terms.any:
                ids = annotation_terms.narrow(
                    filters.ids if filters else None,
                    terms,
                    texts,
                    self._note_plan,
                    lambda: (e.id for e in self.entries()),
                )
                filters = replace(filters or Filters(), ids=ids)
            if not words:
                return self._annotated_list(query, terms, texts, limit, sort, filters)
            parsed = self._parse(words, live=live)
        except (whoosh_query.QueryError, annotation_terms.AnnotationTermError) as exc:
            return SearchResults(query, 0, [], error=str(exc))
        partial = self.catalog.pending_count() > 0
        try:
            searcher = self.store.searcher()
            if searcher is None:
                return SearchResults(
                    query,
                    0,
                    [],
                    error="the search index is not built yet"
                    + (
                        ": another tuireader process is building it; try again shortly"
                        if self.indexing_elsewhere()
                        else ""
                    ),
                    partial=True,
                    unavailable=True,
                )
            keys = self.duplicates.group_keys() if fold_copies else {}
            fetch = folding.fetch_limit(limit, len(keys))
            # a finished long question may be expanded by feedback; one being typed is not
            lent = None if live else self._field_texts
            with phrase_texts(self._field_texts), feedback.lend_texts(lent):
                found, raw = whoosh_query.run(
                    searcher, parsed, limit=fetch, sort=sort, filters=filters
                )
            raw, copies = folding.fold(raw, keys, limit)
            total = found.total - sum(len(c) for c in copies.values())
            plan = whoosh_query.match_plan(parsed)
            notes = self._note_only(searcher, parsed, words, plan, texts, raw, filters)
            total += len(notes)
            wanted = suggest and total < SUGGEST_BELOW
            suggestion = self._suggest(words, terms) if wanted else None
        except Exception as exc:
            if not is_damage(exc):
                raise
            self.store.close()
            if self.indexing_elsewhere():  # most likely its rebuild, not damage: leave it be
                reason = "the search index is being rebuilt by another tuireader process"
            else:
                self._damaged = True
                reason = f"the search index needs rebuilding ({exc})"
            return SearchResults(
                query,
                0,
                [],
                error=reason,
                partial=True,
                unavailable=True,
            )
        hits = [
            replace(h, copies=copies[h.id]) if h.id in copies else h
            for h in self._hits(raw, plan if details else None)
        ]
        room = len(notes) if limit is None else max(0, limit - len(hits))
        hits += self._note_hits(notes, sort, room)
        return SearchResults(
            query, total, hits, suggestion, partial=partial, total_is_estimate=found.estimated
        )

    def _parse(self, text: str, *, live: bool = False):  # -> whoosh query, terms expanded
        """Fuzzy terms and prefixes expanded over the library's words; with `live`, the
        word being typed also as a prefix (a lone stop word or short word then still finds
        its longer words instead of "nothing to search for")."""
        typed = word_prefix.typed_word(text) if live else None
        try:
            parsed = whoosh_query.parse(text)
        except whoosh_query.QueryError:
            if typed is None:
                raise
            parsed = None
        words = self.catalog.prefix_words
        if parsed is not None:
            parsed = whoosh_query.expand_fuzzy(parsed, self.catalog.near_words)
            parsed = word_prefix.expand_prefixes(parsed, words)
        if typed is not None:
            parsed = word_prefix.live(parsed, typed, words)
        if parsed is None:
            raise whoosh_query.QueryError(
                "nothing to search for: the query has no searchable words"
            )
        return parsed

    def related(self, ref: str, *, limit: int = 10) -> SearchResults:
        """The articles most like `ref` (id, id prefix or path): its strongest terms as a
        BM25 query (`search.related`), without the article itself and its copies (same
        body, or its near-duplicate group). The snippets mark the terms they share; the
        query is the terms, strongest first. Raises ArticleNotFound for an unknown ref."""
        from tuireader.search import related

        entry = self.entry(ref)
        if entry is None:
            raise ArticleNotFound(f"no article with id or path {ref!r}")
        try:
            searcher = self.store.searcher()
            if searcher is None:
                return SearchResults(
                    "", 0, [], error="the search index is not built yet", unavailable=True
                )
            body = self.catalog.bodies([entry.id]).get(entry.id, "")
            catalog = self.catalog
            limit_terms = related.term_count(len(searcher.leaf_searchers()))
            terms = related.strongest_terms(
                entry.title, body, catalog.word_count, catalog.count(), limit=limit_terms
            )
            words = " ".join(t.text for t in terms)
            like = related.like_query(terms)
            if like is None:
                return SearchResults(words, 0, [])
            leave_out = self.copies_of(entry)
            keys = self.duplicates.group_keys()  # other stories' copies: listed once
            fetch = folding.fetch_limit(limit, len(keys)) or limit
            found, raw = related.run(searcher, terms, limit=fetch, leave_out=leave_out)
            raw, copies = folding.fold(raw, keys, limit)
        except Exception as exc:
            if not is_damage(exc):
                raise
            self.store.close()
            self._damaged = True
            return SearchResults(
                "", 0, [], error=f"the search index needs rebuilding ({exc})", unavailable=True
            )
        hits = [
            replace(h, copies=copies[h.id]) if h.id in copies else h
            for h in self._hits(raw, whoosh_query.match_plan(like))
        ]
        total = found.total - sum(len(c) for c in copies.values())
        return SearchResults(words, total, hits, partial=self.catalog.pending_count() > 0)

    def copies_of(self, entry: CatalogEntry) -> frozenset[str]:
        """The ids of `entry` and of its copies (its near-duplicate group)."""
        return frozenset([entry.id, *self.duplicates.group_of(entry.id)])

    def duplicate_groups(self) -> list[list[CatalogEntry]]:
        """Every group of near-duplicates (two or more articles each), as of the last
        index update; members gone from the catalog since are left out."""
        groups = self.duplicates.groups()
        entries = self.catalog.entries_by_id([i for g in groups for i in g])
        found = [[entries[i] for i in g if i in entries] for g in groups]
        return [g for g in found if len(g) > 1]

    def hit_details(self, query: str, ids: Sequence[str], *, live: bool = False) -> dict[str, Hit]:
        """The snippet and match offsets of some results of `query` (the rows on screen),
        by id; articles gone from the catalog are left out."""
        try:
            words = annotation_terms.split(query)[0]
            plan = whoosh_query.match_plan(self._parse(words, live=live)) if words else None
        except (whoosh_query.QueryError, annotation_terms.AnnotationTermError):
            plan = None
        raw = [whoosh_query.RawHit(i, 0.0) for i in ids]
        return {h.id: h for h in self._hits(raw, plan)}

    def _suggest(self, text: str, terms: annotation_terms.AnnotationTerms) -> str | None:
        better = suggest(text, self.catalog.word_count, self.catalog.near_words)
        return f"{terms.written} {better}".strip() if better else None

    # -- annotations (has:, note:, words in notes) ---------------------------------------

    def _note_plan(self, value: str):  # -> MatchPlan of a note: value
        try:
            return whoosh_query.match_plan(self._parse(value))
        except whoosh_query.QueryError:
            raise annotation_terms.AnnotationTermError(
                f"note:{value} has no words to look for"
            ) from None

    def _field_texts(self, fieldname: str, ids: Sequence[str]) -> dict[str, str]:
        """Titles or bodies, for the phrases whose stop words are checked in the text."""
        if fieldname == "body":
            return self.catalog.bodies(ids)
        entries = self.catalog.entries_by_id(ids)
        return {i: e.title for i, e in entries.items()} if fieldname == "title" else {}

    def _note_only(
        self,
        searcher,
        parsed,
        words: str,
        plan,
        texts: Sequence[AnnotationText],
        raw: list[whoosh_query.RawHit],
        filters: Filters | None,
    ) -> dict[str, NoteMatch]:
        """Articles found only through their annotations' words (listed after the body
        matches). Only for plain words: a field, NOT or date refers to the article."""
        if not texts or not annotation_terms.plain_words(words):
            return {}
        found = annotation_terms.note_matches(texts, plan)
        if filters is not None and filters.ids is not None:
            found = {a: m for a, m in found.items() if a in filters.ids}
        listed = {r.id for r in raw}
        found = {a: m for a, m in found.items() if a not in listed}
        if not found:
            return found
        # the body may match beyond the page: those are body matches, not note-only
        also = Filters(**{**_filter_fields(filters), "ids": frozenset(found)})
        with phrase_texts(self._field_texts):
            _count, body = whoosh_query.run(
                searcher, parsed, limit=None, sort="relevance", filters=also
            )
        for r in body:
            found.pop(r.id, None)
        entries = self.catalog.entries_by_id(list(found))
        return {a: m for a, m in found.items() if a in entries and _admits(filters, entries[a])}

    def _note_hits(self, notes: dict[str, NoteMatch], sort: str, room: int) -> list[Hit]:
        if not notes or room <= 0:
            return []
        entries = self.catalog.entries_by_id(list(notes))
        ordered = sorted(entries.values(), key=lambda e: _sort_key(e, sort, notes[e.id].score))
        return [_note_hit(e, notes[e.id]) for e in ordered[:room]]

    def _annotated_list(
        self,
        query: str,
        terms: annotation_terms.AnnotationTerms,
        texts: Sequence[AnnotationText],
        limit: int | None,
        sort: str,
        filters: Filters | None,
    ) -> SearchResults:
        """A query of has:/note: terms alone: the articles they admit, each with the
        annotation that qualified it as its snippet (best note match first)."""
        if filters is None or filters.ids is None:  # only -has:/-note: that excluded nothing
            return self._list(query, limit, sort, filters)
        entries = self.catalog.entries_by_id(list(filters.ids))
        kept = [e for e in entries.values() if _admits(filters, e)]
        if terms.notes:
            plans = [self._note_plan(v) for v in terms.notes]
            shown = annotation_terms.note_matches(texts, _joined(plans), written_only=True)
        else:
            shown = annotation_terms.first_of_kind(texts, terms.has or ("annotation",))
        empty = NoteMatch(0, "", [])
        kept.sort(key=lambda e: _sort_key(e, sort, shown.get(e.id, empty).score))
        page = kept if limit is None else kept[:limit]
        return SearchResults(query, len(kept), [_note_hit(e, shown.get(e.id, empty)) for e in page])

    def _hits(self, raw: list[whoosh_query.RawHit], plan: MatchPlan | None) -> list[Hit]:
        """Hits with snippet and matches (plan None: without, no body is read)."""
        ids = [r.id for r in raw]
        entries = self.catalog.entries_by_id(ids)
        bodies = self.catalog.bodies(ids) if plan is not None else {}
        hits = []
        for r in raw:
            entry = entries.get(r.id)
            if entry is None:  # removed since the index saw it
                continue
            matches: list[Span] = []
            text, inside = "", list[Span]()
            if plan is not None:
                body = bodies.get(r.id, "")
                matches = find_matches(body, plan)
                text, inside = snippet(body, matches)
            hits.append(
                Hit(
                    entry.id,
                    entry.path,
                    entry.title,
                    entry.author,
                    entry.date,
                    r.score,
                    text,
                    inside,
                    matches,
                )
            )
        return hits

    def _list(
        self, query: str, limit: int | None, sort: str, filters: Filters | None
    ) -> SearchResults:
        total, entries = self.catalog.select(filters, sort, limit)
        hits = [Hit(e.id, e.path, e.title, e.author, e.date, 0.0, "") for e in entries]
        return SearchResults(query, total, hits)


def _texts(source: AnnotationSource | None) -> Sequence[AnnotationText]:
    return source.annotation_texts() if source is not None else ()


def _filter_fields(filters: Filters | None) -> dict:
    if filters is None:
        return {}
    return {"author": filters.author, "tag": filters.tag, "format": filters.format}


def _admits(filters: Filters | None, entry: CatalogEntry) -> bool:
    """The author/tag/format/ids filters, checked on one entry (as `Catalog.select` does)."""
    if filters is None:
        return True
    if filters.ids is not None and entry.id not in filters.ids:
        return False
    if filters.author and (entry.author or "").casefold() != filters.author.casefold():
        return False
    if filters.format and entry.format != filters.format.casefold():
        return False
    tag = filters.tag.casefold() if filters.tag else None
    return tag is None or tag in (t.casefold() for t in entry.tags)


def _sort_key(entry: CatalogEntry, sort: str, score: int) -> tuple:
    if sort == "date":
        return (entry.date is None, -(entry.date.timestamp()) if entry.date else 0.0)
    if sort == "title":
        return (entry.title.casefold(),)
    if sort == "author":
        return (entry.author is None, (entry.author or "").casefold(), entry.title.casefold())
    return (-score, entry.title.casefold())


def _note_hit(entry: CatalogEntry, match: NoteMatch) -> Hit:
    return Hit(
        entry.id,
        entry.path,
        entry.title,
        entry.author,
        entry.date,
        float(match.score),
        match.snippet,
        match.spans,
    )


def _joined(plans: list) -> MatchPlan:
    """One plan marking the words of several note: values."""
    return MatchPlan(
        frozenset().union(*(p.stems for p in plans)),
        frozenset().union(*(p.folded for p in plans)),
        tuple(x for p in plans for x in p.prefixes),
        tuple(x for p in plans for x in p.wildcards),
        tuple(x for p in plans for x in p.phrases),
    )
