"""Entities (people, regions, outlets, authors, organisations): lists and details."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.articles import CREDIT_TYPES
from schemas.search import ArticleSummarySchema


class EntityQueryArgsSchema(Schema):
    prefix = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "Autocomplete: a prefix of any word of the name",
            "example": "zel",
        },
    )
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "A part of the name, anywhere in it"},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class AuthorQueryArgsSchema(EntityQueryArgsSchema):
    type = fields.String(
        validate=validate.OneOf(CREDIT_TYPES),
        metadata={"description": "Only persons, or only organisations (agencies, desks)"},
    )


class SpellingSchema(Schema):
    name = fields.String(required=True, metadata={"example": "Wladimir Putin"})
    articles = fields.Integer(required=True)
    languages = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Articles per language", "example": {"de": 3}},
    )


class EntitySchema(Schema):
    name = fields.String(
        required=True,
        metadata={"example": "Volodymyr Zelensky", "description": "People: the canonical name"},
    )
    id = fields.String(metadata={"description": "People: the person's stable id"})
    spellings = fields.List(
        fields.Nested(SpellingSchema),
        metadata={"description": "People: every spelling seen, with languages and counts"},
    )
    articles = fields.Integer(required=True, metadata={"description": "Articles naming it"})
    code = fields.String(allow_none=True, metadata={"description": "Regions only"})
    type = fields.String(
        metadata={"description": "Regions: their kind; authors: person or organization"}
    )
    country = fields.String(allow_none=True, metadata={"description": "Regions only"})
    domain = fields.String(allow_none=True, metadata={"description": "Outlets only"})


class CoMentionedSchema(Schema):
    people = fields.List(fields.Nested(EntitySchema))
    regions = fields.List(fields.Nested(EntitySchema))


class EntityDetailSchema(EntitySchema):
    aliases = fields.List(fields.String(), metadata={"example": ["Zelensky", "Zelenskiy"]})
    co_mentioned = fields.Nested(CoMentionedSchema)
    latest = fields.List(fields.Nested(ArticleSummarySchema))
    subregions = fields.List(
        fields.Nested(EntitySchema),
        metadata={"description": "Regions only: mentioned regions and cities inside it"},
    )
