"""Near-duplicate groups from MinHash signatures: LSH bands, checked pairs, union-find.

Each signature is cut into `BANDS` bands of `ROWS` values; articles whose band is equal in
any band are candidates (with 16 bands of 4, pairs of Jaccard 0.5 become candidates about
two times in three, pairs of 0.7 almost always). A candidate pair is kept when the whole
signatures agree in at least `THRESHOLD` of their positions. Articles with the same body
(the catalog's fingerprint) are one group whatever their length. Everything per band is
array work (a sort and runs of equal keys), so 100,000 signatures group in about a second.
Articles with the same article address (`urls.article_key`) are one group too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from tuireader.search.dedupe.minhash import PERMUTATIONS

ROWS = 4
BANDS = PERMUTATIONS // ROWS
THRESHOLD = 0.7  # estimated Jaccard of 5-word shingles
_BAND_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def near_pairs(sigs: np.ndarray, *, threshold: float = THRESHOLD) -> set[tuple[int, int]]:
    """(i, j), i < j, rows of `sigs` (n x PERMUTATIONS) that are near-duplicates."""
    n = len(sigs)
    found: set[tuple[int, int]] = set()
    if n < 2:
        return found
    wide = sigs.astype(np.uint64)
    need = int(np.ceil(threshold * sigs.shape[1]))
    for band in range(BANDS):
        cols = wide[:, band * ROWS : (band + 1) * ROWS]
        keys = (cols * _BAND_MIX[: cols.shape[1]]).sum(axis=1)  # wraps: a hash of the band
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, n])
        many = sizes > 1
        for start, size in zip(starts[many].tolist(), sizes[many].tolist(), strict=True):
            members = np.sort(order[start : start + size])
            first = members[0]
            agree = (sigs[members[1:]] == sigs[first]).sum(axis=1)
            for j in members[1:][agree >= need].tolist():
                found.add((int(first), j))
    return found


def group(
    ids: Sequence[str],
    fingerprints: Sequence[str],
    sigs: np.ndarray,
    signed: Sequence[int],
    *,
    urls: Sequence[str] = (),
    threshold: float = THRESHOLD,
) -> list[list[str]]:
    """Groups (two or more ids, sorted; groups by their first id) of the articles `ids`:
    the same fingerprint, the same article address (`urls`, from `urls.article_key`), or
    near-duplicate signatures. `sigs[k]` is the signature of `ids[signed[k]]` (short
    bodies have none). Empty fingerprints and addresses join nothing."""
    union = _Union(len(ids))
    for keys in (fingerprints, urls):
        first_of: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key:
                union.join(first_of.setdefault(key, i), i)
    for a, b in near_pairs(sigs, threshold=threshold):
        union.join(signed[a], signed[b])
    return _collect(ids, (union.find(i) for i in range(len(ids))))


def _collect(ids: Sequence[str], roots: Iterable[int]) -> list[list[str]]:
    members: dict[int, list[str]] = {}
    for i, root in enumerate(roots):
        members.setdefault(root, []).append(ids[i])
    groups = [sorted(m) for m in members.values() if len(m) > 1]
    return sorted(groups, key=lambda g: g[0])
