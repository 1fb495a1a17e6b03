"""The NER server misbehaving: down, hanging, answering garbage. Writes answer 503 with
Retry-After and store nothing; nothing answers 500; the service recovers by itself."""

from __future__ import annotations

import time

import pytest

from tests.support.faultproxy import FaultProxy
from tests.support.services import NER_URL

STORY = "Mayor Petra Lang opened a new tram line in Graz on Monday."


@pytest.fixture
def ner_proxy():
    proxy = FaultProxy(NER_URL)
    yield proxy
    proxy.stop()


@pytest.fixture
def service(ner_proxy, make_app, ner):
    app = make_app(ner_url=ner_proxy.url, ner_timeout=1)
    return app.test_client()


def _stored(es, index_prefix: str) -> int:
    es.indices.refresh(index=f"{index_prefix}articles")
    return es.count(index=f"{index_prefix}articles")["count"]


def _assert_ner_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()
    assert response.get_json()["type"].endswith(":ner-unavailable")


@pytest.mark.parametrize("mode", ["down", "hanging", "garbage"])
def test_writes_store_nothing_while_the_ner_server_fails(
    mode, ner_proxy, service, es, index_prefix
):
    if mode == "down":
        ner_proxy.stop()
    elif mode == "hanging":
        ner_proxy.mode, ner_proxy.delay = "slow", 5
    else:
        ner_proxy.mode = "garbage"
    started = time.monotonic()
    _assert_ner_unavailable(service.post("/articles", json={"text": STORY}))
    _assert_ner_unavailable(
        service.post("/articles/batch", json={"articles": [{"text": STORY}, {"text": "Hi."}]})
    )
    _assert_ner_unavailable(service.post("/extract", json={"text": STORY}))
    assert time.monotonic() - started < 15  # the timeout, not the hang, decides
    assert _stored(es, index_prefix) == 0
    ready = service.get("/ready")
    if mode != "garbage":  # a garbage answer to a probe is still an answer
        assert ready.status_code == 503
        assert "Retry-After" in ready.headers


def test_an_update_while_the_ner_server_is_down_keeps_the_stored_article(
    ner_proxy, service, es, index_prefix
):
    created = service.post("/articles?refresh=wait_for", json={"text": STORY})
    assert created.status_code == 201
    article_id = created.get_json()["id"]
    ner_proxy.stop()
    replaced = service.put(
        f"/articles/{article_id}", json={"text": "Mayor Jonas Weber closed the tram line."}
    )
    _assert_ner_unavailable(replaced)
    stored = es.get(index=f"{index_prefix}articles", id=article_id)["_source"]
    assert [p["name"] for p in stored["people"]] == ["Petra Lang"]


def test_the_service_recovers_when_the_ner_server_comes_back(ner_proxy, service):
    ner_proxy.stop()
    _assert_ner_unavailable(service.post("/articles", json={"text": STORY}))
    ner_proxy.start()
    created = service.post("/articles", json={"text": STORY})
    assert created.status_code == 201
    assert created.get_json()["provenance"]["people"] == "corenlp:en"
    ready = service.get("/ready").get_json()
    assert ready["ner"]["url"] == ner_proxy.url
    assert set(ready["ner"]["languages"]) >= {"en", "de", "fr", "es"}


def test_a_batch_goes_to_the_ner_server_in_one_request_per_server_thread(ner_proxy, service):
    articles = [{"text": f"Mayor Petra Lang{i} opened a tram line in Graz."} for i in range(20)]
    ner_proxy.requests = 0
    response = service.post("/articles/batch", json={"articles": articles})
    assert response.status_code == 200, response.get_json()
    assert ner_proxy.requests == 2  # NER_CONCURRENCY: 20 articles in two packed requests
