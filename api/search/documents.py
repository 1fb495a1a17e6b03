"""Conversion between the article resource and the document stored in Elasticsearch.

The stored document is the resource plus folded lookup keys, so that filters are exact term
matches that ignore case and accents (`person=putin`, `region=UA`, `outlet=pravda.ru`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.textnorm import fold

DERIVED_FIELDS = (
    "title_folded",
    "text_folded",
    "person_keys",
    "author_keys",
    "outlet_keys",
    "organization_keys",
    "region_keys",
    "focus_region_keys",
    "region_facet",
)


def _keys(values: Iterable[str | None]) -> list[str]:
    """Folded, de-duplicated, order-preserving lookup keys."""
    return list(dict.fromkeys(fold(value) for value in values if value and value.strip()))


def person_keys(person: dict[str, Any]) -> list[str]:
    name = person["name"]
    surname = name.split()[-1] if name.split() else name
    return _keys([name, surname, *person.get("aliases", [])])


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


def region_facet_value(region: dict[str, Any]) -> str:
    return f"{region.get('code') or ''}|{region.get('type') or 'other'}|{region['name']}"


def to_document(article: dict[str, Any]) -> dict[str, Any]:
    regions = article.get("regions", [])
    document = dict(article)
    document.update(
        title_folded=fold(article.get("title") or ""),
        text_folded=fold(article.get("text") or ""),
        person_keys=_keys(
            key for person in article.get("people", []) for key in person_keys(person)
        ),
        author_keys=_keys(article.get("authors", [])),
        outlet_keys=outlet_keys(article.get("outlet")),
        organization_keys=_keys(org["name"] for org in article.get("organizations", [])),
        region_keys=_keys(key for region in regions for key in region_keys(region)),
        focus_region_keys=_keys(
            key for region in regions if region.get("focus") for key in region_keys(region)
        ),
        region_facet=[region_facet_value(region) for region in regions],
    )
    return document
