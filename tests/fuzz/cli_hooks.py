"""Hooks of the schemathesis CLI run (tests/fuzz/schemathesis.toml): the same rules as the
in-process fuzz test, and one lock around the parts of hypothesis that are not thread-safe."""

from __future__ import annotations

import ast
import threading
from typing import Any

import schemathesis
import schemathesis.transport.asgi  # noqa: F401 - see below
from hypothesis.internal import lambda_sources

from tests.fuzz.rules import drop_unexpressible_combinations

# With several schemathesis workers (threads), hypothesis describing lambdas in two threads at
# once breaks its source cache (KeyError) and, on CPython 3.11.7, ast.parse itself ("AST
# constructor recursion depth mismatch", CPython gh-106905, fixed in 3.11.8): runtime errors of
# the tool in the coverage phase, not findings about the API. One at a time avoids both; and
# the ASGI transport, imported lazily by the first request, parses anyio's source to an AST as
# it loads, so it is imported here, before the workers start.
_alone = threading.RLock()
_parse, _describe_lambda = ast.parse, lambda_sources.lambda_description


def _parse_alone(*args: Any, **kwargs: Any) -> Any:
    with _alone:
        return _parse(*args, **kwargs)


def _describe_alone(function: Any) -> str:
    with _alone:
        return _describe_lambda(function)


ast.parse = _parse_alone
lambda_sources.lambda_description = _describe_alone


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    drop_unexpressible_combinations(case)
