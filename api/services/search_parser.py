"""The parse step of a search: GET /articles arguments in, a SearchSpec and what paging needs
out. No I/O here.

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
from dataclasses import dataclass
from typing import Any

from api.entities import ENTITY_KINDS
from api.errors import InvalidCursor, PageTooDeep
from api.extraction.gazetteer import region_records
from api.extraction.identity import organization_lookup_keys, person_lookup_keys
from api.store import queries
from api.textnorm import fold

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
        raise bad_cursor("This cursor is not one this API issued.")
    cursor: dict[str, Any] = payload
    return cursor


def continue_identity(
    cursor: dict[str, Any], identity: dict[str, Any], given: set[str]
) -> dict[str, Any]:
    """A cursor continues its own query; parameters given beside it must agree with it."""
    if given & set(IDENTITY_PARAMS) and identity != cursor["q"]:
        raise bad_cursor(
            "This cursor belongs to a different query; drop the other "
            "query parameters or start again without cursor."
        )
    return dict(cursor["q"])


def bad_cursor(detail: str) -> InvalidCursor:
    return InvalidCursor(detail, errors={"cursor": [detail]})


@dataclass(frozen=True)
class ParsedSearch:
    """A search as the executor runs it: the spec (without a point-in-time yet) and the paging
    facts the serializer needs to write the next cursor."""

    spec: queries.SearchSpec
    identity: dict[str, Any]
    pit_id: str | None  # the walk's point-in-time, carried by its cursor
    needs_pit: bool  # a new walk that must open one
    counting: bool  # per_page=0: totals and facets only, nothing to walk on
    collapsing: bool


def parse_search(args: dict[str, Any], highlighting: queries.Highlighting) -> ParsedSearch:
    """From ArticleQueryArgsSchema's arguments, which hold exactly the parameters the client
    gave plus the defaults of those that do not define the query; raises InvalidCursor or
    PageTooDeep."""
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
    counting = per_page == 0
    collapsing = identity.get("collapse") == "story"
    # Elasticsearch takes search_after with collapse only when sorting on the story id
    # alone; a collapsed walk therefore pages by offset inside a point-in-time, which keeps
    # the set of stories fixed, so that no story is skipped or repeated.
    if collapsing and cursor:
        after = cursor["a"]
        if len(after) != 1 or not isinstance(after[0], int) or after[0] < 0:
            raise bad_cursor("This cursor does not fit this query.")
        offset = after[0]
        if offset + per_page > MAX_WINDOW:
            raise bad_cursor(f"A walk by story ends after {MAX_WINDOW:,} stories.")
    spec = queries.SearchSpec(
        q=identity.get("q"),
        filters=filters_for(identity),
        sort=sort,
        size=per_page,
        offset=offset,
        search_after=cursor["a"] if cursor and not collapsing else None,
        facets=tuple(args.get("facets") or ()),
        facet_size=args["facet_size"],
        interval=args["interval"],
        zero_fill=bool(args.get("zero_fill")),
        highlight=highlighting if args.get("highlight") else None,
        include_text="text" in (args.get("fields") or ()),
        pit_id=pit_id,
        collapse_story=collapsing,
    )
    return ParsedSearch(
        spec=spec,
        identity=identity,
        pit_id=pit_id,
        needs_pit=(sort == "relevance" or collapsing) and pit_id is None and not counting,
        counting=counting,
        collapsing=collapsing,
    )


def filters_for(identity: dict[str, Any]) -> queries.Filters:
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
