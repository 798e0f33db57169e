"""Articles: the model, one parser per format, and the library scan (no Textual here)."""

from __future__ import annotations

from tuireader.articles.model import Article, ParsedFields, article_id, build_article, fingerprint

__all__ = ["Article", "ParsedFields", "article_id", "build_article", "fingerprint"]
