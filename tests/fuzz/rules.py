"""The rules between query parameters that a JSON schema cannot state, for generated cases.

A cursor is an opaque token that only a previous page hands out, page × per_page may not
pass 10,000, and published_to may not come before published_from; all three are documented,
and tests/integration/test_search.py covers each refusal. zero_fill lists at most 10,000
buckets of the interval between the dates (documented; tests/integration/test_timelines.py
covers the refusal). GET /trends takes `from` and `to`
together or neither, `to` after `from` (documented; tests/integration/test_trends.py covers
each refusal). Everything else is sent as generated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def drop_unexpressible_combinations(case: Any) -> None:
    if case.method == "GET" and case.path == "/trends" and case.query:
        _one_trend_window(case.query)
    if case.method != "GET" or case.path != "/articles" or not case.query:
        return
    case.query.pop("cursor", None)
    page, per_page = case.query.get("page"), case.query.get("per_page", 20)
    if isinstance(page, int) and isinstance(per_page, int) and page * max(per_page, 1) > 10_000:
        case.query.pop("page")
    start, end = case.query.get("published_from"), case.query.get("published_to")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        case.query.pop("published_to")
    _zero_fill_within_the_bucket_limit(case.query)


def _one_trend_window(query: dict[str, Any]) -> None:
    """An explicit window needs both bounds, in order, at most 999 days apart, and a period of
    dates before it; otherwise `window` alone is sent. A bound that is no date at all is left
    for the schema to refuse (negative cases)."""
    bounds = {name: _date(query[name]) for name in ("from", "to") if name in query}
    if any(value is None for value in bounds.values()):
        return
    first, last = bounds.get("from"), bounds.get("to")
    usable = (
        first is not None
        and last is not None
        and first < last <= first + dt.timedelta(days=998)
        and first.year > 2
    )
    if not usable:
        query.pop("from", None)
        query.pop("to", None)


# The shortest span a bucket of each fixed interval covers (auto stays near 100 buckets).
_BUCKET_SPAN = {
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
    "month": dt.timedelta(days=28),
}


def _zero_fill_within_the_bucket_limit(query: dict[str, Any]) -> None:
    interval = query.get("interval", "month")
    span = _BUCKET_SPAN.get(interval) if isinstance(interval, str) else None
    first, last = _date(query.get("published_from")), _date(query.get("published_to"))
    wanted = query.get("zero_fill") in (True, "true") and span and first and last
    # Below the limit with a margin: buckets align to calendar boundaries, months vary.
    if wanted and (last - first + dt.timedelta(days=1)) / span > 9_000:
        query.pop("zero_fill")


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
