"""Liveness and readiness answers."""

from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ElasticsearchStatusSchema(Schema):
    version = fields.String(required=True, metadata={"example": "9.5.4"})
    cluster_status = fields.String(metadata={"example": "green"})
    alias = fields.String(metadata={"example": "articles"})


class NerStatusSchema(Schema):
    engine = fields.String(required=True, metadata={"example": "corenlp"})
    url = fields.String(required=True, metadata={"example": "http://127.0.0.1:9000"})
    languages = fields.List(fields.String(), metadata={"example": ["de", "en", "es", "fr"]})


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"example": "ready"})
    elasticsearch = fields.Nested(ElasticsearchStatusSchema, required=True)
    ner = fields.Nested(NerStatusSchema, required=True)
