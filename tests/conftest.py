"""Shared fixtures: one real Elasticsearch node and one real NER server per session, one index
prefix per test.

Both are started by `make test` (scripts/elasticsearch, scripts/ner-server). If one is not there,
every test that needs it fails loudly; nothing is skipped and nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from api.extraction.corenlp import CoreNLPEngine
from tests.support.jobs import LocalRedis
from tests.support.services import ES_URL, NER_URL, build_app, isolated_prefix


@pytest.fixture(scope="session")
def es() -> Elasticsearch:
    client = Elasticsearch(ES_URL, request_timeout=30)
    try:
        health = client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as error:  # noqa: BLE001 - any failure means the suite cannot run
        pytest.fail(
            f"Elasticsearch is not reachable at {ES_URL} ({error!r}); "
            "start it with `scripts/elasticsearch start` or run `make test`.",
            pytrace=False,
        )
    assert health["status"] in {"yellow", "green"}
    return client


@pytest.fixture(scope="session")
def ner() -> CoreNLPEngine:
    """The real CoreNLP server the pipeline tests extract with."""
    engine = CoreNLPEngine(NER_URL, timeout=60)
    if not engine.ready():
        pytest.fail(
            f"The NER server is not reachable at {NER_URL}; "
            "start it with `scripts/ner-server start` or run `make test`.",
            pytrace=False,
        )
    return engine


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRedis]:
    """A Redis of the session's own (free port, temporary state), the job broker of tests."""
    local = LocalRedis(tmp_path_factory.mktemp("redis"))
    local.start()
    yield local
    local.stop()


@pytest.fixture
def index_prefix(es: Elasticsearch) -> Iterator[str]:
    with isolated_prefix(es) as prefix:
        yield prefix


@pytest.fixture
def make_app(index_prefix: str, ner: CoreNLPEngine) -> Callable[..., Flask]:
    """Build apps with settings overridden, on this test's index prefix."""
    return lambda **overrides: build_app(index_prefix, **overrides)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(log_level="WARNING")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def module_client(es: Elasticsearch, ner: CoreNLPEngine) -> Iterator[FlaskClient]:
    """One app and index for a whole module, for tests that only need a working service."""
    with isolated_prefix(es) as prefix:
        yield build_app(prefix, log_level="WARNING").test_client()
