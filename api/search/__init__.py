"""Elasticsearch access. This package is the only importer of `elasticsearch`.

`make_client` builds the client from settings; `ArticleIndex` (index.py) owns the mapping, the
alias and every read and write; queries.py holds pure query builders.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.serializer import OrjsonSerializer

from api.config import Settings

# Errors that mean "the backend is not there right now" rather than "the request was wrong".
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})
BACKEND_ERRORS: tuple[type[Exception], ...] = (TransportError, ApiError)


class PointInTimeExpired(Exception):
    """The point-in-time a cursor relied on is gone (kept alive only between pages)."""


class SearchAfterRejected(Exception):
    """Elasticsearch refused a cursor's search_after values for this query."""


def is_unavailable(error: Exception) -> bool:
    if isinstance(error, TransportError):
        return True
    if isinstance(error, ApiError):
        if error.meta.status in UNAVAILABLE_STATUSES:
            return True
        # A write block (read-only index, flood-stage disk) is the node's state, not the
        # request's fault; a missing alias means the service is not ready, not broken.
        return (error.meta.status == 403 and "cluster_block_exception" in str(error)) or (
            error.meta.status == 404 and "index_not_found" in str(error)
        )
    return False


def is_document_rejection(error: Exception) -> bool:
    """The node refused a document's content (a value the mapping cannot take)."""
    return (
        isinstance(error, ApiError)
        and error.meta.status == 400
        and any(kind in str(error) for kind in ("document_parsing", "mapper_parsing"))
    )


def make_client(settings: Settings, **overrides: Any) -> Elasticsearch:
    options: dict[str, Any] = {
        "request_timeout": settings.es_timeout,
        "max_retries": 1,
        "retry_on_timeout": False,
        # Parsing the node's answers is a large part of a search's Python time; orjson is
        # several times faster than the standard library at it.
        "serializer": OrjsonSerializer(),
    }
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    options.update(overrides)
    return Elasticsearch(settings.es_hosts, **options)


def server_version(client: Elasticsearch) -> str:
    """The node's version. The test distribution lacks `GET /`, so ask the nodes API first."""
    try:
        nodes = client.nodes.info(node_id="_local", filter_path="nodes.*.version")
        return next(iter(nodes["nodes"].values()))["version"]
    except ApiError:
        return client.info()["version"]["number"]
