"""Every exception class the Elasticsearch client can raise gets a deliberate answer.

The classes are listed from the installed client itself, so a class added by a new release
fails `test_every_client_exception_class_is_covered` until it is given an answer here.
"""

from __future__ import annotations

import inspect

import elastic_transport
import elasticsearch.exceptions
import elasticsearch.helpers
import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig

from api import create_app
from tests.support.services import closed_port_url

META_NODE = NodeConfig("http", "127.0.0.1", 9200)


def meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(
        status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0, node=META_NODE
    )


def api_error(cls: type, status: int, error_type: str = "exception") -> Exception:
    body = {"error": {"type": error_type, "reason": "x", "root_cause": [{"reason": "x"}]}}
    return cls(error_type, meta=meta(status), body=body)


E = elasticsearch.exceptions
T = elastic_transport
# (exception, expected status, expected problem type)
CASES = {
    "ConnectionError": (E.ConnectionError("refused"), 503, "search-unavailable"),
    "ConnectionTimeout": (E.ConnectionTimeout("slow"), 503, "search-unavailable"),
    "SSLError": (E.SSLError("bad certificate"), 503, "search-unavailable"),
    "SniffingError": (T.SniffingError("no nodes"), 503, "search-unavailable"),
    "SerializationError": (E.SerializationError("not JSON"), 503, "search-unavailable"),
    "TransportError": (E.TransportError("broken"), 503, "search-unavailable"),
    "UnsupportedProductError": (
        E.UnsupportedProductError("not es", meta=meta(200), body={}),
        503,
        "search-unavailable",
    ),
    "AuthenticationException": (
        api_error(E.AuthenticationException, 401, "security_exception"),
        503,
        "search-unavailable",
    ),
    "AuthorizationException": (
        api_error(E.AuthorizationException, 403, "security_exception"),
        503,
        "search-unavailable",
    ),
    "AuthorizationException(block)": (
        api_error(E.AuthorizationException, 403, "cluster_block_exception"),
        503,
        "search-unavailable",
    ),
    "NotFoundError(index)": (
        api_error(E.NotFoundError, 404, "index_not_found_exception"),
        503,
        "search-unavailable",
    ),
    "NotFoundError": (api_error(E.NotFoundError, 404, "resource_not_found"), 404, "not-found"),
    "ConflictError": (
        api_error(E.ConflictError, 409, "version_conflict_engine_exception"),
        409,
        "edit-conflict",
    ),
    "BadRequestError(document)": (
        api_error(E.BadRequestError, 400, "document_parsing_exception"),
        422,
        "document-rejected",
    ),
    "BadRequestError": (
        api_error(E.BadRequestError, 400, "search_phase_execution_exception"),
        400,
        "search-rejected",
    ),
    "ApiError(413)": (api_error(E.ApiError, 413), 413, "article-too-large"),
    "ApiError(429)": (api_error(E.ApiError, 429, "es_rejected_execution"), 503, None),
    "ApiError(500)": (api_error(E.ApiError, 500), 503, "search-unavailable"),
    "ApiError(504)": (api_error(E.ApiError, 504), 503, "search-unavailable"),
    "ApiError(405)": (api_error(E.ApiError, 405), 400, "search-rejected"),
    "elastic_transport.ApiError": (api_error(T.ApiError, 502), 503, "search-unavailable"),
    "BulkIndexError": (elasticsearch.helpers.BulkIndexError("1 failed", []), 503, None),
    "ScanError": (elasticsearch.helpers.ScanError("scroll", "lost shards"), 503, None),
}


def client_exception_classes() -> set[type]:
    modules = [elasticsearch.exceptions, elastic_transport, elasticsearch.helpers]
    return {
        value
        for module in modules
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, Exception)
        and not issubclass(value, Warning)
        and value.__module__.split(".")[0] in {"elasticsearch", "elastic_transport"}
    }


def test_every_client_exception_class_is_covered():
    covered = {type(error) for error, _, _ in CASES.values()}
    assert client_exception_classes() - covered == set()


@pytest.fixture(scope="module")
def raising_client():
    """The app with one extra route that raises the error it is told to: the real error path."""
    app = create_app(es_url=closed_port_url(), es_timeout=1, log_level="CRITICAL")

    @app.get("/raise/<name>")
    def raise_error(name: str):
        raise CASES[name][0]

    return app.test_client()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_elasticsearch_failure_has_a_deliberate_answer(raising_client, name):
    _, status, kind = CASES[name]
    response = raising_client.get(f"/raise/{name}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    if kind:
        assert body["type"] == f"urn:article-api:problem:{kind}"
    assert ("Retry-After" in response.headers) == (status == 503)
