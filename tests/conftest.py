"""Shared fixtures: one real Elasticsearch node and one real NER server per session, one index
prefix per test.

Both are started by `make test` (scripts/elasticsearch, scripts/ner-server). If one is not there,
every test that needs it fails loudly; nothing is skipped and nothing is mocked.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from api.extraction.corenlp import CoreNLPEngine
from tests.support.gunicorn import free_port

ES_URL = os.environ.get("ES_URL", "http://127.0.0.1:9200")
NER_URL = os.environ.get("NER_URL", "http://127.0.0.1:9000")


def closed_port_url() -> str:
    """A loopback URL where nothing listens: Elasticsearch as seen when it is down."""
    return f"http://127.0.0.1:{free_port()}"


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


@contextmanager
def isolated_prefix(es: Elasticsearch, label: str = "test") -> Iterator[str]:
    """An index prefix of its own; every index under it is deleted afterwards."""
    prefix = f"{label}-{uuid.uuid4().hex[:10]}-"
    try:
        yield prefix
    finally:
        es.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)


def build_app(prefix: str, **overrides: Any) -> Flask:
    """The app on the shared node under `prefix`; keyword overrides win (another es_url...)."""
    return create_app(
        **{"es_url": ES_URL, "es_index_prefix": prefix, "log_level": "WARNING", **overrides}
    )


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
