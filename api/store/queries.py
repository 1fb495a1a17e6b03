"""Pure builders of Elasticsearch request bodies and parsers of their answers. No I/O here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from api.store.documents import (
    DERIVED_FIELDS,
    ENTITY_FIELDS,
    parse_entity,
    region_entity_fields,
)
from api.textnorm import fold

# Title matches count three times as much as body matches.
TITLE_BOOST = 3
# What a search hit never carries: internal fields, and the text unless asked for.
SUMMARY_EXCLUDES = [*DERIVED_FIELDS, "content_hash", "provenance"]
TIE_BREAKER = {"id": "asc"}
DATE_FORMAT = "yyyy-MM-dd"
_FACET_FIELDS = {"published_at": "published_at", **ENTITY_FIELDS}


@dataclass(frozen=True)
class Filters:
    """The filters of a search, already folded and, for regions, expanded to lookup keys."""

    people: tuple[str, ...] = ()
    # One tuple of alternative keys per requested region: any key of each must match.
    regions: tuple[tuple[str, ...], ...] = ()
    focus: bool = False
    author: str | None = None
    outlet: str | None = None
    organizations: tuple[str, ...] = ()
    language: str | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None


@dataclass(frozen=True)
class Highlighting:
    pre_tag: str = "<mark>"
    post_tag: str = "</mark>"


@dataclass(frozen=True)
class SearchSpec:
    q: str | None
    filters: Filters
    sort: str
    size: int
    offset: int = 0
    search_after: list[Any] | None = None
    facets: tuple[str, ...] = ()
    facet_size: int = 10
    interval: str = "month"
    highlight: Highlighting | None = None
    include_text: bool = False
    pit_id: str | None = None


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"term": {"person_keys": person}} for person in filters.people]
    region_field = "focus_region_keys" if filters.focus else "region_keys"
    clauses += [{"terms": {region_field: list(keys)}} for keys in filters.regions]
    clauses += [{"term": {"organization_keys": org}} for org in filters.organizations]
    if filters.author:
        clauses.append({"term": {"author_keys": filters.author}})
    if filters.outlet:
        clauses.append({"term": {"outlet_keys": filters.outlet}})
    if filters.language:
        clauses.append({"term": {"language": filters.language}})
    if filters.published_from or filters.published_to:
        bounds: dict[str, str] = {}
        # Date math rounding makes both ends inclusive whole days.
        if filters.published_from:
            bounds["gte"] = f"{filters.published_from.isoformat()}||/d"
        if filters.published_to:
            bounds["lte"] = f"{filters.published_to.isoformat()}||/d"
        clauses.append({"range": {"published_at": bounds}})
    return clauses


def text_query(q: str) -> dict[str, Any]:
    """simple_query_string never fails on bad syntax; it searches what it can."""
    return {
        "simple_query_string": {
            "query": fold(q),
            "fields": [f"title_folded^{TITLE_BOOST}", "text_folded"],
            "default_operator": "and",
            "lenient": True,
        }
    }


def query_clause(q: str | None, filters: Filters) -> dict[str, Any]:
    must = [text_query(q)] if q and q.strip() else []
    return {"bool": {"must": must, "filter": filter_clauses(filters)}}


def sort_clause(sort: str) -> list[Any]:
    published_desc = {"published_at": {"order": "desc", "missing": "_last"}}
    published_asc = {"published_at": {"order": "asc", "missing": "_last"}}
    if sort == "relevance":
        return ["_score", published_desc, TIE_BREAKER]
    if sort == "published_at":
        return [published_asc, TIE_BREAKER]
    return [published_desc, TIE_BREAKER]


def facet_aggregations(facets: Iterable[str], size: int, interval: str) -> dict[str, Any]:
    aggregations: dict[str, Any] = {}
    for name in facets:
        if name == "published_at":
            aggregations[name] = {
                "date_histogram": {
                    "field": "published_at",
                    "calendar_interval": interval,
                    "format": DATE_FORMAT,
                    "min_doc_count": 1,
                }
            }
        else:
            aggregations[name] = {"terms": {"field": _FACET_FIELDS[name], "size": size}}
    return aggregations


def highlight_clause(q: str, highlighting: Highlighting) -> dict[str, Any]:
    """Highlight the stored title and text with the unfolded query; `html` escapes the rest."""
    return {
        "pre_tags": [highlighting.pre_tag],
        "post_tags": [highlighting.post_tag],
        "encoder": "html",
        "highlight_query": {
            "simple_query_string": {
                "query": q,
                "fields": ["title", "text"],
                "default_operator": "or",
                "lenient": True,
            }
        },
        "fields": {
            "title": {"number_of_fragments": 0},
            "text": {"fragment_size": 160, "number_of_fragments": 3},
        },
    }


def search_body(spec: SearchSpec) -> dict[str, Any]:
    excludes = SUMMARY_EXCLUDES if spec.include_text else [*SUMMARY_EXCLUDES, "text"]
    body: dict[str, Any] = {
        "query": query_clause(spec.q, spec.filters),
        "sort": sort_clause(spec.sort),
        "size": spec.size,
        "_source": {"excludes": excludes},
        "track_total_hits": True,
    }
    if spec.search_after is not None:
        body["search_after"] = spec.search_after
    elif spec.offset:
        body["from"] = spec.offset
    if spec.facets:
        body["aggs"] = facet_aggregations(spec.facets, spec.facet_size, spec.interval)
    if spec.highlight and spec.q and spec.q.strip():
        body["highlight"] = highlight_clause(spec.q, spec.highlight)
    if spec.pit_id:
        body["pit"] = {"id": spec.pit_id, "keep_alive": "5m"}
    return body


def parse_facets(aggregations: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, result in aggregations.items():
        buckets = result.get("buckets", [])
        if name == "published_at":
            facets[name] = [
                {"value": bucket["key_as_string"], "count": bucket["doc_count"]}
                for bucket in buckets
            ]
        elif name == "regions":
            facets[name] = [
                {**_region_facet(bucket["key"]), "count": bucket["doc_count"]} for bucket in buckets
            ]
        elif name == "authors":
            facets[name] = [
                {**_author_facet(bucket["key"]), "count": bucket["doc_count"]} for bucket in buckets
            ]
        else:
            facets[name] = [
                {"value": parse_entity(bucket["key"]).name, "count": bucket["doc_count"]}
                for bucket in buckets
            ]
    return facets


def _author_facet(key: str) -> dict[str, Any]:
    entity = parse_entity(key)
    return {"value": entity.name, "type": entity.extra[0]}


def _region_facet(key: str) -> dict[str, Any]:
    region = region_entity_fields(parse_entity(key))
    return {"value": region["name"], "code": region["code"], "type": region["type"]}


def parse_hit(hit: dict[str, Any]) -> dict[str, Any]:
    item = dict(hit["_source"])
    if "highlight" in hit:
        item["highlights"] = {
            name: fragments
            for name, fragments in hit["highlight"].items()
            if name in {"title", "text"}
        }
    return item


# --- entity lists -----------------------------------------------------------------------------


def _regex_literal(text: str) -> str:
    """Escape every character that Lucene's regular expression syntax treats specially."""
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~^$-])', r"\\\1", text)


def entity_include(prefix: str | None, contains: str | None, kind: str | None = None) -> str | None:
    """An `include` regex over "folded|...": a word prefix of the folded head, or a substring;
    with `kind`, only entities whose first extra field is it (an author's type)."""
    head = "[^|]*"
    rest = f"\\|{_regex_literal(kind)}\\|.*" if kind else "\\|.*"
    if prefix:
        return f"([^|]* )?{_regex_literal(fold(prefix))}{head}{rest}"
    if contains:
        return f"{head}{_regex_literal(fold(contains))}{head}{rest}"
    return f"{head}{rest}" if kind else None


def entity_list_body(
    kind: str,
    size: int,
    prefix: str | None = None,
    contains: str | None = None,
    entity_type: str | None = None,
) -> dict[str, Any]:
    terms: dict[str, Any] = {"field": ENTITY_FIELDS[kind], "size": size}
    include = entity_include(prefix, contains, entity_type)
    if include:
        terms["include"] = include
    return {"size": 0, "track_total_hits": False, "aggs": {"entities": {"terms": terms}}}


def entity_detail_body(
    key_field: str, keys: list[str], co_size: int, latest: int
) -> dict[str, Any]:
    """Everything known about one entity: its variants, co-mentions and latest articles."""
    return {
        "query": {"bool": {"filter": [{"terms": {key_field: keys}}]}},
        "size": latest,
        "sort": sort_clause("-published_at"),
        "_source": {"excludes": [*SUMMARY_EXCLUDES, "text"]},
        "track_total_hits": True,
        "aggs": {
            name: {"terms": {"field": ENTITY_FIELDS[name], "size": co_size}}
            for name in ENTITY_FIELDS
        },
    }
