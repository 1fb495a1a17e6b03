"""What tests share about the real components: where they are, an index prefix of a test's own,
and the app built on it. Fixtures live in tests/conftest.py; helpers live here, so that test
modules import them from a package rather than from conftest."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from elasticsearch import Elasticsearch
from flask import Flask

from api import create_app
from tests.support.gunicorn import free_port

ES_URL = os.environ.get("ES_URL", "http://127.0.0.1:9200")
NER_URL = os.environ.get("NER_URL", "http://127.0.0.1:9000")


def closed_port_url() -> str:
    """A loopback URL where nothing listens: Elasticsearch as seen when it is down."""
    return f"http://127.0.0.1:{free_port()}"


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


def store_directly(app: Flask, articles: Iterable[dict[str, Any]]) -> None:
    """Write articles as they are (no extraction) through the app's index, searchable at once."""
    index = app.extensions["article_index"]
    outcomes = index.bulk_write(
        [{"op": "create", "article": article, "content_hash": "h"} for article in articles],
        refresh="wait_for",
    )
    assert all(outcome.ok for outcome in outcomes)


@contextmanager
def app_with_articles(
    es: Elasticsearch, label: str, articles: Iterable[dict[str, Any]]
) -> Iterator[Flask]:
    """An app on a prefix of its own whose index holds these articles (and only these)."""
    with isolated_prefix(es, label) as prefix:
        app = build_app(prefix, log_level="WARNING")
        store_directly(app, articles)
        yield app
