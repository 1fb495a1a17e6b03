"""What tests share about the real components: where they are, an index prefix of a test's own,
and the app built on it. Fixtures live in tests/conftest.py; helpers live here, so that test
modules import them from a package rather than from conftest."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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
