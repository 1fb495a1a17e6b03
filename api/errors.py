"""Domain errors: what can go wrong in the service and store layers, said without HTTP.

The services, the store and the extraction raise these; `api/web/problems.py` is the only
place that maps them to problem+json statuses, so no layer below the views knows about HTTP.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the service cannot carry out, for a reason the client should be told.

    `errors` names the fields at fault, as `{field: [message, ...]}`.
    """

    def __init__(self, detail: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFound(DomainError):
    """What the request names does not exist."""


class TooLarge(DomainError):
    """The input is larger than the service accepts."""


class JobTooLarge(TooLarge):
    """A job holds more articles than JOB_MAX_ITEMS."""


class EmptyJob(DomainError):
    """A job without a single article."""


class PreconditionFailed(DomainError):
    """The client's If-Match or If-None-Match does not hold for the stored article."""


class Conflict(DomainError):
    """A conditional write lost: the article changed (or appeared) since it was read."""


class InvalidCursor(DomainError):
    """A paging cursor that is not ours, has expired, or belongs to another query."""


class PageTooDeep(DomainError):
    """Shallow paging past the window the index serves; a cursor walks further."""


class Unavailable(DomainError):
    """A component the request needs (the NER server, ...) is down: retry later."""


class TooManyBuckets(DomainError):
    """A zero-filled timeline would hold more buckets than an answer may."""
