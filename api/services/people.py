"""/people and /people/{spelling}: one entry per person, whatever the spellings.

A person is an id (api.extraction.identity.person_id): every article's people carry it, so that
an entry counts the articles naming the person under any spelling once, and lists the spellings
seen with their languages and article counts. Its canonical name is the most used spelling.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from api.errors import NotFound
from api.extraction.identity import person_lookup_keys, spelling_keys, surname
from api.store import identity_queries, queries
from api.store.documents import parse_entity, region_entity_fields
from api.store.identity_queries import PersonEntry
from api.store.index import ArticleIndex
from api.textnorm import fold

# People whose spelling might be the one asked for, looked at by /people/{spelling}.
_DETAIL_CANDIDATES = 20
# The people and regions a person page names beside them, at most.
_CO_MENTIONED = 10
# People whose spelling matches a prefix or part, counted in full for each entry asked.
_CANDIDATES_PER_ENTRY = 3


class PeopleDirectory:
    def __init__(self, index: ArticleIndex) -> None:
        self.index = index

    def entries(self, ids: list[str]) -> list[PersonEntry]:
        if not ids:
            return []
        response = self.index.search(identity_queries.entries_body(ids))
        return identity_queries.parse_entries(response["aggregations"])

    def list(self, limit: int, prefix: str | None, contains: str | None) -> list[dict[str, Any]]:
        """People by article count; `prefix` and `contains` match any of their spellings."""
        if prefix or contains:
            body = identity_queries.matching_ids_body(prefix, contains)
            buckets = self.index.search(body)["aggregations"]["spellings"]["buckets"]
            # Ranked by their matching spellings' counts; a few more than asked, then by all.
            ids = identity_queries.ids_of_spellings(buckets)[: limit * _CANDIDATES_PER_ENTRY]
        else:
            body = identity_queries.top_ids_body(limit)
            ids = [b["key"] for b in self.index.search(body)["aggregations"]["ids"]["buckets"]]
        return [entry.as_dict() for entry in self.entries(ids)[:limit]]

    def detail(self, name: str) -> dict[str, Any]:
        """The entry of the person a spelling (full or short) names, with the people and
        regions mentioned beside them and their latest articles; NotFound if none."""
        keys = list(person_lookup_keys(name))
        body = queries.entity_detail_body("people", keys, co_size=_CO_MENTIONED, latest=5)
        body["aggs"]["ids"] = identity_queries.top_ids_body(_DETAIL_CANDIDATES)["aggs"]["ids"]
        response = self.index.search(body)
        aggregations = response.get("aggregations", {})
        candidates = [b["key"] for b in aggregations.get("ids", {}).get("buckets", [])]
        own = next(
            (e for e in self.entries(candidates) if _written_as(e, set(keys))),
            None,
        )
        if own is None:
            raise NotFound(f"No person {name!r} in any article.")
        detail = own.as_dict()
        seen: Counter[str] = Counter()
        for hit in response["hits"]["hits"]:
            for person in hit["_source"].get("people", []):
                if (person.get("identity") or {}).get("id") == own.id:
                    seen.update(person.get("aliases", []))
        # How the latest articles write the person, then the other spellings seen.
        aliases = [alias for alias, _ in seen.most_common()]
        detail["aliases"] = aliases + [
            s["name"] for s in detail["spellings"] if s["name"] not in aliases
        ]
        detail["co_mentioned"] = {
            "people": queries.co_mentioned_people(aggregations, _CO_MENTIONED, own_id=own.id),
            "regions": [_region(b) for b in aggregations["regions"]["buckets"]],
        }
        detail["latest"] = [queries.parse_hit(hit) for hit in response["hits"]["hits"]]
        return detail


def _region(bucket: dict[str, Any]) -> dict[str, Any]:
    region = region_entity_fields(parse_entity(bucket["key"]))
    return {
        "name": region["name"],
        "articles": bucket["doc_count"],
        "code": region["code"],
        "type": region["type"],
        "country": region["country"],
    }


def _written_as(entry: PersonEntry, keys: set[str]) -> bool:
    """Whether one of the entry's spellings, or its surname, reads like the name asked for."""
    for spelling in entry.spellings:
        forms = [spelling, surname(spelling)]
        if keys & {fold(form) for form in forms} or keys & {
            key for form in forms for key in spelling_keys(form)
        }:
            return True
    return False
