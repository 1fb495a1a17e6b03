"""Health, readiness, and the problem+json shape of routing errors."""

from __future__ import annotations

from api.store.mapping import MAPPING_VERSION
from tests.support.services import closed_port_url


def test_health_is_200_without_looking_at_elasticsearch(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_reports_the_elasticsearch_version_and_creates_the_alias(client, es, index_prefix):
    response = client.get("/ready")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["elasticsearch"]["version"].startswith("9.")
    assert es.indices.exists_alias(name=f"{index_prefix}articles")
    assert es.indices.exists(index=f"{index_prefix}articles-v{MAPPING_VERSION}")


def test_ready_is_503_problem_when_elasticsearch_is_unreachable(make_app):
    app = make_app(es_url=closed_port_url(), es_timeout=2)
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"]
    body = response.get_json()
    assert body["status"] == 503
    assert body["type"].endswith("not-ready")


def test_index_is_created_at_start_up_with_a_strict_mapping(app, es, index_prefix):
    mapping = es.indices.get_mapping(index=f"{index_prefix}articles")
    (only_index,) = mapping.body.values()
    assert only_index["mappings"]["dynamic"] == "strict"


def test_unknown_route_is_404_problem(client):
    response = client.get("/no/such/thing", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "about:blank"
    assert body["title"] == "Not Found"
    assert body["status"] == 404
    assert body["instance"] == "/no/such/thing"
    assert body["request_id"] == "req-123"
    assert response.headers["X-Request-ID"] == "req-123"


def test_wrong_method_is_405_problem_with_allow_header(client):
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 405
    assert "GET" in response.headers["Allow"]
