"""Schemas shared by every resource."""

from typing import Any

from marshmallow import Schema, ValidationError, fields


class ProblemSchema(Schema):
    """RFC 9457 problem details: the body of every error response."""

    type = fields.String(
        required=True,
        metadata={"description": "A URI naming the problem type", "example": "about:blank"},
    )
    title = fields.String(required=True, metadata={"example": "Not Found"})
    status = fields.Integer(required=True, metadata={"example": 404})
    detail = fields.String(metadata={"example": "No article with this id."})
    instance = fields.String(metadata={"example": "/articles/0123abcd"})
    request_id = fields.String(metadata={"description": "The request's X-Request-ID"})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "Per-field messages of a validation error",
            "example": {"url": ["Not a valid URL."]},
        },
    )


PROBLEM_CONTENT_TYPE = "application/problem+json"


def field_messages(error: ValidationError) -> dict[str, Any]:
    """A marshmallow error's messages by field; schema-level ones under `_schema`."""
    messages = error.messages
    return messages if isinstance(messages, dict) else {"_schema": messages}
