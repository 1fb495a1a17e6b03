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

from api.entities import ENTITY_KINDS
from api.store.documents import FOCUS_REGION_KEYS
from api.store.languages import LANGUAGES, LEMMATIZED_LANGUAGES, PARTS, language_field

# v2: authors are {name, type} objects (schema.org Person or Organization), not strings.
# v3: stories (story id, LSH bands, MinHash signature) and the folded-text key of exact copies.
# v4: language-aware title and text (ANALYSIS, LANGUAGE_FIELDS), and person and organisation
#     identities (IDENTITY_PROPERTIES).
MAPPING_VERSION = 4
STORIES_SINCE = 3

_KEYWORD = {"type": "keyword"}

# Language-aware full text (v4).
# Analyzers built only from the names of Elasticsearch's built-in analysis (`stemmer`,
# `asciifolding`, `elision`, `german_normalization`, `stop`, `lowercase`): a full distribution
# has them all, and the local integ-test node gets them from scripts/analysis-plugin. One
# analyzer per language the extraction speaks, each with its stop words and stemmer, every
# one folded for accents after stemming (the stemmers know the accented endings).
ANALYSIS: dict[str, Any] = {
    "filter": {
        "article_stop_en": {"type": "stop", "stopwords": "_english_"},
        "article_possessive_en": {"type": "stemmer", "language": "possessive_english"},
        "article_stem_en": {"type": "stemmer", "language": "english"},
        "article_stop_de": {"type": "stop", "stopwords": "_german_"},
        "article_stem_de": {"type": "stemmer", "language": "light_german"},
        "article_stop_fr": {"type": "stop", "stopwords": "_french_"},
        "article_stem_fr": {"type": "stemmer", "language": "light_french"},
        "article_stop_es": {"type": "stop", "stopwords": "_spanish_"},
        "article_stem_es": {"type": "stemmer", "language": "light_spanish"},
    },
    "analyzer": {
        "article_en": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "article_possessive_en",
                "lowercase",
                "article_stop_en",
                "article_stem_en",
                "asciifolding",
            ],
        },
        "article_de": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "article_stop_de",
                "german_normalization",
                "article_stem_de",
                "asciifolding",
            ],
        },
        "article_fr": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                "elision",
                "lowercase",
                "article_stop_fr",
                "article_stem_fr",
                "asciifolding",
            ],
        },
        "article_es": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "article_stop_es", "article_stem_es", "asciifolding"],
        },
    },
}
# Per language (api.store.languages), the article's title and text analysed in its language,
# filled only for articles of that language (api.store.documents.language_fields), all kept
# out of _source. The fields as written are stored, for highlighting: their highlights mark
# the inflections a query matched in the article's own words.
LANGUAGE_FIELDS: dict[str, Any] = {
    **{
        language_field(part, language): {
            "type": "text",
            "analyzer": f"article_{language}",
            "store": True,
        }
        for language in LANGUAGES
        for part in PARTS
    },
    **{
        language_field(part, language, lemmas=True): {
            "type": "text",
            "analyzer": f"article_{language}",
        }
        for language in LEMMATIZED_LANGUAGES
        for part in PARTS
    },
}
_STORED_ONLY_KEYWORD = {"type": "keyword", "index": False, "doc_values": False}

_IDENTITY = {"properties": {"id": _KEYWORD, "name": _KEYWORD}}
# Identities (v4, api.extraction.identity).
# Each person and listed organisation of an article carries {id, name}; the person's id and
# "id|folded spelling|language|Spelling" once per person make /people one entry per person
# (terms aggregations); the spelling keys themselves share `person_keys` with folded names.
IDENTITY_PROPERTIES: dict[str, Any] = {
    "person_ids": _KEYWORD,
    "person_spellings": _KEYWORD,
}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    # The folded copies exist only to be searched; keeping them out of _source halves its size.
    "_source": {"excludes": ["title_folded", "text_folded", *LANGUAGE_FIELDS]},
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
                "identity": _IDENTITY,
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
                "identity": _IDENTITY,
            }
        },
        "provenance": {"type": "object", "enabled": False},
        # Stories (api.services.stories): the story's id (the id of its first article) and that
        # article's publication date, which decides which of two stories a merge keeps.
        "story": {"properties": {"id": _KEYWORD, "first_published_at": {"type": "date"}}},
        # One keyword per LSH band of the MinHash signature: candidates are one terms query.
        "story_bands": _KEYWORD,
        # The signature itself only verifies candidates: kept in _source, not indexed.
        "story_signature": _STORED_ONLY_KEYWORD,
        # sha256 of the folded text: a URL-less post of a stored text is that article.
        "text_key": _KEYWORD,
        # Folded lookup keys, written by api.store.documents: filters match these exactly.
        **{kind.key_field: _KEYWORD for kind in ENTITY_KINDS},
        FOCUS_REGION_KEYS: _KEYWORD,
        # "folded name|...|Display" per entity: one terms aggregation yields a facet or an
        # entity list with counts, and an `include` regex on the folded head does autocomplete.
        **{kind.entity_field: _KEYWORD for kind in ENTITY_KINDS},
        **IDENTITY_PROPERTIES,
        **LANGUAGE_FIELDS,
    },
}


def index_settings(shards: int, replicas: int, refresh_interval: str) -> dict[str, Any]:
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "refresh_interval": refresh_interval,
        "analysis": ANALYSIS,
    }
