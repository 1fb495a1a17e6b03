"""Conversion between the article resource and the document stored in Elasticsearch.

The stored document is the resource plus derived fields:
- folded lookup keys (`person_keys`, `region_keys`, ...), so that filters are exact term matches
  that ignore case and accents (`person=putin`, `region=UA`, `outlet=pravda.ru`);
- entity strings (`people_entities`, ...), "folded name|...|Display name" ("...|person|..." or
  "...|organization|..." for authors), so that one terms
  aggregation lists entities with article counts, and an `include` regex on the folded head
  gives word-prefix autocomplete without any analysis module on the server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from api.entities import ENTITY_KINDS
from api.extraction import identity
from api.extraction.fingerprint import fingerprint, story_text
from api.store.languages import LANGUAGE_FIELD_NAMES, LEMMATIZED_LANGUAGES, language_field
from api.textanalysis import lemmatize
from api.textnorm import fold

SEPARATOR = "|"
ENTITY_FIELDS = {kind.name: kind.entity_field for kind in ENTITY_KINDS}
KEY_FIELDS = {kind.name: kind.key_field for kind in ENTITY_KINDS}
FOCUS_REGION_KEYS = "focus_region_keys"
DERIVED_FIELDS = (
    "title_folded",
    "text_folded",
    *KEY_FIELDS.values(),
    FOCUS_REGION_KEYS,
    "story_bands",
    "story_signature",
    "text_key",
    *ENTITY_FIELDS.values(),
    # Identities (api.extraction.identity): one person id, and one
    # "id|folded spelling|language|Spelling" string, per person of the article.
    "person_ids",
    "person_spellings",
    *LANGUAGE_FIELD_NAMES,
)


def _keys(values: Iterable[str | None]) -> list[str]:
    """Folded, de-duplicated, order-preserving lookup keys."""
    return list(dict.fromkeys(fold(value) for value in values if value and value.strip()))


def _clean(value: str | None) -> str:
    return (value or "").replace(SEPARATOR, "/")


def _entity(name: str, *extra: str | None) -> str:
    return SEPARATOR.join([fold(_clean(name)), *(_clean(part) for part in extra), _clean(name)])


@dataclass(frozen=True)
class Entity:
    """One parsed entity string."""

    name: str
    extra: tuple[str, ...]


def parse_entity(value: str) -> Entity:
    _, *extra, name = value.split(SEPARATOR)
    return Entity(name=name, extra=tuple(extra))


def region_entity_fields(entity: Entity) -> dict[str, Any]:
    code, kind, parent, country = entity.extra
    return {
        "name": entity.name,
        "code": code or None,
        "type": kind,
        "parent": parent or None,
        "country": country or None,
    }


def person_keys(person: dict[str, Any]) -> list[str]:
    """The folded name, surname and aliases, and the spelling keys of each (any spelling of
    the person in another language's convention finds it)."""
    forms = [person["name"], identity.surname(person["name"]), *person.get("aliases", [])]
    return _keys(forms) + list(
        dict.fromkeys(key for form in forms for key in identity.spelling_keys(form))
    )


def person_identity(person: dict[str, Any], canonical: dict[str, str]) -> dict[str, str] | None:
    """A person's stable id and canonical name (the most used spelling in `canonical`, else
    this one); None for a name without letters."""
    person_id = identity.person_id(person["name"])
    if person_id is None:
        return None
    return {"id": person_id, "name": canonical.get(person_id, person["name"])}


def person_spelling(person_id: str, name: str, language: str | None) -> str:
    return SEPARATOR.join([person_id, fold(_clean(name)), language or "", _clean(name)])


def organization_record(org: dict[str, Any]) -> dict[str, Any]:
    """An organisation as the article writes it, with the listed organisation it is, if any."""
    listed = identity.organization(org["name"])
    record = {key: value for key, value in org.items() if key != "identity"}
    if listed:
        record["identity"] = {"id": listed.id, "name": listed.name}
    return record


def organization_keys(org: dict[str, Any]) -> list[str]:
    key = identity.organization_key(org["name"])
    return _keys([org["name"]]) + ([key] if key else [])


def _organization_entity(org: dict[str, Any]) -> str:
    """A listed organisation is one entity whatever the article calls it."""
    return _entity(org["identity"]["name"] if org.get("identity") else org["name"])


def outlet_keys(outlet: dict[str, Any] | None) -> list[str]:
    if not outlet:
        return []
    domain = outlet.get("domain") or ""
    return _keys([outlet.get("name"), domain, domain.removeprefix("www.")])


def region_keys(region: dict[str, Any]) -> list[str]:
    """A region answers to its own code, names and aliases, and to its ancestors' codes."""
    return _keys(
        [
            region.get("code"),
            region.get("parent"),
            region.get("country"),
            region.get("name"),
            *region.get("aliases", []),
        ]
    )


def _region_entity(region: dict[str, Any]) -> str:
    return _entity(
        region["name"],
        region.get("code"),
        region.get("type") or "other",
        region.get("parent"),
        region.get("country"),
    )


def credits(article: dict[str, Any]) -> list[dict[str, str]]:
    """The article's author credits; articles stored under mapping v1 held plain names, which
    were persons (so `reindex` upgrades them)."""
    return [
        author if isinstance(author, dict) else {"name": author, "type": "person"}
        for author in article.get("authors", [])
    ]


def text_key(text: str) -> str:
    """The key of exact copies: the same text up to case, accents, quotes and spacing."""
    return hashlib.sha256(fold(text).encode()).hexdigest()


def fingerprint_fields(article: dict[str, Any]) -> dict[str, Any]:
    """What finding and verifying the article's copies needs (see api.extraction.fingerprint)."""
    found = fingerprint(story_text(article))
    return {
        "story_bands": list(found.bands) if found else [],
        "story_signature": found.encoded() if found else None,
    }


def story_fields(article: dict[str, Any]) -> dict[str, Any]:
    """The fingerprint fields, and the key of the article's exact copies."""
    return {**fingerprint_fields(article), "text_key": text_key(article.get("text") or "")}


def story_source(document: dict[str, Any]) -> dict[str, Any]:
    """A stored document as the story candidates query reads it (with its bands): what a
    writer keeps of its own writes until search sees them (api.services.stories.OwnWrites)."""
    return {
        "id": document["id"],
        "published_at": document.get("published_at"),
        "story": document["story"],
        "story_bands": document.get("story_bands", []),
        "story_signature": document.get("story_signature"),
        "people": [{"name": person["name"]} for person in document.get("people", [])],
        "regions": [{"code": region.get("code")} for region in document.get("regions", [])],
    }


def folded_fields(article: dict[str, Any]) -> dict[str, str]:
    """The folded title and text: searched, and kept out of _source by the mapping."""
    return {
        "title_folded": fold(article.get("title") or ""),
        "text_folded": fold(article.get("text") or ""),
    }


def language_fields(article: dict[str, Any]) -> dict[str, str]:
    """The title and text in the fields of the article's language (see api.store.mapping):
    as written, and for the lemmatized languages also as lemmas. None for other languages."""
    language = (article.get("language") or "").lower()
    title, text = article.get("title") or "", article.get("text") or ""
    fields: dict[str, str] = {}
    if language_field("title", language) not in LANGUAGE_FIELD_NAMES:
        return fields
    fields[language_field("title", language)] = title
    fields[language_field("text", language)] = text
    if language in LEMMATIZED_LANGUAGES:
        fields[language_field("title", language, lemmas=True)] = lemmatize(title, language)
        fields[language_field("text", language, lemmas=True)] = lemmatize(text, language)
    return fields


def searched_fields(article: dict[str, Any]) -> dict[str, str]:
    """Every field that exists only to be searched (kept out of _source by the mapping)."""
    return {**folded_fields(article), **language_fields(article)}


def in_story(source: dict[str, Any], story: dict[str, Any]) -> dict[str, Any]:
    """A stored document (its _source) moved to another story: the fields the mapping keeps
    out of _source computed again, every other field as stored."""
    return {**source, "story": story, **searched_fields(source)}


def with_identities(
    people: list[dict[str, Any]], canonical: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The article's people, each with its identity (computed again from the name)."""
    records = []
    for person in people:
        record = {key: value for key, value in person.items() if key != "identity"}
        found = person_identity(record, canonical or {})
        if found:
            record["identity"] = found
        records.append(record)
    return records


def person_ids(article: dict[str, Any]) -> list[str]:
    return [
        found
        for person in article.get("people", [])
        if (found := identity.person_id(person["name"]))
    ]


def to_document(article: dict[str, Any], canonical: dict[str, str] | None = None) -> dict[str, Any]:
    """The stored document; `canonical` names people by id (ArticleIndex.canonical_names)."""
    regions = article.get("regions", [])
    people = with_identities(article.get("people", []), canonical)
    organizations = [organization_record(org) for org in article.get("organizations", [])]
    authors = credits(article)
    outlet = article.get("outlet")
    document = dict(article)
    document.update(
        authors=authors,
        **searched_fields(article),
        person_keys=_keys(key for person in people for key in person_keys(person)),
        author_keys=_keys(author["name"] for author in authors),
        outlet_keys=outlet_keys(outlet),
        organization_keys=_keys(key for org in organizations for key in organization_keys(org)),
        region_keys=_keys(key for region in regions for key in region_keys(region)),
        focus_region_keys=_keys(
            key for region in regions if region.get("focus") for key in region_keys(region)
        ),
        people_entities=[_entity(person["name"]) for person in people],
        author_entities=[_entity(author["name"], author["type"]) for author in authors],
        organization_entities=list(
            dict.fromkeys(_organization_entity(org) for org in organizations)
        ),
        outlet_entities=[_entity(outlet["name"], outlet.get("domain"))] if outlet else [],
        region_entities=[_region_entity(region) for region in regions],
        **story_fields(article),
        person_ids=list(dict.fromkeys(p["identity"]["id"] for p in people if "identity" in p)),
        person_spellings=list(
            dict.fromkeys(
                person_spelling(p["identity"]["id"], p["name"], article.get("language"))
                for p in people
                if "identity" in p
            )
        ),
    )
    for field, records in (("people", people), ("organizations", organizations)):
        if field in article:
            document[field] = records
    # Articles stored before stories existed (mapping v2) start as stories of their own;
    # `flask --app api restory` then joins them.
    if article.get("id"):
        own = {"id": article["id"], "first_published_at": article.get("published_at")}
        document.setdefault("story", own)
    return document
