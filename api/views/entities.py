"""Entities known from stored articles, with article counts and autocomplete."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint

from api.entities import ENTITY_KINDS, EntityKind
from api.views import problem_responses
from api.web.context import search_service
from schemas.entities import (
    AuthorQueryArgsSchema,
    EntityDetailSchema,
    EntityQueryArgsSchema,
    EntitySchema,
)

blp = Blueprint(
    "entities", __name__, description="People, regions, outlets, authors, organisations"
)


def _register(kind: EntityKind) -> None:
    def list_view(args: dict[str, Any]) -> Response:
        # Answered as is, like searches: built from stored documents, no schema dump needed.
        entities = search_service().list_entities(
            kind.name, args["limit"], args.get("prefix"), args.get("q"), args.get("type")
        )
        return jsonify(entities)

    def detail_view(name: str) -> dict[str, Any]:
        return search_service().entity_detail(kind.name, name)

    arguments = AuthorQueryArgsSchema() if kind.name == "authors" else EntityQueryArgsSchema()
    list_view.__name__ = f"list_{kind.name}"
    list_view.__doc__ = f"List {kind.name} by article count; `prefix` autocompletes any word."
    detail_view.__name__ = f"get_{kind.name}"
    detail_view.__doc__ = (
        f"One {kind.described_as}: article count, aliases, co-mentions, latest articles."
    )

    blp.route(f"/{kind.name}", methods=["GET"])(
        blp.arguments(arguments, location="query")(
            blp.response(200, EntitySchema(many=True))(problem_responses(blp, 422, 503)(list_view))
        )
    )
    blp.route(f"/{kind.name}/<string:name>", methods=["GET"])(
        blp.response(200, EntityDetailSchema)(problem_responses(blp, 404, 503)(detail_view))
    )


for _kind in ENTITY_KINDS:
    _register(_kind)
