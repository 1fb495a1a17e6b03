"""Search: the query parameters of GET /articles and the shape of its answer."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.entities import ENTITY_KINDS, EntityKind
from schemas.articles import (
    CreditSchema,
    OrganizationSchema,
    OutletSchema,
    PersonSchema,
    RegionSchema,
    StorySchema,
)

SORTS = ("relevance", "-published_at", "published_at")
FACETS = (*(kind.name for kind in ENTITY_KINDS), "published_at")
INTERVALS = ("hour", "day", "week", "month", "auto")
MAX_PER_PAGE = 100
MAX_QUERY_LENGTH = 1000
MAX_VALUE_LENGTH = 300


class CommaSeparated(fields.Field[list[str]]):
    """`facets=people,regions` (or the parameter repeated) -> ["people", "regions"]."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        choice = "(" + "|".join(choices) + ")"
        kwargs["metadata"] = {
            "type": "string",
            "pattern": f"^{choice}(,{choice})*$",
            "description": "Comma-separated: " + ", ".join(choices),
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        raw = value if isinstance(value, list) else [value]
        items: list[str] = []
        for part in raw:
            if not isinstance(part, str):
                raise ValidationError("Must be a comma-separated string.")
            items.extend(item.strip() for item in part.split(",") if item.strip())
        if not items:
            raise ValidationError("Name at least one value.")
        unknown = [item for item in items if item not in self.choices]
        if unknown:
            raise ValidationError(
                f"Unknown value(s): {', '.join(unknown)}. Choose from: {', '.join(self.choices)}."
            )
        return list(dict.fromkeys(items))


def _entity_filter(kind: EntityKind) -> fields.Field[Any]:
    """`person=`, `region=`, ...: a repeatable filter is a list, every value of which must match."""
    length = validate.Length(min=1, max=MAX_VALUE_LENGTH)
    metadata: dict[str, Any] = {"description": kind.filter_doc}
    if kind.example:
        metadata["example"] = [kind.example] if kind.repeatable else kind.example
    if kind.repeatable:
        return fields.List(fields.String(validate=length), metadata=metadata)
    return fields.String(validate=length, metadata=metadata)


EntityFiltersSchema = Schema.from_dict(
    {kind.filter: _entity_filter(kind) for kind in ENTITY_KINDS}, name="EntityFiltersSchema"
)


class ArticleQueryArgsSchema(EntityFiltersSchema):  # type: ignore[misc, valid-type]
    q = fields.String(
        validate=validate.Length(max=MAX_QUERY_LENGTH),
        metadata={
            "description": 'Full text, simple-query-string syntax: "phrase", -exclude, a | b, '
            "prefix*. Title matches weigh more.",
            "example": "security guarantees",
        },
    )
    # No load_default: absent means not given (false), so that the loaded arguments show which
    # parameters the client gave, as a cursor's check needs.
    focus = fields.Boolean(
        metadata={
            "description": "Match regions only among the article's focus regions",
            "default": False,
        },
    )
    language = fields.String(validate=validate.Length(equal=2), metadata={"example": "en"})
    published_from = fields.Date(metadata={"description": "Inclusive, YYYY-MM-DD"})
    published_to = fields.Date(
        metadata={"description": "Inclusive, YYYY-MM-DD; not before published_from (else 422)"}
    )
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={"description": "Default: relevance with q, else -published_at"},
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(min=0, max=MAX_PER_PAGE),
        metadata={"description": "0: only `total` and `facets`, with `items` empty"},
    )
    page = fields.Integer(
        validate=validate.Range(min=1),
        metadata={
            "description": "Shallow paging: page × per_page may not pass 10,000 (else 400; "
            "use cursor beyond). Not together with cursor (else 422)."
        },
    )
    cursor = fields.String(
        validate=validate.Length(min=1, max=4000),
        metadata={
            "description": "`next_cursor` of the previous page (an opaque token: any other "
            "value answers 400); continues its query, so other query parameters given beside "
            "it must match it (else 400). Not together with page (else 422)."
        },
    )
    highlight = fields.Boolean(load_default=False)
    facets = CommaSeparated(FACETS)
    facet_size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    interval = fields.String(
        load_default="month",
        validate=validate.OneOf(INTERVALS),
        metadata={
            "description": "Bucket size of the published_at facet; auto: the finest of hour, "
            "day, week and month that gives at most about 100 buckets for the dates asked "
            "(published_from/published_to) or else those of the matching articles. The "
            "answer's `interval` says which."
        },
    )
    zero_fill = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The published_at facet also lists empty buckets, with count 0: "
            "from published_from to published_to when given, else from the first matching "
            "article to the last (at most 10,000 buckets, else 422)"
        },
    )
    fields_ = CommaSeparated(("text",), data_key="fields", attribute="fields")
    collapse = fields.String(
        validate=validate.OneOf(["story"]),
        metadata={
            "description": "story: one article per story (its best match), with the story's "
            "size; facets then also count stories"
        },
    )

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            raise ValidationError("Must not be before published_from.", field_name="published_to")
        if data.get("cursor") and data.get("page"):
            raise ValidationError("Use either page or cursor.", field_name="page")


class TotalSchema(Schema):
    value = fields.Integer(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(["eq", "gte"]))


class HighlightsSchema(Schema):
    title = fields.List(fields.String())
    text = fields.List(fields.String(), metadata={"example": ["… <mark>security</mark> …"]})


class ArticleSummarySchema(Schema):
    id = fields.String(required=True)
    url = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    text = fields.String(metadata={"description": "Only with fields=text"})
    language = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    authors = fields.List(fields.Nested(CreditSchema))
    outlet = fields.Nested(OutletSchema, allow_none=True)
    people = fields.List(fields.Nested(PersonSchema))
    regions = fields.List(fields.Nested(RegionSchema))
    organizations = fields.List(fields.Nested(OrganizationSchema))
    word_count = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()
    highlights = fields.Nested(HighlightsSchema)
    story = fields.Nested(StorySchema)


class FacetValueSchema(Schema):
    value = fields.String(required=True)
    id = fields.String(metadata={"description": "People: the person's stable id"})
    count = fields.Integer(required=True)
    stories = fields.Integer(metadata={"description": "Distinct stories; with collapse=story"})
    code = fields.String(allow_none=True, metadata={"description": "Regions only"})
    type = fields.String(
        metadata={"description": "Regions: their kind; authors: person or organization"}
    )


FacetsSchema = Schema.from_dict(
    {
        **{kind.name: fields.List(fields.Nested(FacetValueSchema)) for kind in ENTITY_KINDS},
        "published_at": fields.List(
            fields.Nested(FacetValueSchema), metadata={"description": "Date histogram buckets"}
        ),
    },
    name="FacetsSchema",
)


class SearchResultSchema(Schema):
    total = fields.Nested(TotalSchema, required=True)
    stories = fields.Integer(metadata={"description": "Matching stories; with collapse=story"})
    items = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    facets = fields.Nested(FacetsSchema)
    interval = fields.String(
        validate=validate.OneOf(INTERVALS[:-1]),
        metadata={"description": "The published_at facet's bucket size; with that facet"},
    )
    next_cursor = fields.String(
        allow_none=True, required=True, metadata={"description": "null on the last page"}
    )
