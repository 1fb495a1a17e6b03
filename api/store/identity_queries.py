"""Pure builders and parsers for person identities (api.extraction.identity). No I/O here.

Each article holds, per person, the person's id (`person_ids`) and one
"id|folded spelling|language|Spelling" string (`person_spellings`). A terms aggregation on the
ids counts each person once, whatever the spellings; one on the spellings, restricted to some
ids with an `include` regex, lists how each person is written, in which languages, how often.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from api.store.documents import SEPARATOR
from api.textnorm import fold

PERSON_IDS = "person_ids"
PERSON_SPELLINGS = "person_spellings"
# Spellings of one person the lists show at most (an unbounded person would be a bug).
SPELLINGS_PER_PERSON = 50
_CANDIDATE_SPELLINGS = 1_000


def _literal(text: str) -> str:
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~^$-])', r"\\\1", text)


@dataclass
class Spelling:
    name: str
    articles: int = 0
    languages: dict[str, int] = field(default_factory=dict)


@dataclass
class PersonEntry:
    """One person as /people shows it."""

    id: str
    articles: int
    spellings: dict[str, Spelling] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The canonical name: the spelling most articles use; on a tie the English one, then
        the first in alphabetical order."""
        if not self.spellings:
            return self.id
        return min(
            self.spellings.values(),
            key=lambda s: (-s.articles, "en" not in s.languages, s.name),
        ).name

    def count(self, name: str, language: str | None, articles: int) -> None:
        spelling = self.spellings.setdefault(name, Spelling(name))
        spelling.articles += articles
        if language:
            spelling.languages[language] = spelling.languages.get(language, 0) + articles

    def as_dict(self) -> dict[str, Any]:
        spellings = sorted(self.spellings.values(), key=lambda s: (-s.articles, s.name))
        return {
            "id": self.id,
            "name": self.name,
            "articles": self.articles,
            "spellings": [
                {"name": s.name, "articles": s.articles, "languages": s.languages}
                for s in spellings
            ],
        }


def spelling_include(prefix: str | None, contains: str | None) -> str | None:
    """An `include` regex over the spellings: a word prefix or a part of the folded spelling."""
    rest = "\\|.*"
    if prefix:
        return f"[^|]*\\|([^|]* )?{_literal(fold(prefix))}[^|]*{rest}"
    if contains:
        return f"[^|]*\\|[^|]*{_literal(fold(contains))}[^|]*{rest}"
    return None


def matching_ids_body(prefix: str | None, contains: str | None) -> dict[str, Any]:
    """The people one of whose spellings matches a prefix or a part of a name."""
    terms: dict[str, Any] = {"field": PERSON_SPELLINGS, "size": _CANDIDATE_SPELLINGS}
    include = spelling_include(prefix, contains)
    if include:
        terms["include"] = include
    return {"size": 0, "track_total_hits": False, "aggs": {"spellings": {"terms": terms}}}


def top_ids_body(size: int) -> dict[str, Any]:
    terms = {"field": PERSON_IDS, "size": size}
    return {"size": 0, "track_total_hits": False, "aggs": {"ids": {"terms": terms}}}


def entries_body(ids: list[str]) -> dict[str, Any]:
    """Article counts and spellings of these people (only their articles are aggregated)."""
    include = "(" + "|".join(_literal(person_id) for person_id in ids) + ")\\|.*"
    return {
        "query": {"terms": {PERSON_IDS: ids}},
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "ids": {"terms": {"field": PERSON_IDS, "size": len(ids), "include": ids}},
            "spellings": {
                "terms": {
                    "field": PERSON_SPELLINGS,
                    "size": len(ids) * SPELLINGS_PER_PERSON,
                    "include": include,
                }
            },
        },
    }


def ids_of_spellings(buckets: Iterable[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(bucket["key"].split(SEPARATOR, 1)[0] for bucket in buckets))


def parse_entries(aggregations: dict[str, Any]) -> list[PersonEntry]:
    """People by article count, each with its spellings."""
    entries = {
        bucket["key"]: PersonEntry(id=bucket["key"], articles=bucket["doc_count"])
        for bucket in aggregations["ids"]["buckets"]
    }
    for bucket in aggregations["spellings"]["buckets"]:
        person_id, _, language, name = bucket["key"].split(SEPARATOR, 3)
        if person_id in entries:
            entries[person_id].count(name, language, bucket["doc_count"])
    return sorted(entries.values(), key=lambda e: (-e.articles, e.name))


def people_facet(size: int) -> dict[str, Any]:
    """The people facet: a bucket per person, named by one article's canonical name of it."""
    return {
        "terms": {"field": PERSON_IDS, "size": size},
        "aggs": {
            "person": {
                "top_hits": {
                    "size": 1,
                    "_source": ["people.name", "people.identity"],
                    "sort": [{"published_at": {"order": "desc", "missing": "_last"}}],
                }
            }
        },
    }


def parse_people_facet(buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    values = []
    for bucket in buckets:
        name = bucket["key"]
        for hit in bucket["person"]["hits"]["hits"]:
            for person in hit["_source"].get("people", []):
                if (person.get("identity") or {}).get("id") == bucket["key"]:
                    name = person["identity"]["name"]
        values.append({"value": name, "id": bucket["key"], "count": bucket["doc_count"]})
    return values
