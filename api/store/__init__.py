"""Elasticsearch access. This package is the only importer of `elasticsearch`.

`make_client` builds the client from settings; `ArticleIndex` (index.py) owns the mapping, the
alias and every read and write; queries.py holds pure query builders. `classify` names what a
failure of the client means, so that api/web/problems.py can answer it without importing the client.
"""

from __future__ import annotations

import enum
from typing import Any

from elastic_transport import ApiError
from elasticsearch import Elasticsearch, TransportError
from elasticsearch.exceptions import (
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnsupportedProductError,
)
from elasticsearch.helpers import BulkIndexError, ScanError
from elasticsearch.serializer import OrjsonSerializer

from api.config import Settings
from api.errors import Conflict
from api.store.http import StdlibHttpNode

# Errors that mean "the backend is not there right now" rather than "the request was wrong".
UNAVAILABLE_STATUSES = frozenset({408, 429, 502, 503, 504})
# Everything the client and its helpers raise: elasticsearch.exceptions re-exports
# elastic_transport's TransportError family, and its ApiError classes derive from the
# transport's ApiError (imported as such, so that even the base class is covered).
BACKEND_ERRORS: tuple[type[Exception], ...] = (TransportError, ApiError, BulkIndexError, ScanError)


class PointInTimeExpired(Exception):
    """The point-in-time a cursor relied on is gone (kept alive only between pages)."""


class SearchAfterRejected(Exception):
    """Elasticsearch refused a cursor's search_after values for this query."""


class Failure(enum.Enum):
    """What a failed Elasticsearch call means for the request that made it."""

    UNAVAILABLE = "unavailable"  # down, busy, blocked, timed out, or not set up yet: retry
    MISCONFIGURED = "misconfigured"  # the service's own credentials or target are wrong
    CONFLICT = "conflict"  # a concurrent write won
    DOCUMENT_REJECTED = "document-rejected"  # the mapping cannot take a value of the article
    REQUEST_REJECTED = "request-rejected"  # the node refused the request as malformed
    TOO_LARGE = "too-large"  # over the node's http.max_content_length
    NOT_FOUND = "not-found"  # a document or resource the request named is gone


def classify(error: Exception) -> Failure:
    """The meaning of any exception in BACKEND_ERRORS (or a lost conditional write)."""
    if isinstance(error, Conflict | ConflictError):
        return Failure.CONFLICT
    if isinstance(error, TransportError | ScanError):
        # No usable answer: connection refused or reset, TLS, timeout, sniffing, an answer that
        # is not JSON (SerializationError; what we send is JSON-safe by validation), or a scroll
        # that lost shards midway.
        return Failure.UNAVAILABLE
    if isinstance(error, BulkIndexError):
        # Only raised with raise_on_error=True, which bulk_write never uses; reindexing does.
        return Failure.UNAVAILABLE
    if isinstance(error, UnsupportedProductError | AuthenticationException):
        return Failure.MISCONFIGURED
    if not isinstance(error, ApiError):
        raise TypeError(f"not an Elasticsearch error: {error!r}")
    status, text = error.meta.status, str(error)
    if isinstance(error, AuthorizationException):
        # A write block (read-only index, flood-stage disk) is the node's state, not the
        # request's fault; any other 403 means the service's key lacks a privilege.
        return Failure.UNAVAILABLE if "cluster_block_exception" in text else Failure.MISCONFIGURED
    if isinstance(error, NotFoundError):
        # A missing alias means the service is not ready, not broken.
        return Failure.UNAVAILABLE if "index_not_found" in text else Failure.NOT_FOUND
    if isinstance(error, BadRequestError):
        if any(kind in text for kind in ("document_parsing", "mapper_parsing")):
            return Failure.DOCUMENT_REJECTED
        return Failure.REQUEST_REJECTED
    if status == 413:
        return Failure.TOO_LARGE
    if status in UNAVAILABLE_STATUSES or status >= 500:
        return Failure.UNAVAILABLE
    return Failure.REQUEST_REJECTED


def make_client(settings: Settings, **overrides: Any) -> Elasticsearch:
    options: dict[str, Any] = {
        "request_timeout": settings.es_timeout,
        "max_retries": 1,
        "retry_on_timeout": False,
        # Parsing the node's answers is a large part of a search's Python time; orjson is
        # several times faster than the standard library at it.
        "serializer": OrjsonSerializer(),
        # The x-elastic-client-meta header is telemetry for Elastic, rebuilt on every call
        # (about 50 µs each, bench/README.md); the node does not need it.
        "meta_header": False,
    }
    if all(host.lower().startswith("http://") for host in settings.es_hosts):
        # Plain-HTTP nodes (the local one, a cluster on a private network) go through the
        # standard library's http.client, 0.5 ms less CPU per search than urllib3 (http.py).
        options["node_class"] = StdlibHttpNode
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    options.update(overrides)
    return Elasticsearch(settings.es_hosts, **options)


def server_version(client: Elasticsearch) -> str:
    """The node's version. The test distribution lacks `GET /`, so ask the nodes API first."""
    try:
        nodes = client.nodes.info(node_id="_local", filter_path="nodes.*.version")
        version: str = next(iter(nodes["nodes"].values()))["version"]
    except ApiError:
        version = client.info()["version"]["number"]
    return version
