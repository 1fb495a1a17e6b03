"""Conditional writes (RFC 9110 13.1): If-Match on PUT, PATCH and DELETE; If-None-Match: * on
POST. A stale ETag answers 412 problem+json and changes nothing."""

from __future__ import annotations

import pytest

TEXT = "Mayor Rita Sousa opened a library in Braga on Monday."
URL = "https://news.example/braga-library"


@pytest.fixture
def article(client):
    response = client.post("/articles", json={"text": TEXT, "url": URL})
    assert response.status_code == 201
    return response


def assert_precondition_failed(response) -> None:
    assert response.status_code == 412, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "urn:article-api:problem:precondition-failed"


def test_every_read_and_write_of_an_article_carries_its_version_as_etag(client, article):
    article_id = article.get_json()["id"]
    created_tag = article.headers["ETag"]
    read = client.get(f"/articles/{article_id}")
    assert read.headers["ETag"] == created_tag
    again = client.post("/articles", json={"text": TEXT, "url": URL})
    assert again.status_code == 200 and again.headers["ETag"] == created_tag
    patched = client.patch(f"/articles/{article_id}", json={"title": "Library opens"})
    assert patched.headers["ETag"] not in {created_tag, None}
    assert client.get(f"/articles/{article_id}").headers["ETag"] == patched.headers["ETag"]
    assert (
        client.get(
            f"/articles/{article_id}", headers={"If-None-Match": patched.headers["ETag"]}
        ).status_code
        == 304
    )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_with_the_current_etag_is_applied(client, article, method):
    article_id, tag = article.get_json()["id"], article.headers["ETag"]
    body = {"put": {"text": TEXT + " It has 9,000 books."}, "patch": {"title": "New"}}
    response = getattr(client, method)(
        f"/articles/{article_id}", json=body.get(method), headers={"If-Match": tag}
    )
    assert response.status_code == (204 if method == "delete" else 200)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_with_a_stale_etag_answers_412_and_changes_nothing(client, article, method):
    article_id, stale = article.get_json()["id"], article.headers["ETag"]
    client.patch(f"/articles/{article_id}", json={"title": "Changed meanwhile"})
    current = client.get(f"/articles/{article_id}")
    body = {"put": {"text": "Replaced entirely."}, "patch": {"title": "Lost update"}}
    response = getattr(client, method)(
        f"/articles/{article_id}", json=body.get(method), headers={"If-Match": stale}
    )
    assert_precondition_failed(response)
    after = client.get(f"/articles/{article_id}")
    assert after.get_json() == current.get_json()
    assert after.headers["ETag"] == current.headers["ETag"]


def test_if_match_compares_strongly_and_star_means_exists(client, article):
    article_id, tag = article.get_json()["id"], article.headers["ETag"]
    weak = client.patch(
        f"/articles/{article_id}", json={"title": "Weak"}, headers={"If-Match": "W/" + tag}
    )
    assert_precondition_failed(weak)
    listed = client.patch(
        f"/articles/{article_id}", json={"title": "Listed"}, headers={"If-Match": f'"x", {tag}'}
    )
    assert listed.status_code == 200
    star = client.patch(f"/articles/{article_id}", json={"title": "Any"}, headers={"If-Match": "*"})
    assert star.status_code == 200


def test_a_precondition_on_a_missing_article_is_still_404(client):
    response = client.patch(f"/articles/{'0' * 32}", json={"title": "x"}, headers={"If-Match": "*"})
    assert response.status_code == 404


def test_if_none_match_star_creates_only_when_absent(client):
    first = client.post(
        "/articles", json={"text": TEXT, "url": URL}, headers={"If-None-Match": "*"}
    )
    assert first.status_code == 201
    again = client.post(
        "/articles", json={"text": TEXT, "url": URL}, headers={"If-None-Match": "*"}
    )
    assert_precondition_failed(again)
    changed = client.post(
        "/articles", json={"text": TEXT + " Later.", "url": URL}, headers={"If-None-Match": "*"}
    )
    assert_precondition_failed(changed)
    assert client.get(f"/articles/{first.get_json()['id']}").get_json() == first.get_json()
    assert client.post("/articles", json={"text": TEXT, "url": URL}).status_code == 200


def test_the_openapi_document_states_the_preconditions(client):
    spec = client.get("/openapi.json").get_json()
    item = spec["paths"]["/articles/{article_id}"]
    for method in ("put", "patch", "delete"):
        names = {p["name"] for p in item[method]["parameters"] if p["in"] == "header"}
        assert "If-Match" in names, method
        assert "412" in item[method]["responses"], method
    create = spec["paths"]["/articles"]["post"]
    assert "If-None-Match" in {p["name"] for p in create["parameters"] if p["in"] == "header"}
    assert "412" in create["responses"]
    assert "ETag" in item["get"]["responses"]["200"]["headers"]
