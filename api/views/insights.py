"""Trends and related articles: what the index says beyond lists (issue #26)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint

from api.views import problem_responses
from api.web.context import insight_service
from schemas.insights import (
    RelatedQueryArgsSchema,
    RelatedResultSchema,
    TrendsQueryArgsSchema,
    TrendsResultSchema,
)

blp = Blueprint("insights", __name__, description="Trends and related articles")


@blp.route("/trends", methods=["GET"])
@blp.arguments(TrendsQueryArgsSchema(), location="query")
@blp.response(200, TrendsResultSchema)
@problem_responses(blp, 422, 503)
def get_trends(args: dict[str, Any]) -> Response:
    """Entities named unusually often in a window compared with the period before it; takes
    the filters of GET /articles."""
    return jsonify(insight_service().trends(args["kind"], args))


@blp.route("/articles/<article_id:article_id>/related", methods=["GET"])
@blp.arguments(RelatedQueryArgsSchema(), location="query")
@blp.response(200, RelatedResultSchema)
@problem_responses(blp, 404, 422, 503)
def get_related(args: dict[str, Any], article_id: str) -> Response:
    """Other stories most like this article, with the people and regions they share, and the
    copies of its own story apart."""
    return jsonify(insight_service().related(article_id, args["size"]))
