"""What surrounds the endpoints: the OpenAPI document, /docs, CORS and HTTP caching."""

from __future__ import annotations

import pytest

SEARCH_PARAMETERS = {
    "q",
    "person",
    "region",
    "focus",
    "author",
    "outlet",
    "organization",
    "language",
    "published_from",
    "published_to",
    "sort",
    "per_page",
    "page",
    "cursor",
    "highlight",
    "facets",
    "facet_size",
    "interval",
    "fields",
}


@pytest.fixture
def spec(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_openapi_documents_every_endpoint(spec):
    assert spec["openapi"].startswith("3.")
    expected = {
        "/health",
        "/ready",
        "/articles",
        "/articles/batch",
        "/articles/{article_id}",
        "/extract",
    }
    for kind in ("people", "regions", "outlets", "authors", "organizations"):
        expected |= {f"/{kind}", f"/{kind}/{{name}}"}
    assert expected <= set(spec["paths"])
    assert set(spec["paths"]["/articles/{article_id}"]) >= {"get", "put", "patch", "delete"}


def test_openapi_documents_every_search_parameter(spec):
    parameters = {p["name"] for p in spec["paths"]["/articles"]["get"]["parameters"]}
    assert parameters >= SEARCH_PARAMETERS


def test_errors_are_documented_as_problem_json(spec):
    responses = spec["paths"]["/articles"]["post"]["responses"]
    assert "application/problem+json" in responses["415"]["content"]
    shared = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert set(shared) == {"application/problem+json"}


def test_batch_documents_json_and_ndjson_bodies(spec):
    body = spec["paths"]["/articles/batch"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-ndjson"} <= set(body)


def test_interactive_docs_are_served_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert b"/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.data
    assert b"https://" not in page.data
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200


def test_cors_allows_configured_origins_only(make_app):
    app = make_app(cors_origins=("https://news.example",))
    client = app.test_client()
    allowed = client.get("/health", headers={"Origin": "https://news.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://news.example"
    other = client.get("/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/articles",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client):
    first = client.get("/articles")
    assert first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    assert client.get("/articles", headers={"If-None-Match": etag}).status_code == 304
    client.post("/articles?refresh=wait_for", json={"text": "Mayor Ada Brun opened a bridge."})
    assert client.get("/articles", headers={"If-None-Match": etag}).status_code == 200


def test_openapi_declares_the_conditional_reads(spec):
    """Every GET that answers 304 says so, with the header that asks for it; probes do not."""
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        get = operations["get"]
        headers = {p["name"] for p in get.get("parameters", []) if p["in"] == "header"}
        cacheable = path not in {"/health", "/ready"}
        assert ("304" in get["responses"]) is cacheable, path
        assert ("If-None-Match" in headers) is cacheable, path


def test_probes_are_never_cached(client):
    assert client.get("/health").headers["Cache-Control"] == "no-store"
