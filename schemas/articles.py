"""Articles: what clients send, what the API answers, and the batch envelope."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

import idna
import pycountry
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

PROVENANCE_EXAMPLE = {"authors": "byline", "outlet": "footer", "people": "corenlp:en"}


class IsoDateOrDateTime(fields.Field[str]):
    """An ISO 8601 date ("2025-08-20") or date-time ("2025-08-20T09:30:00+03:00").

    Loads to a normalised ISO string that Elasticsearch's default date format accepts;
    impossible dates such as 2025-02-30 are refused.
    """

    default_error_messages = {"invalid": "Not a valid ISO 8601 date or date-time."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "type": "string",
            "anyOf": [{"format": "date"}, {"format": "date-time"}],
            **kwargs["metadata"],
        }
        super().__init__(**kwargs)

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
        try:
            # Stored in UTC: Elasticsearch (java.time) refuses offsets beyond ±18:00.
            return parsed.astimezone(dt.UTC).isoformat()
        except OverflowError:  # 0001-01-01 east of UTC has no UTC date-time; keep its offset
            return parsed.isoformat()

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


# ISO 639-1 codes, as an enum so that the OpenAPI document lists exactly what is accepted.
LANGUAGE_CODES = sorted(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)


# As patterns (not only checks) so that the OpenAPI document states the same rules.
# Whitespace spelled out: Python's and JSON Schema's (ECMA) `\s` differ on a few characters.
_BLANK = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NOT_BLANK = validate.Regexp(rf"[\s\S]*[^{_BLANK}]", error="Must not be empty or whitespace only.")
# Characters a browser leaves as they are in a path, query or fragment; everything else
# (spaces, quotes, angle brackets, non-ASCII) it percent-encodes as UTF-8. "%" stays, so that
# an already encoded URL is not encoded twice.
_URL_SAFE = "/?#[]@!$&'()*+,;=:%-._~"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ASCII_HOST = rf"(?:{_LABEL}\.)+[A-Za-z]{{2,63}}"
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
# The documented rule, for ASCII hosts; an internationalised host is accepted beyond it, when
# IDNA (UTS 46) maps it to such a host. Whitespace spelled out as in NOT_BLANK.
HTTP_URL_PATTERN = (
    rf"^[{_BLANK}]*[Hh][Tt][Tt][Pp][Ss]?://{_ASCII_HOST}(?::{_PORT})?(?:[/?#][\s\S]*)?[{_BLANK}]*$"
)
_URL_PARTS = re.compile(
    r"^(?P<scheme>[Hh][Tt][Tt][Pp][Ss]?)://(?P<host>[^/?#:@\s]+)(?::(?P<port>[0-9]+))?"
    r"(?P<rest>[/?#][\s\S]*)?$"
)
_BLANK_CHARS = re.compile(rf"^[{_BLANK}]+|[{_BLANK}]+$")
_HOST = re.compile(rf"^{_ASCII_HOST}$")
MAX_URL_CHARS = 4000


class HttpUrl(fields.String):
    """An http(s) URL with a host, as a browser's address bar takes it.

    Loads to one canonical spelling: surrounding whitespace trimmed; an internationalised host
    checked by IDNA (UTS 46); the host lower-cased in its Unicode form ("stössenseer.de", as the
    address bar shows it and as courlan, which makes the article id, normalises it); path,
    query and fragment percent-encoded where a browser would ("a b/ü" -> "a%20b/%C3%BC"). A
    Unicode host and its punycode spelling ("xn--...") load to the same string and so give the
    same id. The length limit applies to what the client sent, before percent-encoding.
    """

    default_error_messages = {
        "invalid_url": "Must be an http(s) URL with a host name.",
        "too_long": f"Longer than {MAX_URL_CHARS} characters.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "pattern": HTTP_URL_PATTERN,
            "maxLength": MAX_URL_CHARS,
            "description": "Internationalised host names are accepted too. Stored trimmed, "
            "with a lower-case Unicode host (punycode is decoded) and a percent-encoded path, "
            "query and fragment.",
            **kwargs["metadata"],
        }
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > MAX_URL_CHARS:
            raise self.make_error("too_long")
        match = _URL_PARTS.match(_BLANK_CHARS.sub("", raw))
        host = unicode_host(match.group("host")) if match else None
        port = match.group("port") if match else None
        if match is None or host is None or (port is not None and not re.fullmatch(_PORT, port)):
            raise self.make_error("invalid_url")
        rest = quote(match.group("rest") or "", safe=_URL_SAFE)
        return f"{match.group('scheme').lower()}://{host}{f':{port}' if port else ''}{rest}"


def unicode_host(host: str) -> str | None:
    """A host name with a TLD, lower-cased, punycode labels decoded ('xn--mnchen-3ya.de' ->
    'münchen.de'); None when it is not one (or IDNA refuses a non-ASCII name)."""
    if host.isascii():
        if not _HOST.match(host):
            return None
        try:
            return idna.decode(host.lower())
        except idna.IDNAError:  # an "xn--" label that is not valid punycode: keep it as sent
            return host.lower()
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None
    return idna.decode(ascii_host) if _HOST.match(ascii_host) else None


_NAME = fields.String(validate=[validate.Length(min=1, max=300), NOT_BLANK])
CREDIT_TYPES = ("person", "organization")


class CreditSchema(Schema):
    """An author credit, as schema.org has it: a Person or an Organization (a wire agency, a
    syndication service, or the outlet's own desk or brand)."""

    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=300), NOT_BLANK],
        metadata={"example": "Jane Doe"},
    )
    type = fields.String(
        load_default="person",
        validate=validate.OneOf(CREDIT_TYPES),
        metadata={"example": "person"},
    )


class CreditField(fields.Field[Any]):
    """A client's author: a credit object, or a plain name (a person, unless it is a known wire
    agency or the article's outlet: the pipeline decides)."""

    default_error_messages = {"invalid": "Must be a name or an object with name and type."}
    _name = _NAME
    _object = fields.Nested(CreditSchema)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "oneOf": [
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 300,
                    "pattern": NOT_BLANK.regex.pattern,
                },
                {"$ref": "#/components/schemas/Credit"},
            ],
            **kwargs["metadata"],
        }
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return self._name.deserialize(value, attr, data)
        if isinstance(value, dict):
            return self._object.deserialize(value, attr, data)
        raise self.make_error("invalid")


class ArticleFieldsMixin(Schema):
    """Client-owned fields, shared by create, replace and patch."""

    title = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"example": "Moscow agrees to concede on five Ukrainian regions"},
    )
    url = HttpUrl(
        allow_none=True,
        metadata={"example": "https://english.pravda.ru/world/alaska-talks/"},
    )
    authors = fields.List(
        CreditField(),
        validate=validate.Length(max=100),
        metadata={
            "description": "In byline order; a plain name is a person unless it is a known wire "
            "agency or the outlet",
            "example": ["Petr Ermilin", {"name": "AP", "type": "organization"}],
        },
    )
    outlet = fields.String(
        allow_none=True,
        validate=[validate.Length(min=1, max=300), NOT_BLANK],
        metadata={"example": "Pravda.Ru"},
    )
    published_at = IsoDateOrDateTime(allow_none=True, metadata={"example": "2025-08-18"})
    language = fields.String(
        allow_none=True,
        validate=validate.OneOf(LANGUAGE_CODES, error="Not an ISO 639-1 language code."),
        metadata={"example": "en"},
    )


class ArticleInSchema(ArticleFieldsMixin):
    """An article to store: plain `text`, or an `html` page; everything else is optional."""

    text = fields.String(
        validate=NOT_BLANK,
        metadata={"description": "The article as plain text", "example": "By Jane Doe\n..."},
    )
    html = fields.String(
        validate=NOT_BLANK,
        metadata={
            "description": "The article as an HTML page; title, text and metadata come from it"
        },
    )

    @validates_schema
    def _text_or_html(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "text" not in data and "html" not in data:
            raise ValidationError("Send `text` or `html`.", field_name="text")


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


class IdentitySchema(Schema):
    id = fields.String(
        required=True,
        metadata={"description": "Stable: every spelling of the person has it", "example": "p-1"},
    )
    name = fields.String(
        required=True, metadata={"description": "Canonical name", "example": "Vladimir Putin"}
    )


class PersonSchema(Schema):
    name = fields.String(required=True, metadata={"example": "Vladimir Putin"})
    aliases = fields.List(fields.String(), metadata={"example": ["Vladimir Putin", "Putin"]})
    mentions = fields.Integer(metadata={"example": 5})
    title = fields.String(allow_none=True, metadata={"example": "President"})
    identity = fields.Nested(
        IdentitySchema, metadata={"description": "Who the person is, whatever the spelling"}
    )


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
    identity = fields.Nested(
        IdentitySchema,
        metadata={"description": "Listed international organisations: one id in every language"},
    )


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
    authors = fields.List(
        fields.Nested(CreditSchema),
        metadata={
            "description": "Credits in byline order: persons, and organisations (wire agencies, "
            "the outlet's desk)",
            "example": [
                {"name": "Petr Ermilin", "type": "person"},
                {"name": "AP", "type": "organization"},
            ],
        },
    )
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
            "footer, url, corenlp:<language> (the NER model that ran), skipped:language, "
            "gazetteer, detected, ...",
            "example": PROVENANCE_EXAMPLE,
        },
    )


class StorySchema(Schema):
    """The story an article belongs to: its copies across outlets."""

    id = fields.String(
        required=True,
        metadata={
            "description": "The id of the story's first article (earliest published_at, then "
            "smallest id); it stays when that article is deleted",
            "example": "3f2a9c0d41e87b6a5c1d2e3f4a5b6c7d",
        },
    )
    articles = fields.Integer(metadata={"description": "Articles in the story", "example": 3})
    outlets = fields.Integer(metadata={"description": "Distinct outlets that ran it"})


class StoryArticleSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(allow_none=True)
    outlet = fields.Nested(OutletSchema, allow_none=True)
    url = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)


class StoryDetailSchema(Schema):
    """`GET /stories/{id}`: every publication of one story, first publication first."""

    id = fields.String(required=True)
    articles = fields.Integer(required=True)
    first = fields.Nested(StoryArticleSchema, required=True)
    outlets = fields.List(fields.String(), metadata={"example": ["Pravda.Ru", "Nord Post"]})
    items = fields.List(fields.Nested(StoryArticleSchema), required=True)


class ArticleSchema(ExtractedArticleSchema):
    """A stored article."""

    id = fields.String(required=True, metadata={"example": "3f2a9c0d41e87b6a5c1d2e3f4a5b6c7d"})
    story = fields.Nested(StorySchema)
    created_at = fields.String(metadata={"example": "2025-08-18T10:00:00+00:00"})
    updated_at = fields.String(metadata={"example": "2025-08-18T10:00:00+00:00"})


class StoredStorySchema(Schema):
    """The story as stored with each article (the API adds its counts when answering)."""

    id = fields.String(required=True)
    first_published_at = IsoDateOrDateTime(allow_none=True)


class StoredArticleSchema(ArticleSchema):
    """An article as export writes it and import reads it: the stored article, its dates
    checked, plus the hash of the input it was extracted from. Unknown fields are refused."""

    id = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9a-f]{32}$", error="Must be 32 hexadecimal digits."),
    )
    # Answers only show the dates; an import checks them (a narrower field than the parent's).
    published_at = IsoDateOrDateTime(allow_none=True)  # type: ignore[assignment]
    created_at = IsoDateOrDateTime()  # type: ignore[assignment]
    updated_at = IsoDateOrDateTime()  # type: ignore[assignment]
    language = fields.String(
        allow_none=True,
        validate=validate.OneOf(LANGUAGE_CODES, error="Not an ISO 639-1 language code."),
    )
    story = fields.Nested(StoredStorySchema)
    content_hash = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Hash of the validated input the article was extracted from"},
    )


class BatchInSchema(Schema):
    """A batch of articles, each with the body of POST /articles.

    Items stay raw here: each is validated on its own, so one bad item sinks nothing and its
    errors come back in its own entry of the answer.
    """

    articles = fields.List(
        fields.Raw(allow_none=True),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Articles, each an object like the body of POST /articles"},
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


# Conditional-request headers (RFC 9110 13.1), as OpenAPI parameters: they are read with
# werkzeug's parser, so only documented here.
_ETAG_LIST = (
    "`*` or a comma-separated list of ETags as GET /articles/{article_id} or a write returned"
)
IF_MATCH_HEADER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": f"{_ETAG_LIST}: apply only if the stored article still has one of them "
    "(`*`: if it exists); else 412, and a write that loses a race also answers 412.",
}
IF_NONE_MATCH_HEADER = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": f"{_ETAG_LIST}: `*` creates only if no article has this URL or text yet; "
    "else 412. Without it, posting a known article answers 200.",
}
ETAG_RESPONSE_HEADER = {
    "ETag": {
        "description": "Version of the stored article, for If-Match",
        "schema": {"type": "string"},
    }
}
