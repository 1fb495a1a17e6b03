"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.extraction.corenlp import languages
from api.store import BACKEND_ERRORS
from api.views import problem_responses
from api.web.context import article_index, ner_engine
from api.web.problems import ProblemError
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
    """Elasticsearch answers, the articles alias exists (it is created when missing), and the
    NER server answers."""
    index = article_index()
    try:
        index.ensure()
        elasticsearch = index.status()
    except BACKEND_ERRORS:
        raise _not_ready(
            "Elasticsearch does not answer or the articles index is not available."
        ) from None
    ner = ner_engine()
    if not ner.ready():
        raise _not_ready("The named-entity server (Stanford CoreNLP) does not answer.")
    return {
        "status": "ready",
        "ner": {"engine": "corenlp", "url": ner.url, "languages": sorted(languages())},
        "elasticsearch": elasticsearch,
    }


def _not_ready(detail: str) -> ProblemError:
    return ProblemError(503, detail, kind="not-ready")
