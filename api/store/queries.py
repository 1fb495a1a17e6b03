"""Pure builders of Elasticsearch request bodies and parsers of their answers. No I/O here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from api.store import identity_queries
from api.store.documents import (
    DERIVED_FIELDS,
    ENTITY_FIELDS,
    FOCUS_REGION_KEYS,
    KEY_FIELDS,
    parse_entity,
    region_entity_fields,
)
from api.store.languages import LANGUAGES, LEMMATIZED_LANGUAGES, language_field
from api.textanalysis import lemmatize
from api.textnorm import fold

# Title matches count three times as much as body matches.
TITLE_BOOST = 3
# What a search hit never carries: internal fields, and the text unless asked for.
SUMMARY_EXCLUDES = [*DERIVED_FIELDS, "content_hash", "provenance"]
TIE_BREAKER = {"id": "asc"}
DATE_FORMAT = "yyyy-MM-dd"
HOUR_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'"  # hourly timeline buckets (always UTC)
# How long a point-in-time outlives its last page: a cursor idle for longer has expired.
PIT_KEEP_ALIVE_MINUTES = 5
PIT_KEEP_ALIVE = f"{PIT_KEEP_ALIVE_MINUTES}m"
_FACET_FIELDS = {"published_at": "published_at", **ENTITY_FIELDS}


@dataclass(frozen=True)
class Filters:
    """The filters of a search, already folded and, for regions, expanded to lookup keys."""

    # (entity kind, alternative keys) per requested value: any key of each must match.
    entities: tuple[tuple[str, tuple[str, ...]], ...] = ()
    focus: bool = False  # regions match only the article's focus regions
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
    # The published_at facet's empty buckets as 0 (issue #26), between these bounds (epoch
    # milliseconds) when known; else between the first and the last article.
    zero_fill: bool = False
    timeline_bounds: tuple[int, int] | None = None
    highlight: Highlighting | None = None
    include_text: bool = False
    pit_id: str | None = None
    # One hit per story (field collapsing); facets and the total then also count stories.
    collapse_story: bool = False


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for kind, keys in filters.entities:
        field = KEY_FIELDS[kind]
        if kind == "regions" and filters.focus:
            field = FOCUS_REGION_KEYS
        if len(keys) == 1:
            clauses.append({"term": {field: keys[0]}})
        else:
            clauses.append({"terms": {field: list(keys)}})
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


def _simple_query(query: str, fields: list[str], operator: str = "and") -> dict[str, Any]:
    """simple_query_string never fails on bad syntax; it searches what it can."""
    return {
        "simple_query_string": {
            "query": query,
            "fields": fields,
            "default_operator": operator,
            "lenient": True,
        }
    }


def _title_and_text(title: str, text: str) -> list[str]:
    return [f"{title}^{TITLE_BOOST}", text]


# The fields of every language as written (stemmed, for matches and highlights).
_WRITTEN_FIELDS = [
    field
    for language in LANGUAGES
    for field in _title_and_text(
        language_field("title", language), language_field("text", language)
    )
]


def text_query(q: str) -> dict[str, Any]:
    """The article must hold every word of the query in one of its forms: as written (any
    language, accents folded), stemmed in its language, or, for the lemmatized languages, as
    the same lemma. The query's language is not asked: every language's fields are searched,
    and only an article's own language's fields hold anything. An article matching in more
    ways (the very words, and their lemmas) scores higher than one matching an inflection."""
    clauses = [
        _simple_query(fold(q), _title_and_text("title_folded", "text_folded")),
        _simple_query(q, _WRITTEN_FIELDS),
    ]
    for language in LEMMATIZED_LANGUAGES:
        title = language_field("title", language, lemmas=True)
        text = language_field("text", language, lemmas=True)
        clauses.append(_simple_query(lemmatize(q, language), _title_and_text(title, text)))
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


# Relevance (docs/search.md): a word in the title counts TITLE_BOOST times one in the body; the
# query's words near each other (within PROXIMITY_SLOP positions, in order or not) add a phrase
# score; and the score is multiplied by a factor from RECENCY_FLOOR (old) to 1 (today) that
# halves its distance to the floor every RECENCY_HALF_LIFE, so that of two equally relevant
# articles the recent one ranks first, while a much better match still beats a newer one.
PROXIMITY_SLOP = 3
RECENCY_FLOOR = 0.7
RECENCY_HALF_LIFE = "180d"


def proximity_query(q: str) -> dict[str, Any]:
    """Scores (never filters) articles where the query's words stand close together."""
    return {
        "multi_match": {
            "query": fold(q),
            "type": "phrase",
            "slop": PROXIMITY_SLOP,
            "fields": _title_and_text("title_folded", "text_folded"),
        }
    }


def with_recency(query: dict[str, Any]) -> dict[str, Any]:
    """The query's score times RECENCY_FLOOR + (1 - RECENCY_FLOOR) × an exponential decay of
    the publication date's age (an undated article counts as of today)."""
    return {
        "function_score": {
            "query": query,
            "functions": [
                {"weight": RECENCY_FLOOR},
                {
                    "exp": {
                        "published_at": {
                            # Whole days: a relevance walk's scores must not move
                            # between its pages (they do only across midnight).
                            "origin": "now/d",
                            "scale": RECENCY_HALF_LIFE,
                            "decay": 0.5,
                        }
                    },
                    "weight": 1 - RECENCY_FLOOR,
                },
            ],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }


def query_clause(q: str | None, filters: Filters) -> dict[str, Any]:
    if not (q and q.strip()):
        return {"bool": {"must": [], "filter": filter_clauses(filters)}}
    return with_recency(
        {
            "bool": {
                "must": [text_query(q)],
                "should": [proximity_query(q)],
                "filter": filter_clauses(filters),
            }
        }
    )


def sort_clause(sort: str) -> list[Any]:
    published_desc = {"published_at": {"order": "desc", "missing": "_last"}}
    published_asc = {"published_at": {"order": "asc", "missing": "_last"}}
    if sort == "relevance":
        return ["_score", published_desc, TIE_BREAKER]
    if sort == "published_at":
        return [published_asc, TIE_BREAKER]
    return [published_desc, TIE_BREAKER]


# Story counts are exact below this many stories per bucket (Elasticsearch's ceiling is 40,000).
STORY_PRECISION = 40_000
_STORY_COUNT = {"cardinality": {"field": "story.id", "precision_threshold": STORY_PRECISION}}


def facet_aggregations(
    facets: Iterable[str],
    size: int,
    interval: str,
    count_stories: bool = False,
    zero_fill: bool = False,
    timeline_bounds: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Facet aggregations; with count_stories every bucket also counts its distinct stories."""
    aggregations: dict[str, Any] = {}
    for name in facets:
        if name == "published_at":
            aggregations[name] = {
                "date_histogram": timeline_histogram(interval, zero_fill, timeline_bounds)
            }
        elif name == "people":  # one bucket per person, whatever the spelling
            aggregations[name] = identity_queries.people_facet(size)
        else:
            aggregations[name] = {"terms": {"field": _FACET_FIELDS[name], "size": size}}
        if count_stories:
            aggregations[name].setdefault("aggs", {})["stories"] = _STORY_COUNT
    return aggregations


def timeline_histogram(
    interval: str, zero_fill: bool, bounds: tuple[int, int] | None
) -> dict[str, Any]:
    """The published_at facet's histogram; with zero_fill its empty buckets too (from the
    first bound to the last, when given)."""
    histogram: dict[str, Any] = {
        "field": "published_at",
        "calendar_interval": interval,
        "format": HOUR_FORMAT if interval == "hour" else DATE_FORMAT,
        "min_doc_count": 0 if zero_fill else 1,
    }
    if zero_fill and bounds:
        histogram["extended_bounds"] = {"min": bounds[0], "max": bounds[1]}
    return histogram


def highlight_clause(q: str, highlighting: Highlighting) -> dict[str, Any]:
    """Highlight the stored title and text with the unfolded query, and the same words as
    written in the fields of the article's language (stored, so their highlights mark other
    inflections in the article's own words); `html` escapes the rest."""
    title = {"number_of_fragments": 0}
    text = {"fragment_size": 160, "number_of_fragments": 3}
    fields: dict[str, Any] = {"title": title, "text": text}
    for language in LANGUAGES:
        fields[language_field("title", language)] = title
        fields[language_field("text", language)] = text
    return {
        "pre_tags": [highlighting.pre_tag],
        "post_tags": [highlighting.post_tag],
        "encoder": "html",
        "highlight_query": _simple_query(q, list(fields), operator="or"),
        "fields": fields,
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
        body["aggs"] = facet_aggregations(
            spec.facets,
            spec.facet_size,
            spec.interval,
            spec.collapse_story,
            spec.zero_fill,
            spec.timeline_bounds,
        )
    if spec.collapse_story:
        # Elasticsearch collapses only the top hits: `from` pages through stories (search_after
        # would have to sort on the story id alone), and this aggregation counts them.
        body["collapse"] = {"field": "story.id"}
        body.setdefault("aggs", {})["story_total"] = _STORY_COUNT
    if spec.highlight and spec.q and spec.q.strip():
        body["highlight"] = highlight_clause(spec.q, spec.highlight)
    if spec.pit_id:
        body["pit"] = {"id": spec.pit_id, "keep_alive": PIT_KEEP_ALIVE}
    return body


def parse_facets(aggregations: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, result in aggregations.items():
        if name == "story_total":
            continue
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
        elif name == "people":
            facets[name] = identity_queries.parse_people_facet(buckets)
        else:
            facets[name] = [
                {"value": parse_entity(bucket["key"]).name, "count": bucket["doc_count"]}
                for bucket in buckets
            ]
        for facet, bucket in zip(facets[name], buckets, strict=True):
            if "stories" in bucket:
                facet["stories"] = bucket["stories"]["value"]
    return facets


# Outlets listed per story when counting them exactly.
MAX_STORY_OUTLETS = 1_000


def story_sizes_body(story_ids: list[str], article_ids: list[str]) -> dict[str, Any]:
    """Articles and outlets of each of these stories, and which of `article_ids` are already
    searchable (an article written within the refresh interval is not yet), in one request."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"terms": {"story.id": story_ids}},
        "aggs": {
            "stories": {
                "terms": {"field": "story.id", "size": len(story_ids)},
                "aggs": {
                    "outlets": {"terms": {"field": "outlet.name", "size": MAX_STORY_OUTLETS}},
                    "visible": {
                        "filter": {"ids": {"values": article_ids}},
                        "aggs": {"ids": {"terms": {"field": "id", "size": len(article_ids)}}},
                    },
                },
            }
        },
    }


def story_members_body(story_ids: list[str], size: int) -> dict[str, Any]:
    """The articles of these stories, first publication first."""
    return {
        "size": size,
        "track_total_hits": True,
        "query": {"terms": {"story.id": story_ids}},
        "sort": [{"published_at": {"order": "asc", "missing": "_last"}}, TIE_BREAKER],
        "_source": {"includes": ["id", "title", "outlet", "url", "published_at", "story"]},
        "seq_no_primary_term": True,
    }


def story_candidates_body(bands: list[str], article_ids: list[str], size: int) -> dict[str, Any]:
    """Articles sharing an LSH band with any of these, and those whose story is named after one
    of these ids; with what verification and the merge rule need."""
    return {
        "size": size,
        "track_total_hits": False,
        "query": {
            "bool": {
                "should": [
                    {"terms": {"story_bands": bands}},
                    {"terms": {"story.id": article_ids}},
                ],
                "minimum_should_match": 1,
            }
        },
        "_source": {
            "includes": [
                "id",
                "published_at",
                "story",
                "story_signature",
                "people.name",
                "regions.code",
            ]
        },
        "seq_no_primary_term": True,
    }


def _author_facet(key: str) -> dict[str, Any]:
    entity = parse_entity(key)
    return {"value": entity.name, "type": entity.extra[0]}


def _region_facet(key: str) -> dict[str, Any]:
    region = region_entity_fields(parse_entity(key))
    return {"value": region["name"], "code": region["code"], "type": region["type"]}


def parse_hit(hit: dict[str, Any]) -> dict[str, Any]:
    item = dict(hit["_source"])
    if "highlight" in hit:
        item["highlights"] = _highlights(hit["highlight"])
    return item


def _highlights(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The title's and text's highlights: those of the article's language's field where it has
    some (they mark the inflections too), else those of the exact field."""
    highlights = {}
    for part in ("title", "text"):
        in_language = [
            found[language_field(part, language)]
            for language in LANGUAGES
            if language_field(part, language) in found
        ]
        fragments = in_language[0] if in_language else found.get(part)
        if fragments:
            highlights[part] = fragments
    return highlights


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


CO_MENTIONED_PEOPLE = "co_mentioned_people"


def entity_detail_body(kind: str, keys: list[str], co_size: int, latest: int) -> dict[str, Any]:
    """Everything known about one entity: its variants, co-mentions and latest articles.
    People co-mentioned are counted by identity, once per person whatever the spelling."""
    aggregations = {
        name: {"terms": {"field": ENTITY_FIELDS[name], "size": co_size}}
        for name in ENTITY_FIELDS
        if name != "people"
    }
    aggregations[CO_MENTIONED_PEOPLE] = identity_queries.people_facet(co_size + 1)
    return {
        "query": {"bool": {"filter": [{"terms": {KEY_FIELDS[kind]: keys}}]}},
        "size": latest,
        "sort": sort_clause("-published_at"),
        "_source": {"excludes": [*SUMMARY_EXCLUDES, "text"]},
        "track_total_hits": True,
        "aggs": aggregations,
    }


def co_mentioned_people(
    aggregations: dict[str, Any], size: int, own_id: str | None = None
) -> list[dict[str, Any]]:
    """The people an entity's articles name (entity_detail_body), but the entity itself."""
    people = identity_queries.parse_people_facet(aggregations[CO_MENTIONED_PEOPLE]["buckets"])
    named = [
        {"name": person["value"], "id": person["id"], "articles": person["count"]}
        for person in people
        if person["id"] != own_id
    ]
    # Elasticsearch breaks count ties by bucket key, a person's id (a hash): read them by name.
    return sorted(named, key=lambda person: (-person["articles"], fold(person["name"])))[:size]
