"""Problem rendering and the mapping of domain errors to HTTP, with no node and no NER server."""

import pytest
from flask import Flask, g

from api import create_app
from api.errors import (
    Conflict,
    DomainError,
    InvalidCursor,
    NotFound,
    PageTooDeep,
    PreconditionFailed,
    TooLarge,
    Unavailable,
)
from api.extraction.corenlp import NerUnavailable
from api.web.metrics import init_app as init_metrics
from api.web.problems import ProblemError, register_error_handlers, render_problem
from tests.support.services import closed_port_url

PREFIX = "urn:article-api:problem:"


def test_a_problem_names_its_type_status_instance_request_and_fields():
    app = Flask(__name__)
    with app.test_request_context("/articles/x"):
        g.request_id = "r-1"
        response = render_problem(
            422, "Bad.", kind="validation-error", errors={"url": ["No."]}, headers={"X-A": "1"}
        )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.headers["X-A"] == "1"
    assert response.get_json() == {
        "type": PREFIX + "validation-error",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "Bad.",
        "instance": "/articles/x",
        "request_id": "r-1",
        "errors": {"url": ["No."]},
    }


def test_a_problem_without_a_kind_is_about_blank_and_every_503_says_when_to_retry():
    app = Flask(__name__)
    with app.test_request_context("/ready"):
        response = render_problem(503)
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "instance": "/ready",
    }
    assert int(response.headers["Retry-After"]) > 0


ERRORS = {
    "not-found": (NotFound("No article."), 404),
    "too-large": (TooLarge("Too big.", errors={"text": ["Long."]}), 413),
    "precondition": (PreconditionFailed("Changed."), 412),
    "conflict": (Conflict("a" * 32), 409),
    "cursor": (InvalidCursor("Expired.", errors={"cursor": ["Expired."]}), 400),
    "deep": (PageTooDeep("Too deep.", errors={"page": ["At most 5."]}), 400),
    "unavailable": (Unavailable("Down."), 503),
    "ner": (NerUnavailable("the NER server did not answer"), 503),
    "problem": (ProblemError(415, "Send JSON.", kind="unsupported-media-type"), 415),
    "unexpected": (RuntimeError("secret internals"), 500),
}
KINDS = {
    "not-found": "not-found",
    "too-large": "article-too-large",
    "precondition": "precondition-failed",
    "conflict": "edit-conflict",
    "cursor": "invalid-cursor",
    "deep": "page-too-deep",
    "unavailable": "unavailable",
    "ner": "ner-unavailable",
    "problem": "unsupported-media-type",
}


@pytest.fixture(scope="module")
def raising() -> Flask:
    """A bare app with only the error handlers (and the metrics they count in)."""
    app = Flask(__name__)
    init_metrics(app)
    register_error_handlers(app)

    @app.get("/raise/<name>")
    def raise_error(name: str):
        raise ERRORS[name][0]

    return app


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_each_error_is_answered_by_its_meaning(raising, name):
    error, status = ERRORS[name]
    response = raising.test_client().get(f"/raise/{name}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    if name in KINDS:
        assert body["type"] == PREFIX + KINDS[name]
    if isinstance(error, DomainError) and error.errors:
        assert body["errors"] == error.errors
    assert "secret internals" not in response.get_data(as_text=True)
    assert ("Retry-After" in response.headers) == (status == 503)


def test_the_openapi_document_describes_shared_error_responses_as_problems():
    app = create_app(es_url=closed_port_url(), es_timeout=1, log_level="CRITICAL")
    spec = app.test_client().get("/openapi.json").get_json()
    responses = spec["components"]["responses"]
    assert responses, "no shared error responses"
    for name, response in responses.items():
        assert list(response["content"]) == ["application/problem+json"], name
        assert response["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }
