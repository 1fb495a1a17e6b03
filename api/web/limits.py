"""Request limits that apply across blueprints: URL length and per-client rate limits."""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.config import Settings
from api.web.context import settings
from api.web.problems import ProblemError


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


WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def init_rate_limits(app: Flask, limits: Settings, blueprints: list[Blueprint]) -> None:
    """Per-client limits for reads and writes, off unless RATE_LIMIT_READS/WRITES are set.

    Counters live in RATE_LIMIT_STORAGE_URI (memory by default: per worker process; point it
    at Redis or memcached to share one budget across workers and hosts).
    """
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
