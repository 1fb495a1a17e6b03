"""The kinds of entity an article names, written once.

Each kind is a field of the article (`people`, ...), an entity route (`GET /people`), a facet
(`facets=people`), a search filter (`person=`) that is part of a cursor's identity, and two
fields of the stored document: folded lookup keys for the filter, and entity strings for lists
and facets (api/store/documents.py). The mapping, the store, the search service, the entity
routes and the schemas all read this table, so a new kind is added here.

Pure data: schemas/ may import it (it imports nothing of the app).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityKind:
    name: str  # the article field, route and facet: "people"
    filter: str  # the search parameter: "person"
    repeatable: bool  # the filter may be repeated, and every value must match
    filter_doc: str  # the filter's description in the OpenAPI document
    key_field: str  # the document's folded lookup keys, which the filter matches
    entity_field: str  # the document's "folded|...|Display" strings, one per entity
    described_as: str  # one of them, as the detail route takes it: "region (ISO code or name)"
    example: str | None = None  # of the filter, in the OpenAPI document


ENTITY_KINDS: tuple[EntityKind, ...] = (
    EntityKind(
        name="people",
        filter="person",
        repeatable=True,
        filter_doc="Name or alias; repeat: all must match",
        key_field="person_keys",
        entity_field="people_entities",
        described_as="person",
        example="putin",
    ),
    EntityKind(
        name="regions",
        filter="region",
        repeatable=True,
        filter_doc="ISO code or English name; a country also matches its regions and cities. "
        "Repeat: all must match",
        key_field="region_keys",
        entity_field="region_entities",
        described_as="region (ISO code or name)",
        example="UA",
    ),
    EntityKind(
        name="outlets",
        filter="outlet",
        repeatable=False,
        filter_doc="Outlet name or domain",
        key_field="outlet_keys",
        entity_field="outlet_entities",
        described_as="outlet (name or domain)",
        example="pravda.ru",
    ),
    EntityKind(
        name="authors",
        filter="author",
        repeatable=False,
        filter_doc="A credited person or organisation (an agency such as dpa)",
        key_field="author_keys",
        entity_field="author_entities",
        described_as="author",
    ),
    EntityKind(
        name="organizations",
        filter="organization",
        repeatable=True,
        filter_doc="Repeat: all must match",
        key_field="organization_keys",
        entity_field="organization_entities",
        described_as="organisation",
    ),
)
KINDS_BY_NAME = {kind.name: kind for kind in ENTITY_KINDS}
