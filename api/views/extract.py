"""Extraction without storage."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from api.views import problem_responses
from api.web.context import article_service
from api.web.media import JSON_TYPES, require_media_type
from schemas.articles import ArticleInSchema, ExtractedArticleSchema

blp = Blueprint("extract", __name__, description="Metadata extraction without storing")


@blp.before_request
def check_body_media_type() -> None:
    if request.method == "POST":
        require_media_type(*JSON_TYPES)


@blp.route("/extract", methods=["POST"])
@blp.arguments(ArticleInSchema())
@blp.response(200, ExtractedArticleSchema)
@problem_responses(blp, 400, 401, 413, 415)
def extract_article(payload: dict[str, Any]) -> dict[str, Any]:
    """The article exactly as POST /articles would store it, without storing anything."""
    return article_service().preview(payload)
