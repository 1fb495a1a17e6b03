"""Search and entity lookups: request arguments in, API answers out.

A search runs in three steps, as readthedocs' search does: api.services.search_parser turns the
arguments into a SearchSpec (cursor codec and region-name expansion included), the service
executes it (point-in-time, the request, the stories' sizes), and
api.services.search_serializer writes the page (items, next cursor, facets).
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections import Counter
from typing import Any

from marshmallow import fields

from api.entities import KINDS_BY_NAME
from api.errors import NotFound
from api.extraction.gazetteer import ancestors
from api.extraction.identity import organization
from api.services import insights, search_parser, search_serializer
from api.services.people import PeopleDirectory
from api.services.search_parser import lookup_keys, region_lookup_keys
from api.store import PointInTimeExpired, SearchAfterRejected, queries
from api.store.documents import parse_entity, region_entity_fields
from api.store.index import ArticleIndex, StorySize
from api.textnorm import fold
from schemas.search import ArticleQueryArgsSchema

# The people and regions an entity page names beside it, at most.
CO_MENTIONED = 10
# The members a story page lists at most.
STORY_PAGE = 1_000


class SearchService:
    def __init__(self, index: ArticleIndex, highlighting: queries.Highlighting) -> None:
        self.index = index
        self.highlighting = highlighting
        self.people = PeopleDirectory(index)

    # --- GET /articles ---------------------------------------------------------------------

    def search(self, args: dict[str, Any]) -> dict[str, Any]:
        """Run a search from ArticleQueryArgsSchema's arguments: parse, execute, serialize."""
        parsed = search_parser.parse_search(args, self.highlighting)
        if "published_at" in parsed.spec.facets:
            spec = insights.timeline_spec(self.index, parsed.spec)
            parsed = dataclasses.replace(parsed, spec=spec)
        response, pit_id = self._execute(parsed)
        page = search_serializer.page(parsed, response, pit_id)
        if page.close_pit:
            self.index.close_point_in_time(page.close_pit)
        page.result["items"] = self.with_story_sizes(page.result["items"])
        if "published_at" in parsed.spec.facets:
            page.result["interval"] = parsed.spec.interval
        return page.result

    def _execute(self, parsed: search_parser.ParsedSearch) -> tuple[dict[str, Any], str | None]:
        """The search's one request (after opening a new walk's point-in-time), and the
        point-in-time the answer carries."""
        spec, pit_id = parsed.spec, parsed.pit_id
        if parsed.needs_pit:
            pit_id = self.index.open_point_in_time(queries.PIT_KEEP_ALIVE)
            spec = dataclasses.replace(spec, pit_id=pit_id)
        response = self._run(spec)
        return response, response.get("pit_id", pit_id)

    def query_for(self, params: str) -> dict[str, Any]:
        """The query clause GET /articles would run for a query string's text and filters
        (paging, sort and facet parameters are ignored); raises ValidationError."""
        schema = ArticleQueryArgsSchema()
        parsed = urllib.parse.parse_qs(params, keep_blank_values=True, strict_parsing=False)
        raw = {
            name: values if isinstance(schema.fields.get(name), fields.List) else values[-1]
            for name, values in parsed.items()
        }
        identity = search_parser.query_identity(schema.load(raw))
        return queries.query_clause(identity.get("q"), search_parser.filters_for(identity))

    def _run(self, spec: queries.SearchSpec) -> dict[str, Any]:
        try:
            return self.index.search(queries.search_body(spec))
        except PointInTimeExpired:
            raise search_parser.bad_cursor(
                f"This cursor has expired (idle for over {queries.PIT_KEEP_ALIVE_MINUTES} "
                "minutes); start the walk again."
            ) from None
        except SearchAfterRejected:
            raise search_parser.bad_cursor("This cursor does not fit this query.") from None

    # --- stories -----------------------------------------------------------------------------

    def with_story_sizes(self, articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each article's `story` with its size, counted now (one aggregation for all). An
        article not searchable yet (written within the refresh interval) counts too, so that
        every answer about it tells the same size."""
        ids = sorted({a["story"]["id"] for a in articles if a.get("story")})
        sizes = self.index.story_sizes(ids, [a["id"] for a in articles if a.get("story")])
        for article in articles:
            if not article.get("story"):
                continue
            story_id = article["story"]["id"]
            size = sizes.get(story_id, StorySize(0, frozenset(), frozenset()))
            count, outlets = size.articles, set(size.outlets)
            if article["id"] not in size.visible:
                count += 1
                if (article.get("outlet") or {}).get("name"):
                    outlets.add(article["outlet"]["name"])
            article["story"] = {"id": story_id, "articles": count, "outlets": len(outlets)}
        return articles

    def story(self, story_id: str) -> dict[str, Any]:
        """A story's articles, first publication first, and the outlets that ran it."""
        total, members = self.index.story_members([story_id], STORY_PAGE)
        if not members:
            raise NotFound(f"No story with id {story_id!r}.")
        outlets = [m["outlet"]["name"] for m in members if m.get("outlet")]
        return {
            "id": story_id,
            "articles": total,
            "first": members[0],
            "outlets": list(dict.fromkeys(outlets)),
            "items": members,
        }

    # --- entity endpoints --------------------------------------------------------------------

    def list_entities(
        self,
        kind: str,
        limit: int,
        prefix: str | None,
        contains: str | None,
        entity_type: str | None = None,
    ) -> list[dict[str, Any]]:
        """Entities by article count; `entity_type` picks authors of one type."""
        if kind == "people":
            return self.people.list(limit, prefix, contains)
        body = queries.entity_list_body(kind, limit, prefix, contains, entity_type)
        buckets = self.index.search(body)["aggregations"]["entities"]["buckets"]
        return [self._entity_item(kind, bucket) for bucket in buckets]

    def _entity_item(self, kind: str, bucket: dict[str, Any]) -> dict[str, Any]:
        entity = parse_entity(bucket["key"])
        item: dict[str, Any] = {"name": entity.name, "articles": bucket["doc_count"]}
        if kind == "regions":
            region = region_entity_fields(entity)
            item.update(code=region["code"], type=region["type"], country=region["country"])
        elif kind == "outlets":
            item["domain"] = entity.extra[0] or None
        elif kind == "authors":
            item["type"] = entity.extra[0]
        return item

    def entity_detail(self, kind: str, name: str) -> dict[str, Any]:
        """Everything known about one entity; NotFound when no article names it."""
        if kind == "people":
            return self.people.detail(name)
        keys = list(lookup_keys(kind, name))
        body = queries.entity_detail_body(kind, keys, co_size=CO_MENTIONED, latest=5)
        response = self.index.search(body)
        aggregations = response.get("aggregations", {})
        own = None
        if response["hits"]["total"]["value"]:
            own = self._own_bucket(kind, name, aggregations[kind]["buckets"])
        if own is None:
            described = KINDS_BY_NAME[kind].described_as
            raise NotFound(f"No {described} {name!r} in any article.")
        detail = self._entity_item(kind, own)
        detail["articles"] = response["hits"]["total"]["value"]
        detail["aliases"] = self._aliases(kind, detail["name"], response["hits"]["hits"])
        detail["co_mentioned"] = {
            "people": queries.co_mentioned_people(aggregations, CO_MENTIONED),
            "regions": [
                self._entity_item("regions", bucket)
                for bucket in aggregations["regions"]["buckets"]
                if not (kind == "regions" and bucket["key"] == own["key"])
            ],
        }
        detail["latest"] = [queries.parse_hit(hit) for hit in response["hits"]["hits"]]
        if kind == "regions" and detail.get("code"):
            detail["subregions"] = [
                self._entity_item("regions", bucket)
                for bucket in aggregations["regions"]["buckets"]
                if detail["code"]
                in ancestors(region_entity_fields(parse_entity(bucket["key"]))["code"] or "")
            ]
        return detail

    def _own_bucket(
        self, kind: str, name: str, buckets: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The bucket the name refers to: its name, code or domain, or a person's surname."""
        wanted = {fold(name)} | (set(region_lookup_keys(name)) if kind == "regions" else set())
        if kind == "organizations" and (listed := organization(name)):
            wanted.add(fold(listed.name))  # the entity of a listed organisation is its own name
        surname_matches = []
        for bucket in buckets:
            entity = parse_entity(bucket["key"])
            identifiers = {fold(entity.name)}
            if kind in {"regions", "outlets"} and entity.extra[0]:
                identifiers.add(fold(entity.extra[0]).removeprefix("www."))
            if identifiers & wanted:
                return bucket
            if kind == "people" and fold(entity.name).split()[-1:] == [fold(name)]:
                surname_matches.append(bucket)
        return surname_matches[0] if surname_matches else None

    def _aliases(self, kind: str, name: str, hits: list[dict[str, Any]]) -> list[str]:
        if kind not in {"people", "regions"}:
            return []
        seen: Counter[str] = Counter()
        for hit in hits:
            for entry in hit["_source"].get(kind, []):
                if entry.get("name") == name:
                    seen.update(entry.get("aliases", []))
        return [alias for alias, _ in seen.most_common()]
