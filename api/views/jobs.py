"""Ingest jobs: submit many articles for the workers, follow them, cancel them.

`POST /jobs` takes the body of `POST /articles/batch` (JSON `{"articles": [...]}` or NDJSON),
any number of articles up to JOB_MAX_ITEMS, and answers 202 with the job's Location. The body
is read as a stream, item by item, and staged in the broker in chunks (api/broker.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import ijson
from flask import request, url_for
from flask_smorest import Blueprint

from api.views import problem_responses
from api.views.articles import BATCH_REQUEST_BODY, NDJSON
from api.web.context import job_service, settings
from api.web.media import JSON_TYPES, require_media_type
from api.web.problems import ProblemError
from schemas.jobs import JobQueryArgsSchema, JobSchema

# The pure-Python parser, not yajl's C one: yajl refuses integers beyond 64 bits and replaces
# lone surrogates, where `POST /articles/batch` (json.loads) takes both. Still about 25 MB/s
# here, hundreds of times what extraction gets through.
_PARSER = ijson.get_backend("python")

blp = Blueprint("jobs", __name__, url_prefix="/jobs", description="Asynchronous ingest jobs")

LOCATION_HEADER = {"Location": {"description": "The job", "schema": {"type": "string"}}}


@blp.before_request
def check_body() -> None:
    if request.method == "POST":
        request.max_content_length = settings().job_max_bytes
        require_media_type(*JSON_TYPES, NDJSON)


@blp.route("", methods=["POST"])
@blp.doc(requestBody=BATCH_REQUEST_BODY)
@blp.response(202, JobSchema, description="Accepted", headers=LOCATION_HEADER)
@problem_responses(blp, 400, 401, 413, 415, 422, 503)
def create_job() -> Any:
    """Queue many articles for the workers; follow the job at its Location."""
    stream = request.stream
    items = ndjson_items(stream) if request.mimetype == NDJSON else json_items(stream)
    job = job_service().submit(items)
    return job, 202, {"Location": url_for("jobs.get_job", job_id=job["id"])}


@blp.route("/<job_id>", methods=["GET"])
@blp.arguments(JobQueryArgsSchema(), location="query", as_kwargs=True)
@blp.response(200, JobSchema)
@problem_responses(blp, 404, 503)
def get_job(job_id: str, page: int, per_page: int) -> dict[str, Any]:
    """A job's status, counts, times, estimate of time left, and its failed items, paged."""
    return job_service().describe(job_id, page, per_page)


@blp.route("/<job_id>", methods=["DELETE"])
@blp.response(200, JobSchema)
@problem_responses(blp, 401, 404, 503)
def cancel_job(job_id: str) -> dict[str, Any]:
    """Cancel the chunks of a job that no worker has started; the others finish."""
    return job_service().cancel(job_id)


def ndjson_items(stream: IO[bytes]) -> Iterator[Any]:
    """One JSON value per non-blank line; a bad line becomes an item that fails validation."""
    for line in stream:
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except (ValueError, RecursionError):
            yield None


class _Reader:
    """The request stream as ijson reads it: werkzeug's stream takes `read(0)` (ijson's probe
    for bytes or text) for a client that went away."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size) if size else b""


def json_items(stream: IO[bytes]) -> Iterator[Any]:
    """The items of `{"articles": [...]}`, parsed incrementally (ijson), never the whole body.

    The envelope is held to BatchInSchema's rules as it streams by: an object whose only
    member is the `articles` list.
    """
    events = _PARSER.parse(_Reader(stream), use_float=True)
    builder: ijson.ObjectBuilder | None = None
    depth = 0
    seen_articles = False
    try:
        for prefix, event, value in events:
            if prefix == "articles.item" or prefix.startswith("articles.item."):
                if builder is None:
                    builder, depth = ijson.ObjectBuilder(), 0
                builder.event(event, value)
                if event in {"start_map", "start_array"}:
                    depth += 1
                elif event in {"end_map", "end_array"}:
                    depth -= 1
                if not depth:  # the item is complete: a scalar, or its container closed
                    yield builder.value
                    builder = None
            elif prefix == "" and event == "map_key":
                if value != "articles":
                    raise _envelope_error({str(value): ["Unknown field."]})
                seen_articles = True
            elif prefix == "articles" and event not in {"start_array", "end_array"}:
                raise _envelope_error({"articles": ["Not a valid list."]})
            elif prefix == "" and event not in {"start_map", "end_map", "map_key"}:
                raise _envelope_error({"_schema": ["Invalid input type."]})
    except ijson.JSONError:
        raise ProblemError(400, "The body is not valid JSON.", kind="invalid-json") from None
    if not seen_articles:
        raise _envelope_error({"articles": ["Missing data for required field."]})


def _envelope_error(errors: dict[str, list[str]]) -> ProblemError:
    return ProblemError(
        422, "The job envelope is not valid.", kind="validation-error", errors=errors
    )
