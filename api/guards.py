"""Request guards that apply across blueprints: URL length, write authentication and body
media types."""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.config import Settings
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


def limit_url_length() -> None:
    """Refuse an over-long request target with 414 problem+json. gunicorn's own limit is off
    (gunicorn.conf.py) because it answers in HTML; this one answers like every other error."""
    target = request.environ.get("RAW_URI") or request.full_path
    limit = settings().max_url_bytes
    if len(target) > limit:
        raise ProblemError(
            414,
            f"The URL is longer than the {limit} bytes this service reads.",
            kind="uri-too-long",
        )


def require_media_type(*accepted: str) -> None:
    """Refuse a body in any other media type with 415 before anything parses it."""
    if request.mimetype not in accepted:
        raise ProblemError(
            415,
            f"Send the body as {' or '.join(accepted)}.",
            kind="unsupported-media-type",
        )


WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def init_rate_limits(app: Flask, blueprints: list[Blueprint]) -> None:
    """Per-client limits for reads and writes, off unless RATE_LIMIT_READS/WRITES are set.

    Counters live in RATE_LIMIT_STORAGE_URI (memory by default: per worker process; point it
    at Redis or memcached to share one budget across workers and hosts).
    """
    limits = settings_of(app)
    if not (limits.rate_limit_reads or limits.rate_limit_writes):
        return
    app.config.update(
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_HEADER_LIMIT="RateLimit-Limit",
        RATELIMIT_HEADER_REMAINING="RateLimit-Remaining",
        RATELIMIT_HEADER_RESET="RateLimit-Reset",
    )
    limiter = Limiter(get_remote_address, app=app, storage_uri=limits.rate_limit_storage_uri)
    for blueprint in blueprints:
        if limits.rate_limit_writes:
            limiter.limit(limits.rate_limit_writes, methods=WRITE_METHODS)(blueprint)
        if limits.rate_limit_reads:
            limiter.limit(limits.rate_limit_reads, methods=["GET"])(blueprint)


def init_app(app: Flask) -> None:
    app.before_request(limit_url_length)
    app.before_request(require_api_key)


def settings_of(app: Flask) -> Settings:
    return app.config["SETTINGS"]
