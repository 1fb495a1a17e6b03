"""Search and entity lookups: request arguments in, API answers out.

Cursor paging: every page carries `next_cursor`, an opaque token holding the query's identity
(its filters, text and sort) and the `search_after` values of the page's last hit, ordered with
the unique article id as tie-breaker. A relevance-sorted walk also holds a point-in-time, so that
scores cannot shift between pages while articles arrive; date-sorted walks need none, since an
article's sort values never change. Either way a walk misses none of the articles that existed
when it started and returns none twice.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import urllib.parse
from collections import Counter
from typing import Any

from marshmallow import fields

from api.entities import ENTITY_KINDS, KINDS_BY_NAME
from api.errors import InvalidCursor, NotFound, PageTooDeep
from api.extraction.gazetteer import ancestors, region_records
from api.extraction.identity import organization, organization_lookup_keys, person_lookup_keys
from api.services.people import PeopleDirectory
from api.store import PointInTimeExpired, SearchAfterRejected, queries
from api.store.documents import parse_entity, region_entity_fields
from api.store.index import ArticleIndex, StorySize
from api.textnorm import fold
from schemas.search import ArticleQueryArgsSchema

MAX_WINDOW = 10_000
# The parameters that define which articles a walk visits; the rest may change between pages.
IDENTITY_PARAMS = (
    "q",
    *(kind.filter for kind in ENTITY_KINDS),
    "focus",
    "language",
    "published_from",
    "published_to",
    "sort",
    "collapse",
)
# The members a story page lists at most.
STORY_PAGE = 1_000


@functools.lru_cache(maxsize=4096)
def region_lookup_keys(value: str) -> tuple[str, ...]:
    """The folded keys an article must carry to match `region=value`.

    The value itself (a code, name or alias as written in articles) plus the codes the
    gazetteer resolves it to; articles carry their regions' ancestors' codes, so a country's
    code matches its regions and cities. The gazetteer never changes in a process, so the
    answer is cached per value.
    """
    keys = [fold(value)]
    keys += [fold(record["code"]) for record in region_records(value) if record.get("code")]
    return tuple(dict.fromkeys(keys))


def query_identity(args: dict[str, Any]) -> dict[str, Any]:
    identity = {name: args[name] for name in IDENTITY_PARAMS if args.get(name) not in (None, [])}
    for name in ("published_from", "published_to"):
        if isinstance(identity.get(name), dt.date):
            identity[name] = identity[name].isoformat()
    identity.setdefault("sort", "relevance" if args.get("q") else "-published_at")
    if not identity.get("focus"):
        identity.pop("focus", None)
    return identity


def encode_cursor(identity: dict[str, Any], after: list[Any], pit_id: str | None) -> str:
    payload = {"v": 1, "q": identity, "a": after, "p": pit_id}
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        valid = (
            isinstance(payload, dict)
            and payload.get("v") == 1
            and isinstance(payload.get("q"), dict)
            and isinstance(payload.get("a"), list)
            and all(isinstance(v, str | int | float) or v is None for v in payload["a"])
            and (payload.get("p") is None or isinstance(payload.get("p"), str))
        )
    except (ValueError, binascii.Error):
        valid = False
    if not valid:
        raise _bad_cursor("This cursor is not one this API issued.")
    return payload


def continue_identity(
    cursor: dict[str, Any], identity: dict[str, Any], given: set[str]
) -> dict[str, Any]:
    """A cursor continues its own query; parameters given beside it must agree with it."""
    if given & set(IDENTITY_PARAMS) and identity != cursor["q"]:
        raise _bad_cursor(
            "This cursor belongs to a different query; drop the other "
            "query parameters or start again without cursor."
        )
    return dict(cursor["q"])


def _bad_cursor(detail: str) -> InvalidCursor:
    return InvalidCursor(detail, errors={"cursor": [detail]})


class SearchService:
    def __init__(self, index: ArticleIndex, highlighting: queries.Highlighting) -> None:
        self.index = index
        self.highlighting = highlighting
        self.people = PeopleDirectory(index)

    # --- GET /articles ---------------------------------------------------------------------

    def search(self, args: dict[str, Any]) -> dict[str, Any]:
        """Run a search from ArticleQueryArgsSchema's arguments, which hold exactly the
        parameters the client gave plus the defaults of those that do not define the query."""
        cursor = decode_cursor(args["cursor"]) if args.get("cursor") else None
        identity = query_identity(args)
        if cursor:
            identity = continue_identity(cursor, identity, given=set(args))
        per_page = args["per_page"]
        offset = (args.get("page", 1) - 1) * per_page
        if offset + per_page > MAX_WINDOW:
            raise PageTooDeep(
                f"page × per_page may not exceed {MAX_WINDOW:,} results; follow `next_cursor` "
                "(or pass ?cursor=) to walk further.",
                errors={"page": [f"At most {MAX_WINDOW // per_page} with this per_page."]},
            )
        sort = identity["sort"]
        pit_id = cursor["p"] if cursor else None
        counting = per_page == 0  # totals and facets only: no page, so nothing to walk on
        collapsing = identity.get("collapse") == "story"
        # Elasticsearch takes search_after with collapse only when sorting on the story id
        # alone; a collapsed walk therefore pages by offset inside a point-in-time, which keeps
        # the set of stories fixed, so that no story is skipped or repeated.
        if collapsing and cursor:
            after = cursor["a"]
            if len(after) != 1 or not isinstance(after[0], int) or after[0] < 0:
                raise _bad_cursor("This cursor does not fit this query.")
            offset = after[0]
            if offset + per_page > MAX_WINDOW:
                raise _bad_cursor(f"A walk by story ends after {MAX_WINDOW:,} stories.")
        if (sort == "relevance" or collapsing) and pit_id is None and not counting:
            pit_id = self.index.open_point_in_time(queries.PIT_KEEP_ALIVE)
        spec = queries.SearchSpec(
            q=identity.get("q"),
            filters=self._filters(identity),
            sort=sort,
            size=per_page,
            offset=offset,
            search_after=cursor["a"] if cursor and not collapsing else None,
            facets=tuple(args.get("facets") or ()),
            facet_size=args["facet_size"],
            interval=args["interval"],
            highlight=self.highlighting if args.get("highlight") else None,
            include_text="text" in (args.get("fields") or ()),
            pit_id=pit_id,
            collapse_story=collapsing,
        )
        response = self._run(spec)
        hits = response["hits"]["hits"]
        pit_id = response.get("pit_id", pit_id)
        next_cursor = None
        if counting:
            pass  # a cursor given with per_page=0 stays usable: its point-in-time stays open
        elif len(hits) == per_page:
            after = [offset + per_page] if collapsing else hits[-1]["sort"]
            next_cursor = encode_cursor(identity, after, pit_id)
        elif pit_id:
            self.index.close_point_in_time(pit_id)
        result: dict[str, Any] = {
            "total": response["hits"]["total"],
            "items": self.with_story_sizes([queries.parse_hit(hit) for hit in hits]),
            "next_cursor": next_cursor,
        }
        if collapsing:
            result["stories"] = response["aggregations"]["story_total"]["value"]
        if spec.facets:
            result["facets"] = queries.parse_facets(response.get("aggregations", {}))
        return result

    def query_for(self, params: str) -> dict[str, Any]:
        """The query clause GET /articles would run for a query string's text and filters
        (paging, sort and facet parameters are ignored); raises ValidationError."""
        schema = ArticleQueryArgsSchema()
        parsed = urllib.parse.parse_qs(params, keep_blank_values=True, strict_parsing=False)
        raw = {
            name: values if isinstance(schema.fields.get(name), fields.List) else values[-1]
            for name, values in parsed.items()
        }
        identity = query_identity(schema.load(raw))
        return queries.query_clause(identity.get("q"), self._filters(identity))

    def _filters(self, identity: dict[str, Any]) -> queries.Filters:
        return queries.Filters(
            entities=tuple(
                (kind.name, lookup_keys(kind.name, value))
                for kind in ENTITY_KINDS
                for value in _values(identity.get(kind.filter))
            ),
            focus=bool(identity.get("focus")),
            language=identity["language"].lower() if identity.get("language") else None,
            published_from=_as_date(identity.get("published_from")),
            published_to=_as_date(identity.get("published_to")),
        )

    def _run(self, spec: queries.SearchSpec) -> dict[str, Any]:
        try:
            return self.index.search(queries.search_body(spec))
        except PointInTimeExpired:
            raise _bad_cursor(
                f"This cursor has expired (idle for over {queries.PIT_KEEP_ALIVE_MINUTES} "
                "minutes); start the walk again."
            ) from None
        except SearchAfterRejected:
            raise _bad_cursor("This cursor does not fit this query.") from None

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
        body = queries.entity_detail_body(kind, keys, co_size=10, latest=5)
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
            other: [
                self._entity_item(other, bucket)
                for bucket in aggregations[other]["buckets"]
                if not (other == kind and bucket["key"] == own["key"])
            ]
            for other in ("people", "regions")
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


def lookup_keys(kind: str, value: str) -> tuple[str, ...]:
    """The folded keys, any of which an article must carry to match `value` of this kind."""
    if kind == "regions":
        return region_lookup_keys(value)
    if kind == "outlets":
        return tuple(dict.fromkeys([fold(value), fold(value).removeprefix("www.")]))
    if kind == "people":
        return person_lookup_keys(value)
    if kind == "organizations":
        return organization_lookup_keys(value)
    return (fold(value),)


def _values(given: str | list[str] | None) -> list[str]:
    """A filter's values: repeatable filters are lists, the others a single string."""
    if not given:
        return []
    return given if isinstance(given, list) else [given]


def _as_date(value: str | None) -> dt.date | None:
    """Identities hold dates as ISO strings, so that they travel in cursors as they are."""
    return dt.date.fromisoformat(value) if value else None
