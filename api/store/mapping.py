"""The articles index: settings and mapping, versioned.

Only what the bare Elasticsearch server offers is used (standard analyzer, the built-in
`lowercase` normalizer, keyword fields, aggregations), so the same mapping runs on the
integ-test distribution, on a full cluster and in the container. Accent folding happens in Python
(`api.textnorm.fold`) and lands in the `*_keys` and `*_folded` fields.

Bump MAPPING_VERSION on any incompatible change; `flask --app api reindex` copies documents into
the new concrete index and moves the alias.
"""

from __future__ import annotations

from typing import Any

# v2: authors are {name, type} objects (schema.org Person or Organization), not strings.
MAPPING_VERSION = 2

_KEYWORD = {"type": "keyword"}
_STORED_ONLY_KEYWORD = {"type": "keyword", "index": False, "doc_values": False}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    # The folded copies exist only to be searched; keeping them out of _source halves its size.
    "_source": {"excludes": ["title_folded", "text_folded"]},
    "properties": {
        "id": _KEYWORD,
        # Percent-encoding can make a URL longer than Lucene's term limit: store it, unindexed.
        "url": {"type": "keyword", "ignore_above": 8000},
        "content_hash": {"type": "keyword", "index": False},
        "title": {"type": "text", "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
        "text": {"type": "text"},
        "title_folded": {"type": "text"},
        "text_folded": {"type": "text"},
        "language": _KEYWORD,
        "published_at": {"type": "date"},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "word_count": {"type": "integer"},
        "authors": {"properties": {"name": _KEYWORD, "type": _KEYWORD}},
        "outlet": {
            "properties": {"name": _KEYWORD, "domain": _KEYWORD},
        },
        "people": {
            "properties": {
                "name": _KEYWORD,
                "aliases": _STORED_ONLY_KEYWORD,
                "mentions": {"type": "integer", "index": False},
                "title": _STORED_ONLY_KEYWORD,
            }
        },
        "regions": {
            "properties": {
                "name": _KEYWORD,
                "code": _KEYWORD,
                "type": _KEYWORD,
                "country": _KEYWORD,
                "parent": _KEYWORD,
                "aliases": _STORED_ONLY_KEYWORD,
                "mentions": {"type": "integer", "index": False},
                "focus": {"type": "boolean"},
            }
        },
        "organizations": {
            "properties": {
                "name": _KEYWORD,
                "mentions": {"type": "integer", "index": False},
            }
        },
        "provenance": {"type": "object", "enabled": False},
        # Folded lookup keys, written by api.store.documents: filters match these exactly.
        "person_keys": _KEYWORD,
        "author_keys": _KEYWORD,
        "outlet_keys": _KEYWORD,
        "organization_keys": _KEYWORD,
        "region_keys": _KEYWORD,
        "focus_region_keys": _KEYWORD,
        # "folded name|...|Display" per entity: one terms aggregation yields a facet or an
        # entity list with counts, and an `include` regex on the folded head does autocomplete.
        "people_entities": _KEYWORD,
        "author_entities": _KEYWORD,
        "organization_entities": _KEYWORD,
        "outlet_entities": _KEYWORD,
        "region_entities": _KEYWORD,
    },
}


def index_settings(shards: int, replicas: int, refresh_interval: str) -> dict[str, Any]:
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "refresh_interval": refresh_interval,
    }
