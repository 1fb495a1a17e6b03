"""Pure builders of the requests behind trends, timelines and related articles (issue #26),
and parsers of their answers. No I/O here.

The entity buckets come from the facet builders of api.store.queries (`facet_aggregations`,
`parse_facets`), so that trends name and count entities exactly as facets do.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from api.store import queries
from api.store.documents import KEY_FIELDS, language_fields
from api.store.languages import LANGUAGE_FIELD_NAMES
from api.textnorm import fold

# --- trends ---------------------------------------------------------------------------------

# A trend compares two periods of equal length: the window and the period right before it.
# An entity trends when its count in the window exceeds what its count before predicts (scaled
# by how many articles each period holds) by at least TREND_MIN_SCORE standard deviations of a
# Poisson count, and it is named in at least TREND_MIN_COUNT articles of the window.
TREND_MIN_SCORE = 3.0
TREND_MIN_COUNT = 3
# The entities with the most articles in the window that are weighed (those with fewer cannot
# outrank them by much: a trend needs TREND_MIN_COUNT articles in the window).
TREND_CANDIDATES = 500


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC."""

    start: dt.datetime
    end: dt.datetime

    def range_clause(self) -> dict[str, Any]:
        return {
            "range": {
                "published_at": {
                    "gte": self.start.isoformat(),
                    "lt": self.end.isoformat(),
                }
            }
        }

    def before(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.start - (self.end - self.start), self.start)


def trends_body(
    kind: str, q: str | None, filters: queries.Filters, window: Period
) -> dict[str, Any]:
    """Articles of the window and of the period before it, per entity (the facet's buckets,
    ordered by their count in the window), with both periods' totals."""
    before = window.before()
    entities = queries.facet_aggregations([kind], TREND_CANDIDATES, "month")[kind]
    entities.setdefault("aggs", {})["in_window"] = {"filter": window.range_clause()}
    if "terms" in entities:
        entities["terms"]["order"] = [{"in_window": "desc"}, {"_key": "asc"}]
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {
            "bool": {
                "must": [queries.query_clause(q, filters)],
                "filter": [Period(before.start, window.end).range_clause()],
            }
        },
        "aggs": {
            "window_total": {"filter": window.range_clause()},
            "before_total": {"filter": before.range_clause()},
            kind: entities,
        },
    }


@dataclass(frozen=True)
class EntityCounts:
    entity: dict[str, Any]  # as the facet names it: value (and code, type)
    in_window: int
    before: int


def parse_trend_counts(
    kind: str, aggregations: dict[str, Any]
) -> tuple[int, int, list[EntityCounts]]:
    """Both periods' article totals, and each entity's count in each period."""
    buckets = aggregations[kind]["buckets"]
    named = queries.parse_facets({kind: aggregations[kind]})[kind]
    counts = [
        EntityCounts(
            entity={k: v for k, v in facet.items() if k != "count"},
            in_window=bucket["in_window"]["doc_count"],
            before=bucket["doc_count"] - bucket["in_window"]["doc_count"],
        )
        for facet, bucket in zip(named, buckets, strict=True)
    ]
    return (
        aggregations["window_total"]["doc_count"],
        aggregations["before_total"]["doc_count"],
        counts,
    )


def trend_score(in_window: int, before: int, window_total: int, before_total: int) -> float:
    """How far the window's count exceeds the one the period before predicts, in Poisson
    standard deviations: (observed − expected) / √(expected + 1). The expectation scales the
    count before by the ratio of the periods' article totals, so that a window that simply
    holds more articles does not make everything trend; the +1 keeps an entity that was never
    named before from scoring infinitely."""
    ratio = window_total / before_total if before_total else 1.0
    expected = before * ratio
    return float((in_window - expected) / math.sqrt(expected + 1))


# --- timelines --------------------------------------------------------------------------------

# interval=auto picks the finest of these that gives at most AUTO_MAX_BUCKETS buckets.
AUTO_INTERVALS: tuple[tuple[str, dt.timedelta], ...] = (
    ("hour", dt.timedelta(hours=1)),
    ("day", dt.timedelta(days=1)),
    ("week", dt.timedelta(weeks=1)),
    ("month", dt.timedelta(days=31)),
)
AUTO_MAX_BUCKETS = 100


def auto_interval(first: dt.datetime, last: dt.datetime) -> str:
    """The finest calendar interval whose buckets from `first` to `last` number at most
    AUTO_MAX_BUCKETS (a month counted as 31 days, so never more); month beyond."""
    for name, _ in AUTO_INTERVALS:
        if bucket_count(first, last, name) <= AUTO_MAX_BUCKETS:
            return name
    return "month"


def bucket_count(first: dt.datetime, last: dt.datetime, interval: str) -> int:
    """How many calendar buckets of `interval` from `first` to `last` touch (at most)."""
    length = dict(AUTO_INTERVALS)[interval]
    return (last - first) // length + 2


def date_bounds_body(q: str | None, filters: queries.Filters) -> dict[str, Any]:
    """The first and last publication date among the articles a search matches."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": queries.query_clause(q, filters),
        "aggs": {
            "first": {"min": {"field": "published_at"}},
            "last": {"max": {"field": "published_at"}},
        },
    }


def parse_date_bounds(aggregations: dict[str, Any]) -> tuple[dt.datetime, dt.datetime] | None:
    first, last = aggregations["first"].get("value"), aggregations["last"].get("value")
    if first is None or last is None:
        return None
    return (
        dt.datetime.fromtimestamp(first / 1000, dt.UTC),
        dt.datetime.fromtimestamp(last / 1000, dt.UTC),
    )


# --- related articles -----------------------------------------------------------------------

# Words of the article that a related one is matched on (more_like_this), and how much one
# shared person or region adds to the text's score.
RELATED_MAX_TERMS = 40
SHARED_ENTITY_BOOST = 0.5
RELATED_TEXT_CHARS = 20_000
# The copies of the article's story listed beside the related articles at most.
RELATED_MAX_COPIES = 100


def related_text_fields(article: dict[str, Any]) -> dict[str, str]:
    """The article's title and text in the fields of its language (stemmed there), or folded
    in the exact fields when the language has none."""
    in_language = language_fields(article)
    if in_language:
        return {
            name: value[:RELATED_TEXT_CHARS]
            for name, value in in_language.items()
            if name in LANGUAGE_FIELD_NAMES and not name.endswith("_lemmas")
        }
    return {
        "title_folded": fold(article.get("title") or ""),
        "text_folded": fold(article.get("text") or "")[:RELATED_TEXT_CHARS],
    }


def shared_entity_keys(article: dict[str, Any]) -> dict[str, list[str]]:
    """The lookup keys of the article's own people (their names) and regions (their codes, not
    their ancestors': two articles in one country do not share a place for that)."""
    return {
        "people": list(dict.fromkeys(fold(p["name"]) for p in article.get("people", []))),
        "regions": list(
            dict.fromkeys(fold(r.get("code") or r["name"]) for r in article.get("regions", []))
        ),
    }


def related_body(article: dict[str, Any], size: int) -> dict[str, Any]:
    """Articles like this one (its words, in its language's analysis; the people and regions
    they share add to the score), neither the article itself nor a copy of its story."""
    text_fields = related_text_fields(article)
    entity_keys = shared_entity_keys(article)
    must_not: list[dict[str, Any]] = [{"ids": {"values": [article["id"]]}}]
    story_id = (article.get("story") or {}).get("id")
    if story_id:
        must_not.append({"term": {"story.id": story_id}})
    should: list[dict[str, Any]] = [
        {"terms": {KEY_FIELDS[kind]: keys, "boost": SHARED_ENTITY_BOOST}}
        for kind, keys in entity_keys.items()
        if keys
    ]
    return {
        "size": size,
        "track_total_hits": False,
        "_source": {"excludes": [*queries.SUMMARY_EXCLUDES, "text"]},
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": list(text_fields),
                            "like": [{"doc": text_fields}],
                            "min_term_freq": 1,
                            "min_doc_freq": 1,
                            "max_query_terms": RELATED_MAX_TERMS,
                            "minimum_should_match": "10%",
                        }
                    }
                ],
                "should": should,
                "must_not": must_not,
            }
        },
    }


def shared_entities(article: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """The people and regions both articles name (regions by code, people by name)."""
    people = {fold(p["name"]) for p in article.get("people", [])}
    codes = {r.get("code") for r in article.get("regions", []) if r.get("code")}
    names = {fold(r["name"]) for r in article.get("regions", [])}
    return {
        "people": [p["name"] for p in other.get("people", []) if fold(p["name"]) in people],
        "regions": [
            {"name": r["name"], "code": r.get("code")}
            for r in other.get("regions", [])
            if (r.get("code") in codes if r.get("code") else fold(r["name"]) in names)
        ],
    }
