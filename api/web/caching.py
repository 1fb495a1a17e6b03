"""HTTP caching of reads: an ETag on every successful JSON GET, revalidated on each use.

Search results change whenever an article is written, so nothing is cached blind
(`no-cache`); a client or proxy that repeats a request gets 304 when nothing changed.
Probes must never come from a cache (`no-store`).
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask import Flask, Response, request

UNCACHEABLE_PATHS = frozenset({"/health", "/ready", "/metrics"})

IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of an earlier answer: 304 while the answer would be the same.",
}


def add_validators(response: Response) -> Response:
    if request.method not in {"GET", "HEAD"}:
        return response
    if request.path in UNCACHEABLE_PATHS:
        response.headers["Cache-Control"] = "no-store"
        return response
    if response.status_code == 200 and response.mimetype == "application/json":
        response.headers["Cache-Control"] = "no-cache"
        response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_validators)


class ConditionalReads(BasePlugin):
    """Document what add_validators does: every cacheable GET takes If-None-Match and may
    answer 304 Not Modified."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        get = (operations or {}).get("get")
        if get is None or path in UNCACHEABLE_PATHS:
            return
        get.setdefault("parameters", []).append(IF_NONE_MATCH)
        get.setdefault("responses", {})["304"] = {"description": "Not Modified"}
