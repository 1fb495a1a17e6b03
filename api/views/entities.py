"""Entities known from stored articles, with article counts and autocomplete."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint

from api.views import problem_responses
from api.web.context import search_service
from api.web.problems import ProblemError
from schemas.entities import (
    AuthorQueryArgsSchema,
    EntityDetailSchema,
    EntityQueryArgsSchema,
    EntitySchema,
)

blp = Blueprint(
    "entities", __name__, description="People, regions, outlets, authors, organisations"
)

KINDS = {
    "people": "person",
    "regions": "region (ISO code or name)",
    "outlets": "outlet (name or domain)",
    "authors": "author",
    "organizations": "organisation",
}


def _register(kind: str, singular: str) -> None:
    def list_view(args: dict[str, Any]) -> Response:
        # Answered as is, like searches: built from stored documents, no schema dump needed.
        entities = search_service().list_entities(
            kind, args["limit"], args.get("prefix"), args.get("q"), args.get("type")
        )
        return jsonify(entities)

    def detail_view(name: str) -> dict[str, Any]:
        detail = search_service().entity_detail(kind, name)
        if detail is None:
            raise ProblemError(404, f"No {singular} {name!r} in any article.", kind="not-found")
        return detail

    arguments = AuthorQueryArgsSchema() if kind == "authors" else EntityQueryArgsSchema()
    list_view.__name__ = f"list_{kind}"
    list_view.__doc__ = f"List {kind} by article count; `prefix` autocompletes any word."
    detail_view.__name__ = f"get_{kind}"
    detail_view.__doc__ = f"One {singular}: article count, aliases, co-mentions, latest articles."

    blp.route(f"/{kind}", methods=["GET"])(
        blp.arguments(arguments, location="query")(
            blp.response(200, EntitySchema(many=True))(problem_responses(blp, 422, 503)(list_view))
        )
    )
    blp.route(f"/{kind}/<string:name>", methods=["GET"])(
        blp.response(200, EntityDetailSchema)(problem_responses(blp, 404, 503)(detail_view))
    )


for _kind, _singular in KINDS.items():
    _register(_kind, _singular)
