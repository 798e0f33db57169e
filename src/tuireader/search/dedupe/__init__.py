"""Near-duplicate articles: the same story saved twice, from two feeds, or re-imported.

`minhash` (signatures over word shingles, numpy), `groups` (LSH banding, checked pairs,
union-find), `store` (the signatures and groups beside the catalog, updated at index time).
"""
