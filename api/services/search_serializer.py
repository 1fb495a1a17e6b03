"""The serialize step of a search: Elasticsearch's answer in, the API's page out. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.services.search_parser import ParsedSearch, encode_cursor
from api.store import queries


@dataclass
class Page:
    result: dict[str, Any]
    close_pit: str | None  # a walk that ended here: its point-in-time is no longer needed


def page(parsed: ParsedSearch, response: dict[str, Any], pit_id: str | None) -> Page:
    """The page of GET /articles (the items' story sizes are the executor's to add)."""
    hits = response["hits"]["hits"]
    spec = parsed.spec
    next_cursor = None
    close_pit = None
    if parsed.counting:
        pass  # a cursor given with per_page=0 stays usable: its point-in-time stays open
    elif len(hits) == spec.size:
        after = [spec.offset + spec.size] if parsed.collapsing else hits[-1]["sort"]
        next_cursor = encode_cursor(parsed.identity, after, pit_id)
    elif pit_id:
        close_pit = pit_id
    result: dict[str, Any] = {
        "total": response["hits"]["total"],
        "items": [queries.parse_hit(hit) for hit in hits],
        "next_cursor": next_cursor,
    }
    if parsed.collapsing:
        result["stories"] = response["aggregations"]["story_total"]["value"]
    if spec.facets:
        result["facets"] = queries.parse_facets(response.get("aggregations", {}))
    return Page(result, close_pit)
