"""One blueprint per resource, and the decorator that documents their problem answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from schemas.common import PROBLEM_CONTENT_TYPE, ProblemSchema


def problem_responses(blp: Blueprint, *statuses: int) -> Callable[[Any], Any]:
    """Document that a view may answer these statuses with problem+json."""

    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(
                status, schema=ProblemSchema, content_type=PROBLEM_CONTENT_TYPE
            )(view)
        return view

    return decorate
