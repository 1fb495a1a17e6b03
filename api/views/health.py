"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.errors import ProblemError
from api.search import BACKEND_ERRORS, server_version
from api.services import article_index
from api.views import problem_responses
from schemas.health import HealthSchema, ReadySchema

blp = Blueprint("health", __name__, description="Liveness and readiness probes")


@blp.route("/health")
@blp.response(200, HealthSchema)
def health() -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok"}


@blp.route("/ready")
@blp.response(200, ReadySchema)
@problem_responses(blp, 503)
def ready() -> dict[str, Any]:
    """Elasticsearch answers and the articles alias exists (it is created when missing)."""
    index = article_index()
    try:
        index.ensure()
        health = index.client.cluster.health(index=index.alias)
        version = server_version(index.client)
    except BACKEND_ERRORS:
        raise ProblemError(
            503,
            "Elasticsearch does not answer or the articles index is not available.",
            kind="not-ready",
            headers={"Retry-After": "5"},
        ) from None
    return {
        "status": "ready",
        "elasticsearch": {
            "version": version,
            "cluster_status": health["status"],
            "alias": index.alias,
        },
    }
