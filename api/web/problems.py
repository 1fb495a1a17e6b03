"""The one error path: every failure leaves the app as RFC 9457 application/problem+json.

The services raise domain errors (api/errors.py), mapped to a status and problem type here
(`_DOMAIN_ANSWERS`) and nowhere else; the HTTP layer raises `ProblemError` (or an HTTPException
via `abort`). `render_problem` is the only place that turns any of them into a response, and
every 503 it renders says when to retry. Every Elasticsearch failure is answered by its meaning
(`_BACKEND_ANSWERS`): 503 when it is unavailable, 409 for a lost write race, 4xx when it
refused the request. `ProblemApi` documents all of it in the OpenAPI document and routes
flask-smorest's HTTP errors here, through its public hooks. `register_error_handlers` is the
one place handlers are registered.
No stack trace or internal detail ever reaches the client; unexpected errors are logged instead.
"""

from __future__ import annotations

import logging
from typing import Any

from apispec import BasePlugin
from flask import Flask, Response, g, json, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from api.broker import BrokerUnavailable
from api.errors import (
    Conflict,
    DomainError,
    EmptyJob,
    InvalidCursor,
    JobTooLarge,
    NotFound,
    PageTooDeep,
    PreconditionFailed,
    TooLarge,
    TooManyBuckets,
    Unavailable,
)
from api.extraction.corenlp import NerUnavailable
from api.store import BACKEND_ERRORS, Failure, classify
from api.web.caching import ConditionalReads
from api.web.metrics import service_metrics
from schemas.common import PROBLEM_CONTENT_TYPE as PROBLEM_MIMETYPE
from schemas.common import PROBLEM_TYPE_PREFIX, ProblemSchema

RETRY_AFTER_SECONDS = 5

log = logging.getLogger(__name__)


class ProblemError(Exception):
    """An error with a known problem type, rendered as problem+json."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title
        self.errors = errors
        self.headers = headers or {}


def render_problem(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    title: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + kind if kind else "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 503:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def _flatten_validation_messages(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); clients want field names."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = {
        name: value
        for name, value in error.get_headers()
        if name.lower() not in {"content-type", "content-length"}
    }
    if messages is not None:
        return render_problem(
            status,
            "The request did not pass validation; see `errors` for each field.",
            kind="validation-error",
            errors=_flatten_validation_messages(messages),
            headers=headers,
        )
    detail = error.description if status < 500 else None
    return render_problem(status, detail, headers=headers)


# Each domain error (api/errors.py) -> status and problem type; a subclass answers as its base.
_DOMAIN_ANSWERS: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "not-found"),
    JobTooLarge: (413, "job-too-large"),  # before TooLarge, which it is too
    TooLarge: (413, "article-too-large"),
    EmptyJob: (422, "validation-error"),
    TooManyBuckets: (422, "validation-error"),
    PreconditionFailed: (412, "precondition-failed"),
    InvalidCursor: (400, "invalid-cursor"),
    PageTooDeep: (400, "page-too-deep"),
    Unavailable: (503, "unavailable"),
}


def handle_domain_error(error: DomainError) -> Response:
    status, kind = next(answer for cls, answer in _DOMAIN_ANSWERS.items() if isinstance(error, cls))
    return render_problem(status, error.detail, kind=kind, errors=error.errors)


def handle_problem(error: ProblemError) -> Response:
    return render_problem(
        error.status,
        error.detail,
        kind=error.kind,
        title=error.title,
        errors=error.errors,
        headers=error.headers,
    )


# Each kind of Elasticsearch failure (api.store.classify) -> status, problem type, detail.
_BACKEND_ANSWERS: dict[Failure, tuple[int, str, str]] = {
    Failure.UNAVAILABLE: (
        503,
        "search-unavailable",
        "The search backend (Elasticsearch) is unavailable. Retry later; a write answered "
        "this way stored nothing.",
    ),
    Failure.MISCONFIGURED: (
        503,
        "search-unavailable",
        "The search backend refused this service's credentials or is not Elasticsearch; "
        "the operators have been alerted. Retry later; nothing was stored.",
    ),
    Failure.CONFLICT: (
        409,
        "edit-conflict",
        "The article was changed by another request at the same time; read it and retry.",
    ),
    Failure.DOCUMENT_REJECTED: (
        422,
        "document-rejected",
        "The search index refused a value of this article; nothing was stored.",
    ),
    Failure.REQUEST_REJECTED: (
        400,
        "search-rejected",
        "The search backend refused this request as it was built from your parameters.",
    ),
    Failure.TOO_LARGE: (
        413,
        "article-too-large",
        "The request is larger than the search backend accepts; nothing was stored.",
    ),
    Failure.NOT_FOUND: (404, "not-found", "What this request refers to no longer exists."),
}


def handle_backend_error(error: Exception) -> Response:
    """Every Elasticsearch error class ends here with a deliberate, documented answer."""
    failure = classify(error)
    service_metrics().elasticsearch_errors.labels(kind=failure.value).inc()
    status, kind, detail = _BACKEND_ANSWERS[failure]
    if failure is Failure.MISCONFIGURED:
        log.error("elasticsearch refused the service: %s", error)
    else:
        log.warning("elasticsearch %s: %s", failure.value, type(error).__name__)
    return render_problem(status, detail, kind=kind)


def _component_down(component: str, name: str, error: Exception, detail: str) -> Response:
    """A component other than Elasticsearch is down: counted, logged, 503 with Retry-After."""
    service_metrics().count_component_error(component, "unavailable")
    log.warning("%s unavailable: %s", name, error)
    return render_problem(503, detail, kind=f"{component}-unavailable")


def handle_ner_unavailable(error: NerUnavailable) -> Response:
    return _component_down(
        "ner",
        "NER server",
        error,
        "The named-entity server (Stanford CoreNLP) is unavailable. Retry later; a write "
        "answered this way stored nothing.",
    )


def handle_broker_unavailable(error: BrokerUnavailable) -> Response:
    return _component_down(
        "broker",
        "job broker",
        error,
        "The job broker (Redis) is unavailable. Retry later; a job answered this way was not "
        "accepted and nothing of it will run.",
    )


def handle_too_deep(error: RecursionError) -> Response:
    """Only pathologically nested JSON recurses this deep: the client's fault, not ours."""
    log.warning("refused a body nested too deeply to parse")
    return render_problem(400, "The JSON body is nested too deeply.", kind="invalid-json")


def handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error")
    return render_problem(500, "An unexpected error occurred; it has been logged.")


class ProblemApi(Api):
    """flask-smorest's Api, answering and documenting every error as RFC 9457 problem+json.

    Its HTTP errors (422 from argument parsing, 404 from routing, ...) reach
    `handle_http_exception` through the documented override; its shared error responses are
    documented as problem+json by `ProblemResponses`, an apispec plugin passed in spec_kwargs.
    The Api registers that handler for HTTPException; register_error_handlers does the rest.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask) -> None:
        plugins = [ProblemResponses(), ConditionalReads()]
        super().__init__(app, spec_kwargs={"extra_plugins": plugins})

    def handle_http_exception(self, error: HTTPException) -> Response:
        return handle_http_exception(error)


class ProblemResponses(BasePlugin):
    """Document the shared error responses (422, default) as problem+json, not JSON: the only
    response components are flask-smorest's error responses, all built on ERROR_SCHEMA."""

    def response_helper(self, response: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        content = response.get("content", {})
        if "application/json" in content:
            response["content"] = {PROBLEM_MIMETYPE: content["application/json"]}
        return response


def register_error_handlers(app: Flask) -> None:
    """Every handler but HTTPException's, which ProblemApi registers."""
    app.register_error_handler(ProblemError, handle_problem)
    app.register_error_handler(DomainError, handle_domain_error)
    for error_class in (*BACKEND_ERRORS, Conflict):
        app.register_error_handler(error_class, handle_backend_error)
    app.register_error_handler(NerUnavailable, handle_ner_unavailable)
    app.register_error_handler(BrokerUnavailable, handle_broker_unavailable)
    app.register_error_handler(RecursionError, handle_too_deep)
    app.register_error_handler(Exception, handle_unexpected)
