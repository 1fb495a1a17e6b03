"""Write authentication: with API_KEYS set, every write needs a bearer key."""

from __future__ import annotations

import hmac

from flask import Flask, request

from api.web.context import settings
from api.web.problems import ProblemError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_api_key() -> None:
    """With API_KEYS set, every write needs `Authorization: Bearer <key>`; reads stay open."""
    keys = settings().api_keys
    if not keys or request.method in SAFE_METHODS:
        return
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    presented = credentials.strip().encode()
    # Compare against every key, in constant time, so timing tells nothing about any of them.
    matches = [hmac.compare_digest(presented, key.encode()) for key in keys]
    if scheme.lower() != "bearer" or not any(matches):
        raise ProblemError(
            401,
            "This operation needs `Authorization: Bearer <api key>`.",
            kind="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="article-api"'},
        )


def init_app(app: Flask) -> None:
    app.before_request(require_api_key)
