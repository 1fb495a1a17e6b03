"""The rules between query parameters that a JSON schema cannot state, for generated cases.

A cursor is an opaque token that only a previous page hands out, page × per_page may not
pass 10,000, and published_to may not come before published_from; all three are documented,
and tests/integration/test_search.py covers each refusal. Everything else is sent as generated.
"""

from __future__ import annotations

from typing import Any


def drop_unexpressible_combinations(case: Any) -> None:
    if case.method != "GET" or case.path != "/articles" or not case.query:
        return
    case.query.pop("cursor", None)
    page, per_page = case.query.get("page"), case.query.get("per_page", 20)
    if isinstance(page, int) and isinstance(per_page, int) and page * max(per_page, 1) > 10_000:
        case.query.pop("page")
    start, end = case.query.get("published_from"), case.query.get("published_to")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        case.query.pop("published_to")
