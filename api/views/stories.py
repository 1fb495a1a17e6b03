"""Stories: one article's publications across outlets."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.views import problem_responses
from api.web.context import search_service
from schemas.articles import StoryDetailSchema

blp = Blueprint("stories", __name__, description="Syndicated copies of one article")


@blp.route("/stories/<string:story_id>", methods=["GET"])
@blp.response(200, StoryDetailSchema)
@problem_responses(blp, 404, 503)
def get_story(story_id: str) -> dict[str, Any]:
    """A story's articles (first publication first) and the outlets that ran it."""
    return search_service().story(story_id)
