"""Articles: create, read, replace, patch, delete and batch."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request, url_for
from flask_smorest import Blueprint
from marshmallow import ValidationError
from werkzeug.datastructures import ETags
from werkzeug.http import quote_etag

from api.services.articles import ANY_VERSION, Precondition
from api.store.index import Version
from api.views import problem_responses
from api.web.context import article_service, search_service, settings
from api.web.media import JSON_TYPES, require_media_type
from api.web.problems import ProblemError
from schemas.articles import (
    ETAG_RESPONSE_HEADER,
    IF_MATCH_HEADER,
    IF_NONE_MATCH_HEADER,
    ArticleInSchema,
    ArticlePatchSchema,
    ArticleSchema,
    BatchInSchema,
    BatchResultSchema,
    WriteArgsSchema,
)
from schemas.common import field_messages
from schemas.search import ArticleQueryArgsSchema, SearchResultSchema

blp = Blueprint("articles", __name__, url_prefix="/articles", description="Stored articles")

NDJSON = "application/x-ndjson"
# A batch of articles, as POST /articles/batch and POST /jobs take it.
BATCH_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": BatchInSchema},
        NDJSON: {"schema": {"type": "string", "description": "One article object per line"}},
    },
}


def problems(*statuses: int) -> Any:
    return problem_responses(blp, *statuses)


def precondition() -> Precondition:
    """The request's If-Match (strong tags only) and If-None-Match (weak ones too)."""
    return Precondition(
        if_match=_tags(request.if_match, include_weak=False),
        if_none_match=_tags(request.if_none_match, include_weak=True),
    )


def _tags(header: ETags, include_weak: bool) -> frozenset[str] | None:
    if not header:
        return None
    if header.star_tag:
        return frozenset({ANY_VERSION})
    return frozenset(header.as_set(include_weak=include_weak))


def etag(version: Version) -> dict[str, str]:
    return {"ETag": quote_etag(version.tag)}


@blp.before_request
def check_body_media_type() -> None:
    if request.method in {"POST", "PUT", "PATCH"}:
        if request.endpoint == "articles.create_batch":
            request.max_content_length = settings().batch_max_bytes
            require_media_type(*JSON_TYPES, NDJSON)
        else:
            require_media_type(*JSON_TYPES)


@blp.route("", methods=["POST"])
@blp.arguments(WriteArgsSchema(), location="query", as_kwargs=True)
@blp.arguments(ArticleInSchema())
@blp.doc(parameters=[IF_NONE_MATCH_HEADER])
@blp.response(201, ArticleSchema, description="Created", headers=ETAG_RESPONSE_HEADER)
@blp.alt_response(
    200,
    schema=ArticleSchema,
    description="Already stored (updated if changed)",
    headers=ETAG_RESPONSE_HEADER,
)
@problems(400, 401, 409, 412, 413, 415, 503)
def create_article(payload: dict[str, Any], refresh: str) -> Any:
    """Store an article, extracting its metadata; idempotent by URL or text. Concurrent posts
    of one article create it once: one 201, the others 200 with the same id."""
    result = article_service().save(payload, refresh, precondition())
    search_service().with_story_sizes([result.article])
    if not result.created:
        return result.article, 200, etag(result.version)
    location = url_for("articles.get_article", article_id=result.article["id"])
    return result.article, 201, {"Location": location, **etag(result.version)}


@blp.route("", methods=["GET"])
@blp.arguments(ArticleQueryArgsSchema(), location="query")
@blp.response(200, SearchResultSchema)
@problems(400, 422, 503)
def search_articles(args: dict[str, Any]) -> Response:
    """Search articles: full text, filters by person, region, author, outlet, organisation and
    date, facets, highlights, and page or cursor paging."""
    # Answered as is: the hits are stored, already validated documents, and a schema dump would
    # cost a quarter of the service's own time per search (bench/README.md).
    return jsonify(search_service().search(args))


@blp.route("/batch", methods=["POST"])
@blp.arguments(WriteArgsSchema(), location="query", as_kwargs=True)
@blp.doc(requestBody=BATCH_REQUEST_BODY)
@blp.response(200, BatchResultSchema)
@problems(400, 401, 413, 415, 422, 503)
def create_batch(refresh: str) -> dict[str, Any]:
    """Store many articles (JSON `{"articles": [...]}` or NDJSON); each item gets a status."""
    items = _batch_items()
    limit = settings().batch_max_items
    if len(items) > limit:
        raise ProblemError(
            413,
            f"A batch holds at most {limit} articles; this one has {len(items)}.",
            kind="batch-too-large",
            errors={"articles": [f"At most {limit} items."]},
        )
    return article_service().save_batch(items, refresh)


def _batch_items() -> list[Any]:
    body = request.get_data()
    if request.mimetype == NDJSON:
        items = parse_ndjson(body)
        envelope: Any = {"articles": items}
    else:
        try:
            envelope = json.loads(body)
        except ValueError:
            raise ProblemError(400, "The body is not valid JSON.", kind="invalid-json") from None
    try:
        articles: list[Any] = BatchInSchema().load(envelope)["articles"]
        return articles
    except ValidationError as error:
        raise ProblemError(
            422,
            "The batch envelope is not valid.",
            kind="validation-error",
            errors=field_messages(error),
        ) from None


@blp.route("/<article_id:article_id>", methods=["GET"])
@blp.response(200, ArticleSchema, headers=ETAG_RESPONSE_HEADER)
@problems(404, 503)
def get_article(article_id: str) -> Any:
    """One stored article; its ETag names its version, for If-Match on later writes."""
    stored = article_service().get(article_id)
    return search_service().with_story_sizes([stored.article])[0], etag(stored.version)


@blp.route("/<article_id:article_id>", methods=["PUT"])
@blp.arguments(WriteArgsSchema(), location="query", as_kwargs=True)
@blp.arguments(ArticleInSchema())
@blp.doc(parameters=[IF_MATCH_HEADER])
@blp.response(200, ArticleSchema, headers=ETAG_RESPONSE_HEADER)
@problems(400, 401, 404, 409, 412, 413, 415, 503)
def replace_article(payload: dict[str, Any], article_id: str, refresh: str) -> Any:
    """Replace a stored article with new input and extract it again. Without If-Match, a
    replacement that races another write is applied after it."""
    result = article_service().replace(article_id, payload, refresh, precondition())
    return search_service().with_story_sizes([result.article])[0], etag(result.version)


@blp.route("/<article_id:article_id>", methods=["PATCH"])
@blp.arguments(WriteArgsSchema(), location="query", as_kwargs=True)
@blp.arguments(ArticlePatchSchema())
@blp.doc(parameters=[IF_MATCH_HEADER])
@blp.response(200, ArticleSchema, headers=ETAG_RESPONSE_HEADER)
@problems(400, 401, 404, 409, 412, 415, 503)
def patch_article(changes: dict[str, Any], article_id: str, refresh: str) -> Any:
    """Change client-owned fields (title, url, authors, outlet, published_at, language).
    Without If-Match, a patch that races another write is merged into its result."""
    result = article_service().patch(article_id, changes, refresh, precondition())
    return result.article, etag(result.version)


@blp.route("/<article_id:article_id>", methods=["DELETE"])
@blp.arguments(WriteArgsSchema(), location="query", as_kwargs=True)
@blp.doc(parameters=[IF_MATCH_HEADER])
@blp.response(204)
@problems(401, 404, 412, 503)
def delete_article(article_id: str, refresh: str) -> Response:
    """Delete a stored article."""
    article_service().delete(article_id, refresh, precondition())
    return Response(status=204)


def parse_ndjson(body: bytes) -> list[Any]:
    """One JSON value per non-blank line; a bad line becomes an item that fails validation."""
    items: list[Any] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except (ValueError, RecursionError):
            items.append(None)
    return items
