"""Plain-word queries as a reader asks them: repeated words count more, question words nothing.

Whoosh's parser turns `library catalog library` into one term per word (the repeat is lost),
and keeps `what`, `how`, `does`... as terms that every article has some of. For a query of
plain words only (no operators, phrases, fields, prefixes: the parser's flat OR of title and
body terms), `weigh` therefore:

- gives each word's terms a boost of how often the query says it (the ranking reads it as
  the word's query frequency; Whoosh's own scorer multiplies by it, so both agree);
- drops question and function words (`QUERY_STOP_WORDS`, an English list beside the index's
  own stop words) as long as another word is left: "what is a ferry" searches `ferry`, while
  "who" alone is still searched. Phrases and fielded words are never touched.
"""

from __future__ import annotations

import re
from collections import Counter

from whoosh import query

from tuireader.search.whoosh_schema import DEFAULT_FIELDS, TOKEN_RE, normal_forms

# Function and question words (the usual English lists: pronouns, auxiliaries, determiners,
# prepositions, conjunctions, question words), minus the index's own stop words, which never
# reach a query. Request verbs ("describe", "give") are not here: they can be the topic.
QUERY_STOP_WORDS = frozenset(
    """
    about above after again against all am any because been before being below between
    both but could did do does doing done down during each few further had has having he
    her here hers herself him himself his how i into its itself just me more most must my
    myself no nor now off once only other ought our ours ourselves out over own same shall
    she should so some such than their theirs them themselves then there these they those
    through too under until up upon very was were what whatever which while who whom whose
    why where whether would also however therefore thus within without etc
    """.split()  # noqa: SIM905 (a word list is easier to read as text)
)
_TEXT_FIELDS = frozenset(DEFAULT_FIELDS)
# a question mark ending a word (then a space, the end, or closing punctuation), in a word
# with no other wildcard: "winter?" is a question, "t?am" and "colo?r" stay wildcards
_QUESTION_MARK = re.compile(r"(?<![\w*?])([^\W\d_][\w'’-]*)\?+(?=[\s)\"'.,;:!]|$)")


def _stop_stems() -> frozenset[str]:
    return frozenset(s for s in (normal_forms(w)[1] for w in QUERY_STOP_WORDS) if s is not None)


_STOP_STEMS = _stop_stems()


def is_function_word(stem: str) -> bool:
    """Whether an index term is one of `QUERY_STOP_WORDS` (feedback never adds those)."""
    return stem in _STOP_STEMS


def question_marks(text: str) -> str:
    """The question marks that end a question's words taken out, before parsing (Whoosh
    reads `winter?` as a wildcard: "winter" plus one letter, which finds nothing)."""
    return _QUESTION_MARK.sub(r"\1", text)


def plain_terms(q: query.Query) -> list[query.Term] | None:
    """The terms of a query of plain words (each word on title and body, nothing else), or
    None for any other query."""
    leaves = q.subqueries if isinstance(q, query.Or) else [q]
    if not leaves or (isinstance(q, query.Or) and q.boost != 1.0):
        return None
    fields: dict[str, set[str]] = {}
    for leaf in leaves:
        if type(leaf) is not query.Term or leaf.fieldname not in _TEXT_FIELDS or leaf.boost != 1:
            return None
        fields.setdefault(leaf.text, set()).add(leaf.fieldname)
    if any(found != _TEXT_FIELDS for found in fields.values()):
        return None  # title:word beside words: a field the user chose
    return list(leaves)


def query_frequencies(text: str) -> Counter[str]:
    """How many times the text says each index term (stems, as the parser makes them)."""
    stems = (normal_forms(w)[1] for w in TOKEN_RE.findall(text))
    return Counter(s for s in stems if s is not None)


def weigh(q: query.Query, text: str) -> query.Query:
    """`q` (parsed from `text`) with repeats as boosts and question words dropped, when it
    is a query of plain words; any other query unchanged."""
    terms = plain_terms(q)
    if terms is None:
        return q
    kept = [t for t in terms if t.text not in _STOP_STEMS] or terms
    counts = query_frequencies(text)
    weighed = [
        t if counts.get(t.text, 1) <= 1 else query.Term(t.fieldname, t.text, boost=counts[t.text])
        for t in kept
    ]
    if len(weighed) == 1:
        return weighed[0]
    return query.Or(weighed, boost=q.boost, scale=getattr(q, "scale", None))
