"""Property-based fuzzing of every documented operation with schemathesis, on the real node.

Cases are generated from /openapi.json in both modes: valid data, and data that breaks the
schema on purpose. Every response must conform to the document (status code, content type,
body schema, problem+json included) and nothing may answer 5xx.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from tests.fuzz.rules import drop_unexpressible_combinations
from tests.support.services import build_app, isolated_prefix

EXAMPLES_PER_OPERATION = 30
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Which statuses count as accepting a valid request or refusing an invalid one: the same as
# the CLI run's (412 for a stale If-Match is an answer, not a rejection of the request's form).
CHECKS = tomllib.loads(Path(__file__).with_name("schemathesis.toml").read_text())["checks"]
generated: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzzed_app(es, broker):
    with isolated_prefix(es, "test-fuzz") as prefix:
        app = build_app(prefix, broker_url=broker.url, log_level="ERROR")
        client = app.test_client()
        # Something to find, so reads exercise their success paths too.
        client.post(
            "/articles?refresh=wait_for",
            json={
                "text": "Mayor Ines Duarte opened a bridge in Porto.",
                "url": "https://x.example/a",
            },
        )
        yield app
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{count:6d}  {label}" for label, count in sorted(generated.items())]
    lines.append(f"{sum(generated.values()):6d}  generated cases in all")
    (ARTIFACTS / "schemathesis-cases.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzzed_app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    for check in ("positive_data_acceptance", "negative_data_rejection"):
        getattr(schema.config.checks, check).expected_statuses = CHECKS[check]["expected-statuses"]
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    # The same cases on every run, so that CI is reproducible; set it to False locally to
    # explore new ones.
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_and_never_fails(case):
    drop_unexpressible_combinations(case)
    generated[f"{case.method} {case.path}"] += 1
    case.call_and_validate()
