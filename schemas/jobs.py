"""Ingest jobs: the job resource and its query arguments."""

from marshmallow import Schema, fields, validate

from schemas.common import ProblemSchema

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class JobQueryArgsSchema(Schema):
    page = fields.Integer(
        load_default=1,
        # A page beyond the last answers no items; beyond 32 bits it is no page at all (and
        # the answer, which names it, could not be written as JSON's 64-bit integers).
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Page of the failed items"},
    )
    per_page = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "Failed items per page"},
    )


class JobCountsSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    cancelled = fields.Integer(
        required=True, metadata={"description": "Items of chunks cancelled before they started"}
    )


class JobFailureSchema(Schema):
    index = fields.Integer(
        required=True, metadata={"description": "Position of the item in the submitted body"}
    )
    id = fields.String(metadata={"description": "The article id, when the item had one"})
    problem = fields.Nested(ProblemSchema, required=True)


class JobFailuresSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(JobFailureSchema), required=True)


class JobSchema(Schema):
    id = fields.String(required=True, metadata={"example": "3f2b0c1d9e8a4b7c6d5e4f3a2b1c0d9e"})
    status = fields.String(
        required=True,
        validate=validate.OneOf(JOB_STATUSES),
        metadata={"description": "queued, running, done, failed or cancelled"},
    )
    total = fields.Integer(required=True, metadata={"description": "Articles submitted"})
    counts = fields.Nested(JobCountsSchema, required=True)
    submitted_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    remaining_seconds = fields.Float(
        allow_none=True,
        metadata={"description": "Estimated time left, from the rate so far (while running)"},
    )
    error = fields.String(allow_none=True, metadata={"description": "Why the job failed"})
    failures = fields.Nested(JobFailuresSchema, required=True)
