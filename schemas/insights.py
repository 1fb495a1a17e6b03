"""Trends and related articles (issue #26): query parameters and answers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from api.entities import ENTITY_KINDS
from schemas.articles import IsoDateOrDateTime, StoryArticleSchema
from schemas.search import MAX_QUERY_LENGTH, ArticleSummarySchema, EntityFiltersSchema

TREND_KINDS = tuple(kind.name for kind in ENTITY_KINDS)
# Hours up to 9999 or days up to 999: the pattern states the whole rule, so that the OpenAPI
# document says exactly what is accepted.
WINDOW_PATTERN = r"^([1-9][0-9]{0,3}h|[1-9][0-9]{0,2}d)$"
MAX_WINDOW_DAYS = 999
MAX_TRENDS = 100
MAX_RELATED = 50


def _window(value: str) -> None:
    if not re.match(WINDOW_PATTERN, value):
        raise ValidationError("Hours or days: 24h, 7d (at most 9999h or 999d).")


def _instant(value: str, end_of_range: bool) -> dt.datetime:
    """IsoDateOrDateTime's output as an instant in UTC: a date is its midnight, or, as the end
    of a range, the next midnight (the whole day included)."""
    if len(value) == 10:
        day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end_of_range else 0)
        return dt.datetime.combine(day, dt.time(), dt.UTC)
    return dt.datetime.fromisoformat(value)


class TrendsQueryArgsSchema(EntityFiltersSchema):  # type: ignore[misc, valid-type]
    kind = fields.String(
        load_default="people",
        validate=validate.OneOf(TREND_KINDS),
        metadata={"description": "Which entities trend"},
    )
    window = fields.String(
        load_default="24h",
        validate=_window,
        metadata={
            "description": "The window, back from now: hours or days (24h, 7d; at most 9999h "
            "or 999d). "
            "It is compared with the period of the same length right before it.",
            "pattern": WINDOW_PATTERN,
            "example": "7d",
        },
    )
    from_ = IsoDateOrDateTime(
        data_key="from",
        attribute="from_",
        metadata={"description": "Start of an explicit window (inclusive); with `to`, else 422"},
    )
    to = IsoDateOrDateTime(
        metadata={
            "description": "End of an explicit window (exclusive; a date includes its whole "
            "day); with `from`, after it and at most 999 days after it, else 422"
        }
    )
    q = fields.String(
        validate=validate.Length(max=MAX_QUERY_LENGTH),
        metadata={"description": "Full text, as GET /articles takes it"},
    )
    focus = fields.Boolean(metadata={"description": "Regions only among focus regions"})
    language = fields.String(validate=validate.Length(equal=2), metadata={"example": "en"})
    size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=MAX_TRENDS))

    @validates_schema
    def _explicit_window(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("from_"), data.get("to")
        if (start is None) != (end is None):
            missing = "from" if start is None else "to"
            raise ValidationError("Give both from and to, or neither.", field_name=missing)
        if not (start and end):
            return
        first, last = _instant(start, False), _instant(end, True)
        if last <= first:
            raise ValidationError("Must be after from.", field_name="to")
        if last - first > dt.timedelta(days=MAX_WINDOW_DAYS):
            raise ValidationError(
                f"A window spans at most {MAX_WINDOW_DAYS} days.", field_name="to"
            )
        try:
            first - (last - first)  # the period before the window must be a date too
        except OverflowError:
            raise ValidationError(
                "Too early to have a period before it.", field_name="from"
            ) from None

    @post_load
    def _instants(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("from_") is not None:
            data["from_"] = _instant(data["from_"], end_of_range=False)
            data["to"] = _instant(data["to"], end_of_range=True)
        return data


class PeriodSchema(Schema):
    from_ = fields.String(data_key="from", required=True)
    to = fields.String(required=True, metadata={"description": "Exclusive"})
    articles = fields.Integer(required=True, metadata={"description": "Matching articles"})


class TrendSchema(Schema):
    value = fields.String(required=True, metadata={"description": "The name, as facets give it"})
    code = fields.String(allow_none=True, metadata={"description": "Regions only"})
    type = fields.String(metadata={"description": "Regions: their kind; authors: their type"})
    count = fields.Integer(required=True, metadata={"description": "Articles in the window"})
    before = fields.Integer(
        required=True, metadata={"description": "Articles in the period before"}
    )
    score = fields.Float(
        required=True,
        metadata={
            "description": "(count − expected) / √(expected + 1), expected being `before` "
            "scaled by the periods' article totals; at least 3"
        },
    )


class TrendsResultSchema(Schema):
    kind = fields.String(required=True)
    window = fields.Nested(PeriodSchema, required=True)
    before = fields.Nested(PeriodSchema, required=True)
    items = fields.List(fields.Nested(TrendSchema), required=True)


class RelatedQueryArgsSchema(Schema):
    size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=MAX_RELATED))


class SharedRegionSchema(Schema):
    name = fields.String(required=True)
    code = fields.String(allow_none=True)


class SharedSchema(Schema):
    people = fields.List(fields.String(), required=True)
    regions = fields.List(fields.Nested(SharedRegionSchema), required=True)


class RelatedArticleSchema(ArticleSummarySchema):
    score = fields.Float(required=True)
    shared = fields.Nested(SharedSchema, required=True)


class RelatedResultSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(allow_none=True)
    items = fields.List(
        fields.Nested(RelatedArticleSchema),
        required=True,
        metadata={"description": "Other stories, most alike first"},
    )
    copies = fields.List(
        fields.Nested(StoryArticleSchema),
        required=True,
        metadata={"description": "The other copies of the article's story"},
    )
