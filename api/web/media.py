"""Body media types: a body in a type the endpoint does not read is refused before parsing."""

from __future__ import annotations

from flask import request

from api.web.problems import ProblemError

JSON_TYPES = frozenset({"application/json"})


def require_media_type(*accepted: str) -> None:
    """Refuse a body in any other media type with 415 before anything parses it."""
    if request.mimetype not in accepted:
        raise ProblemError(
            415,
            f"Send the body as {' or '.join(accepted)}.",
            kind="unsupported-media-type",
        )
