"""Ingest against the real node: create, idempotency, read, replace, patch, delete, batch."""

from __future__ import annotations

import json

import pytest
from elasticsearch.helpers import BulkIndexError

from api.config import load_settings
from api.store import make_client
from api.store.index import ArticleIndex
from api.store.mapping import MAPPING_VERSION
from tests.support.services import ES_URL, closed_port_url

STORY = (
    "By Jane Holloway\n\n"
    "Chancellor Olaf Berger met Mayor Ines Kowalczyk in Hamburg on Tuesday. "
    "Berger said the port of Hamburg would expand. Kowalczyk agreed."
)
RESOURCE_FIELDS = {
    "id",
    "url",
    "title",
    "text",
    "language",
    "published_at",
    "authors",
    "outlet",
    "people",
    "regions",
    "organizations",
    "word_count",
    "created_at",
    "updated_at",
    "provenance",
}


def stored_count(es, prefix: str) -> int:
    es.indices.refresh(index=f"{prefix}articles")
    return es.count(index=f"{prefix}articles")["count"]


def post(client, payload, **query):
    return client.post("/articles", json=payload, query_string=query)


def test_create_answers_201_with_location_and_the_full_resource(client):
    response = post(client, {"text": STORY})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= RESOURCE_FIELDS
    assert response.headers["Location"] == f"/articles/{body['id']}"
    assert body["word_count"] == len(STORY.split())
    assert client.get(response.headers["Location"]).get_json()["id"] == body["id"]


def test_posting_the_same_text_again_is_200_with_the_same_id_and_no_duplicate(
    client, es, index_prefix
):
    first = post(client, {"text": STORY})
    again = post(client, {"text": "  " + STORY.replace(" ", "  ") + "\n"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["created_at"] == first.get_json()["created_at"]
    assert stored_count(es, index_prefix) == 1


def test_the_url_decides_identity_once_normalised(client, es, index_prefix):
    first = post(client, {"text": STORY, "url": "https://News.Example.com/a/story?id=7"})
    variants = [
        "HTTPS://news.example.com:443/a/story?id=7#comments",
        "https://news.example.com/a/story?utm_source=x&id=7&utm_medium=y",
    ]
    for url in variants:
        response = post(client, {"text": STORY, "url": url})
        assert response.status_code == 200, url
        assert response.get_json()["id"] == first.get_json()["id"]
    assert first.get_json()["url"] == "https://news.example.com/a/story?id=7"
    assert stored_count(es, index_prefix) == 1


def test_changed_content_under_the_same_url_updates_the_article(client, es, index_prefix):
    url = "https://news.example.com/berger"
    first = post(client, {"text": STORY, "url": url}).get_json()
    changed = post(client, {"text": STORY + " Update: Berger resigned.", "url": url})
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["id"] == first["id"]
    assert body["text"].endswith("Berger resigned.")
    assert body["created_at"] == first["created_at"]
    stored = client.get(f"/articles/{first['id']}").get_json()
    assert stored["text"].endswith("Berger resigned.")
    assert stored_count(es, index_prefix) == 1


def test_values_the_client_gives_win_and_are_marked_provided(client):
    payload = {
        "text": STORY,
        "title": "Hamburg port to expand",
        "authors": ["Kim Li"],
        "outlet": "Hamburger Tagblatt",
        "published_at": "2025-03-04",
        "language": "en",
    }
    body = post(client, payload).get_json()
    assert body["title"] == "Hamburg port to expand"
    assert body["authors"] == [{"name": "Kim Li", "type": "person"}]
    assert body["outlet"]["name"] == "Hamburger Tagblatt"
    assert body["published_at"] == "2025-03-04"
    assert body["language"] == "en"
    for name in ("title", "authors", "outlet", "published_at", "language"):
        assert body["provenance"][name] == "provided", name


UNKNOWN_ID = "0" * 32


def test_get_unknown_is_404_problem(client):
    response = client.get(f"/articles/{UNKNOWN_ID}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert UNKNOWN_ID in response.get_json()["detail"]


def test_a_malformed_id_is_404_without_asking_elasticsearch(make_app):
    # With the node down, any request that reached it would answer 503.
    client = make_app(es_url=closed_port_url(), es_timeout=1).test_client()
    for path in ("/articles/not-an-id", "/articles/_search", f"/articles/{UNKNOWN_ID}x"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
    assert client.get(f"/articles/{UNKNOWN_ID}").status_code == 503


def test_delete_then_get_is_404(client):
    article_id = post(client, {"text": STORY}).get_json()["id"]
    assert client.delete(f"/articles/{article_id}").status_code == 204
    assert client.get(f"/articles/{article_id}").status_code == 404
    assert client.delete(f"/articles/{article_id}").status_code == 404


def test_put_replaces_and_extracts_again(client):
    created = post(client, {"text": STORY, "title": "Old"}).get_json()
    new_text = "By Jane Holloway\n\nMayor Ines Kowalczyk visited Lisbon and met Ana Duarte."
    response = client.put(f"/articles/{created['id']}", json={"text": new_text})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == created["id"]
    assert body["title"] != "Old"
    assert body["created_at"] == created["created_at"]
    names = {person["name"] for person in body["people"]}
    assert "Ana Duarte" in names
    assert "Olaf Berger" not in names
    assert client.get(f"/articles/{created['id']}").get_json()["text"] == new_text


def test_put_unknown_is_404(client):
    assert client.put(f"/articles/{UNKNOWN_ID}", json={"text": STORY}).status_code == 404


def test_patch_changes_client_fields_and_keeps_extracted_ones(client):
    created = post(client, {"text": STORY}).get_json()
    response = client.patch(
        f"/articles/{created['id']}",
        json={"title": "Patched", "authors": ["A. Writer"], "published_at": None},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Patched"
    assert body["authors"] == [{"name": "A. Writer", "type": "person"}]
    assert body["published_at"] is None
    assert body["people"] == created["people"]
    assert body["regions"] == created["regions"]
    assert body["provenance"]["title"] == "provided"
    assert client.get(f"/articles/{created['id']}").get_json()["title"] == "Patched"


def test_patch_refuses_fields_the_client_does_not_own(client):
    created = post(client, {"text": STORY}).get_json()
    response = client.patch(f"/articles/{created['id']}", json={"people": [], "text": "x"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"people", "text"}


def test_extract_previews_without_storing(client, es, index_prefix):
    response = client.post("/extract", json={"text": STORY})
    assert response.status_code == 200
    body = response.get_json()
    assert "id" not in body and "created_at" not in body
    assert {person["name"] for person in body["people"]} >= {"Olaf Berger", "Ines Kowalczyk"}
    assert stored_count(es, index_prefix) == 0


def test_refresh_wait_for_makes_the_article_searchable_at_once(client, es, index_prefix):
    post(client, {"text": STORY}, refresh="wait_for")
    hits = es.search(index=f"{index_prefix}articles", query={"match": {"text": "Hamburg"}})
    assert hits["hits"]["total"]["value"] == 1


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": " \n\t "}, "text"),
        ({"title": "no body"}, "text"),
        ({"text": 42}, "text"),
        ({"text": STORY, "url": "ftp://example.com/x"}, "url"),
        ({"text": STORY, "url": "javascript:alert(1)"}, "url"),
        ({"text": STORY, "published_at": "2025-02-30"}, "published_at"),
        ({"text": STORY, "published_at": "yesterday"}, "published_at"),
        ({"text": STORY, "language": "xx"}, "language"),
        ({"text": STORY, "authors": "Jane"}, "authors"),
        ({"text": STORY, "colour": "red"}, "colour"),
    ],
)
def test_invalid_fields_are_422_problems_naming_the_field(client, es, index_prefix, payload, field):
    response = post(client, payload)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert stored_count(es, index_prefix) == 0


def test_invalid_json_is_400(client):
    response = client.post("/articles", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_wrong_content_type_is_415(client):
    response = client.post("/articles", data="text=hello", content_type="text/plain")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"


def test_text_over_the_limit_is_413_naming_the_field(make_app):
    client = make_app(max_text_bytes=100).test_client()
    response = post(client, {"text": "word " * 50})
    assert response.status_code == 413
    assert "text" in response.get_json()["errors"]


def test_html_has_its_own_limit_apart_from_text(make_app):
    client = make_app(max_text_bytes=100, max_html_bytes=5000).test_client()
    page = f"<html><body><article><p>{'word ' * 200}</p></article></body></html>"
    assert post(client, {"html": page}).status_code == 201
    response = post(client, {"html": page + "<!--" + "x" * 5000 + "-->"})
    assert response.status_code == 413
    assert set(response.get_json()["errors"]) == {"html"}


def test_a_5_mb_page_is_accepted_with_the_default_limits(client):
    """Real article pages carry megabytes of inline scripts and JSON around a short story."""
    payload = '{"state": [' + ",".join(['{"k": "v"}'] * 480_000) + "]}"
    page = (
        "<html><head><title>Harbour reopens</title>"
        f"<script>window.__STATE__ = {payload};</script></head><body><article>"
        "<h1>Harbour reopens after the storm</h1><p>By Jane Doe</p>"
        f"<p>{'The harbour of Kiel reopened on Monday after the storm. ' * 20}</p>"
        "</article></body></html>"
    )
    assert len(page.encode()) > 5_000_000
    response = post(client, {"html": page, "url": "https://harbour.example/reopens"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "Harbour reopens after the storm"
    assert "window.__STATE__" not in body["text"]


def test_an_idn_url_is_stored_in_unicode_and_its_punycode_spelling_is_the_same_article(client):
    first = post(client, {"text": STORY, "url": " https://Stössenseer.example/a b "})
    again = post(client, {"text": STORY, "url": "https://xn--stssenseer-fcb.example/a%20b"})
    assert first.status_code == 201
    assert first.get_json()["url"] == "https://stössenseer.example/a%20b"
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]


def test_body_over_the_limit_is_413_before_it_is_read(make_app):
    client = make_app(max_body_bytes=1000).test_client()
    response = post(client, {"text": "word " * 1000})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


# --- batches --------------------------------------------------------------------------------


def test_batch_mixes_good_and_bad_items_and_reports_each(client, es, index_prefix):
    first = post(client, {"text": STORY}).get_json()
    articles = [
        {"text": "Prime Minister Sofia Lindqvist spoke in Stockholm."},
        {"text": ""},
        {"text": STORY},
        "not an object",
        {"text": "Coach Tomas Brandt left Munich.", "url": "mailto:x@example.com"},
        {"text": "Governor Ruth Okafor toured Lagos.", "url": "https://example.org/okafor"},
    ]
    response = client.post("/articles/batch", json={"articles": articles})
    assert response.status_code == 200
    body = response.get_json()
    statuses = [item["status"] for item in body["items"]]
    assert statuses == [201, 422, 200, 422, 422, 201]
    assert [item["index"] for item in body["items"]] == list(range(6))
    assert "text" in body["items"][1]["errors"]
    assert "url" in body["items"][4]["errors"]
    assert body["items"][2]["id"] == first["id"]
    assert (body["created"], body["updated"], body["failed"]) == (2, 1, 3)
    assert stored_count(es, index_prefix) == 3


def test_batch_accepts_ndjson_and_reports_unparseable_lines(client, es, index_prefix):
    lines = [
        json.dumps({"text": "Senator Maria Conti visited Naples."}),
        "{broken json",
        "",
        json.dumps({"text": "Minister Jonas Berg opened a bridge in Oslo."}),
    ]
    response = client.post(
        "/articles/batch", data="\n".join(lines), content_type="application/x-ndjson"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [item["status"] for item in body["items"]] == [201, 422, 201]
    assert stored_count(es, index_prefix) == 2


def test_batch_repeating_an_article_stores_it_once(client, es, index_prefix):
    response = client.post("/articles/batch", json={"articles": [{"text": STORY}] * 3})
    items = response.get_json()["items"]
    assert [item["status"] for item in items] == [201, 200, 200]
    assert len({item["id"] for item in items}) == 1
    assert stored_count(es, index_prefix) == 1


def test_batch_over_the_item_limit_is_413(make_app):
    client = make_app(batch_max_items=2).test_client()
    response = client.post("/articles/batch", json={"articles": [{"text": "a"}] * 3})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_batch_over_the_byte_limit_is_413(make_app):
    client = make_app(batch_max_bytes=500).test_client()
    response = client.post("/articles/batch", json={"articles": [{"text": "b" * 600}]})
    assert response.status_code == 413


def test_batch_envelope_must_hold_articles(client):
    response = client.post("/articles/batch", json={"items": []})
    assert response.status_code == 422
    assert "articles" in response.get_json()["errors"]


# --- safety ---------------------------------------------------------------------------------


@pytest.fixture
def secured_client(make_app):
    app = make_app(api_keys=("s3cret", "other"))
    return app.test_client()


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic s3cret", "s3cret"])
def test_writes_need_a_valid_bearer_key_when_keys_are_set(secured_client, header):
    headers = {"Authorization": header} if header else {}
    response = secured_client.post("/articles", json={"text": STORY}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"


def test_a_valid_key_writes_and_reads_stay_open(secured_client):
    response = secured_client.post(
        "/articles", json={"text": STORY}, headers={"Authorization": "Bearer other"}
    )
    assert response.status_code == 201
    assert secured_client.get(response.headers["Location"]).status_code == 200
    article_id = response.get_json()["id"]
    assert secured_client.delete(f"/articles/{article_id}").status_code == 401


def test_unreachable_elasticsearch_is_503_with_retry_after(make_app):
    client = make_app(es_url=closed_port_url(), es_timeout=2).test_client()
    for response in (
        post(client, {"text": STORY}),
        client.get(f"/articles/{UNKNOWN_ID}"),
        client.post("/articles/batch", json={"articles": [{"text": STORY}]}),
    ):
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0


# --- command line ---------------------------------------------------------------------------


def test_cli_ingests_files_idempotently(app, tmp_path, es, index_prefix):
    (tmp_path / "one.txt").write_text(STORY)
    (tmp_path / "many.jsonl").write_text(
        json.dumps({"text": "Premier Li Wen met envoys in Beijing."})
        + "\n"
        + json.dumps({"text": "Mayor Karl Haas opened a school in Graz.", "title": "School"})
        + "\n"
    )
    (tmp_path / "page.html").write_text(
        "<html><head><title>Visit</title></head><body><article><p>"
        "Minister Elena Rossi visited Milan on Monday to open a new tram line for the city."
        "</p></article></body></html>"
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ingest", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "4 created" in first.output
    second = runner.invoke(args=["ingest", str(tmp_path)])
    assert second.exit_code == 0, second.output
    assert "0 created" in second.output
    assert stored_count(es, index_prefix) == 4


def test_cli_large_loads_pause_refreshes_and_restore_them(
    app, tmp_path, es, index_prefix, monkeypatch
):
    monkeypatch.setattr("api.cli.BULK_LOAD_THRESHOLD", 2)
    lines = [json.dumps({"text": f"Coach Ida Berg number {n} won in Malmo."}) for n in range(5)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines))
    seen_intervals = []
    real_save_batch = __import__(
        "api.services.articles", fromlist=["ArticleService"]
    ).ArticleService.save_batch

    def spy(self, items, refresh):
        settings = es.indices.get_settings(index=f"{index_prefix}articles")
        (only,) = settings.body.values()
        seen_intervals.append(only["settings"]["index"].get("refresh_interval"))
        return real_save_batch(self, items, refresh)

    monkeypatch.setattr("api.services.articles.ArticleService.save_batch", spy)
    result = app.test_cli_runner().invoke(args=["ingest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen_intervals and set(seen_intervals) == {"-1"}
    settings = es.indices.get_settings(index=f"{index_prefix}articles")
    (only,) = settings.body.values()
    assert only["settings"]["index"]["refresh_interval"] == "1s"
    # Searchable at once, without waiting for a periodic refresh.
    assert es.count(index=f"{index_prefix}articles")["count"] == 5


def test_reindex_moves_every_article_behind_the_alias(app, client, es, index_prefix):
    ids = {
        post(client, {"text": f"Judge Ana Roth number {n} ruled in Bern."}).get_json()["id"]
        for n in range(3)
    }
    runner = app.test_cli_runner()
    assert "nothing to do" in runner.invoke(args=["reindex"]).output
    index = app.extensions["article_index"]
    assert index.reindex_into(MAPPING_VERSION + 1) == 3
    aliases = es.indices.get_alias(name=f"{index_prefix}articles").body
    assert list(aliases) == [f"{index_prefix}articles-v{MAPPING_VERSION + 1}"]
    for article_id in ids:
        stored = client.get(f"/articles/{article_id}")
        assert stored.status_code == 200
        assert stored.get_json()["people"]
    assert client.get("/articles?person=roth").get_json()["total"]["value"] == 3
    # The copy carries the idempotency hash: posting the same input again changes nothing.
    again = post(client, {"text": "Judge Ana Roth number 0 ruled in Bern."})
    assert again.status_code == 200


def test_a_failed_reindex_deletes_its_half_built_target(es, index_prefix):
    """A legacy index whose documents the current mapping refuses: the copy fails midway."""
    alias, old = f"{index_prefix}articles", f"{index_prefix}articles-v1"
    es.indices.create(index=old, aliases={alias: {"is_write_index": True}})
    for n in range(3):
        es.index(index=old, id=str(n), document={"id": str(n), "text": "x"})
    es.index(index=old, id="odd", document={"id": "odd", "text": "x", "legacy_field": 1})
    es.indices.refresh(index=old)
    settings = load_settings(es_url=ES_URL, es_index_prefix=index_prefix)
    index = ArticleIndex(make_client(settings), settings)
    with pytest.raises(BulkIndexError):
        index.reindex_into(MAPPING_VERSION)
    assert not es.indices.exists(index=index.concrete_name())
    assert list(es.indices.get_alias(name=alias).body) == [old]
    assert es.count(index=alias)["count"] == 4


def test_an_article_that_breaks_extraction_fails_alone_in_its_batch(
    client, es, index_prefix, monkeypatch
):
    def batch_breaks(payloads, engine):
        raise RuntimeError("one article broke the batch")

    def extract_one(payload, engine):
        if "POISON" in payload["text"]:
            raise RuntimeError("this article cannot be processed")
        return real_extract(payload, engine)

    real_extract = __import__("api.services.articles", fromlist=["extract"]).extract
    monkeypatch.setattr("api.services.articles.extract_many", batch_breaks)
    monkeypatch.setattr("api.services.articles.extract", extract_one)
    articles = [{"text": "Mayor Eva Lind opened a park in Umea."}, {"text": "POISON pill text."}]
    body = client.post("/articles/batch", json={"articles": articles}).get_json()
    assert [item["status"] for item in body["items"]] == [201, 422]
    assert "_extraction" in body["items"][1]["errors"]
    assert stored_count(es, index_prefix) == 1


# --- credits: persons and organisations, end to end -------------------------------------------


def test_agency_credits_are_organisations_that_search_facets_and_author_lists_know(client):
    wire = post(
        client,
        {"text": "By Jane Doe, AP\n\nThe port of Kiel reopened on Monday after the storm."},
        refresh="wait_for",
    ).get_json()
    assert wire["authors"] == [
        {"name": "Jane Doe", "type": "person"},
        {"name": "AP", "type": "organization"},
    ]
    provided = post(
        client,
        {"text": "The ferry to Oslo resumed.", "authors": ["Ola Nordmann", "dpa"]},
        refresh="wait_for",
    ).get_json()
    assert provided["authors"][1] == {"name": "dpa", "type": "organization"}

    assert {i["id"] for i in client.get("/articles?author=ap").get_json()["items"]} == {wire["id"]}
    assert client.get("/articles?author=jane%20doe").get_json()["total"]["value"] == 1
    facets = client.get("/articles?facets=authors").get_json()["facets"]["authors"]
    assert {(f["value"], f["type"]) for f in facets} == {
        ("Jane Doe", "person"),
        ("AP", "organization"),
        ("Ola Nordmann", "person"),
        ("dpa", "organization"),
    }
    agencies = client.get("/authors?type=organization").get_json()
    assert sorted(a["name"] for a in agencies) == ["AP", "dpa"]
    assert {a["type"] for a in agencies} == {"organization"}
    persons = client.get("/authors?type=person&prefix=ola").get_json()
    assert persons == [{"name": "Ola Nordmann", "type": "person", "articles": 1}]
    assert client.get("/authors?type=robot").status_code == 422


def test_a_client_may_send_credit_objects_and_patch_them(client):
    created = post(
        client,
        {"text": STORY, "authors": [{"name": "Harbour Desk", "type": "organization"}]},
    ).get_json()
    assert created["authors"] == [{"name": "Harbour Desk", "type": "organization"}]
    patched = client.patch(
        f"/articles/{created['id']}", json={"authors": ["Reuters", "Kim Li"]}
    ).get_json()
    assert patched["authors"] == [
        {"name": "Reuters", "type": "organization"},
        {"name": "Kim Li", "type": "person"},
    ]
    bad = post(client, {"text": STORY, "authors": [{"name": "X", "type": "robot"}]})
    assert bad.status_code == 422


def test_articles_stored_with_plain_author_names_become_person_credits():
    from api.store.documents import to_document

    document = to_document({"authors": ["Jane Doe"], "text": "x"})
    assert document["authors"] == [{"name": "Jane Doe", "type": "person"}]
    assert document["author_entities"] == ["jane doe|person|Jane Doe"]
