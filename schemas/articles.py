"""Articles: what clients send, what the API answers, and the batch envelope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pycountry
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

PROVENANCE_EXAMPLE = {"authors": "byline", "outlet": "footer", "people": "ner"}


class IsoDateOrDateTime(fields.Field):
    """An ISO 8601 date ("2025-08-20") or date-time ("2025-08-20T09:30:00+03:00").

    Loads to a normalised ISO string that Elasticsearch's default date format accepts;
    impossible dates such as 2025-02-30 are refused.
    """

    default_error_messages = {"invalid": "Not a valid ISO 8601 date or date-time."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.make_error("invalid")
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).isoformat()
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.isoformat()

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


def _validate_language(value: str) -> None:
    if len(value) != 2 or pycountry.languages.get(alpha_2=value.lower()) is None:
        raise ValidationError("Not an ISO 639-1 language code.")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be empty or whitespace only.")


_NAME = fields.String(validate=[validate.Length(min=1, max=300), _not_blank])


class ArticleFieldsMixin(Schema):
    """Client-owned fields, shared by create, replace and patch."""

    title = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"example": "Moscow agrees to concede on five Ukrainian regions"},
    )
    url = fields.Url(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=4000),
        metadata={"example": "https://english.pravda.ru/world/alaska-talks/"},
    )
    authors = fields.List(
        _NAME, validate=validate.Length(max=100), metadata={"example": ["Petr Ermilin"]}
    )
    outlet = fields.String(
        allow_none=True,
        validate=[validate.Length(min=1, max=300), _not_blank],
        metadata={"example": "Pravda.Ru"},
    )
    published_at = IsoDateOrDateTime(allow_none=True, metadata={"example": "2025-08-18"})
    language = fields.String(
        allow_none=True, validate=_validate_language, metadata={"example": "en"}
    )


class ArticleInSchema(ArticleFieldsMixin):
    """An article to store: plain `text`, or an `html` page; everything else is optional."""

    text = fields.String(
        metadata={"description": "The article as plain text", "example": "By Jane Doe\n..."}
    )
    html = fields.String(
        metadata={
            "description": "The article as an HTML page; title, text and metadata are taken from it"
        }
    )

    @validates_schema
    def _text_or_html(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "text" not in data and "html" not in data:
            raise ValidationError("Send `text` or `html`.", field_name="text")
        for name in ("text", "html"):
            if name in data and not data[name].strip():
                raise ValidationError("Must not be empty or whitespace only.", field_name=name)


class ArticlePatchSchema(ArticleFieldsMixin):
    """Client-owned fields to change; absent fields stay, `null` clears."""


class WriteArgsSchema(Schema):
    refresh = fields.String(
        load_default="false",
        validate=validate.OneOf(["true", "false", "wait_for"]),
        metadata={
            "description": "`wait_for` makes the write visible to the next search before "
            "answering (slower); the default answers as soon as the write is durable."
        },
    )


class PersonSchema(Schema):
    name = fields.String(required=True, metadata={"example": "Vladimir Putin"})
    aliases = fields.List(fields.String(), metadata={"example": ["Vladimir Putin", "Putin"]})
    mentions = fields.Integer(metadata={"example": 5})
    title = fields.String(allow_none=True, metadata={"example": "President"})


class RegionSchema(Schema):
    name = fields.String(required=True, metadata={"example": "Kharkiv Oblast"})
    code = fields.String(allow_none=True, metadata={"example": "UA-63"})
    type = fields.String(
        validate=validate.OneOf(["country", "admin1", "city", "continent", "other"]),
        metadata={"example": "admin1"},
    )
    country = fields.String(allow_none=True, metadata={"example": "UA"})
    parent = fields.String(allow_none=True, metadata={"example": "UA"})
    aliases = fields.List(fields.String(), metadata={"example": ["Kharkiv"]})
    mentions = fields.Integer(metadata={"example": 1})
    focus = fields.Boolean(metadata={"example": False})


class OrganizationSchema(Schema):
    name = fields.String(required=True, metadata={"example": "NATO"})
    mentions = fields.Integer(metadata={"example": 2})


class OutletSchema(Schema):
    name = fields.String(required=True, metadata={"example": "Pravda.Ru"})
    domain = fields.String(allow_none=True, metadata={"example": "pravda.ru"})


class ExtractedArticleSchema(Schema):
    """An article as it would be stored, without identity or timestamps (POST /extract)."""

    url = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    text = fields.String()
    language = fields.String(allow_none=True, metadata={"example": "en"})
    published_at = fields.String(allow_none=True, metadata={"example": "2025-08-18"})
    authors = fields.List(fields.String(), metadata={"example": ["Petr Ermilin"]})
    outlet = fields.Nested(OutletSchema, allow_none=True)
    people = fields.List(fields.Nested(PersonSchema))
    regions = fields.List(fields.Nested(RegionSchema))
    organizations = fields.List(fields.Nested(OrganizationSchema))
    word_count = fields.Integer(metadata={"example": 412})
    provenance = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Where each field came from: provided, json-ld, meta, byline, "
            "footer, url, ner, gazetteer, detected, ...",
            "example": PROVENANCE_EXAMPLE,
        },
    )


class ArticleSchema(ExtractedArticleSchema):
    """A stored article."""

    id = fields.String(required=True, metadata={"example": "3f2a9c0d41e87b6a5c1d2e3f4a5b6c7d"})
    created_at = fields.String(metadata={"example": "2025-08-18T10:00:00+00:00"})
    updated_at = fields.String(metadata={"example": "2025-08-18T10:00:00+00:00"})


class BatchInSchema(Schema):
    """A batch of articles, each with the body of POST /articles (used for the documentation)."""

    articles = fields.List(
        fields.Nested(ArticleInSchema), required=True, validate=validate.Length(min=1)
    )


class BatchEnvelopeSchema(Schema):
    """What a batch is loaded with: items stay raw so that each is validated on its own and one
    bad item sinks nothing."""

    articles = fields.List(
        fields.Raw(allow_none=True), required=True, validate=validate.Length(min=1)
    )


class BatchItemSchema(Schema):
    index = fields.Integer(required=True, metadata={"description": "Position in the batch"})
    status = fields.Integer(required=True, metadata={"example": 201})
    id = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"example": {"url": ["Not a valid URL."]}},
    )


class BatchResultSchema(Schema):
    items = fields.List(fields.Nested(BatchItemSchema), required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    failed = fields.Integer(required=True)
