"""Request guards that apply across blueprints: write authentication and body media types."""

from __future__ import annotations

import hmac

from flask import Flask, request

from api.errors import ProblemError
from api.services import settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_TYPES = frozenset({"application/json"})


def require_api_key() -> None:
    """With API_KEYS set, every write needs `Authorization: Bearer <key>`; reads stay open."""
    keys = settings().api_keys
    if not keys or request.method in SAFE_METHODS:
        return
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    presented = presented.strip().encode()
    # Compare against every key, in constant time, so timing tells nothing about any of them.
    matches = [hmac.compare_digest(presented, key.encode()) for key in keys]
    if scheme.lower() != "bearer" or not any(matches):
        raise ProblemError(
            401,
            "This operation needs `Authorization: Bearer <api key>`.",
            kind="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="article-api"'},
        )


def require_media_type(*accepted: str) -> None:
    """Refuse a body in any other media type with 415 before anything parses it."""
    if request.mimetype not in accepted:
        raise ProblemError(
            415,
            f"Send the body as {' or '.join(accepted)}.",
            kind="unsupported-media-type",
        )


def init_app(app: Flask) -> None:
    app.before_request(require_api_key)
