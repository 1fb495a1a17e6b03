"""The docs keep up with the code: every setting the service reads and every route it serves is
documented in docs/, and the README lists no route that does not exist."""

from __future__ import annotations

import pytest

from api import create_app
from tests.conftest import closed_port_url
from tests.support.docs import (
    backticked,
    environment_variables_read,
    first_cells,
    normal_route,
    routes_listed,
    section,
)
from tests.support.gunicorn import ROOT

OPERATIONS = ROOT / "docs" / "operations.md"
API = ROOT / "docs" / "api.md"
README = ROOT / "README.md"
# Where the service reads its settings: api/config.py, and gunicorn's config for the one
# variable prometheus_client needs before anything of the app is imported.
SETTINGS_SOURCES = [ROOT / "api" / "config.py", ROOT / "gunicorn.conf.py"]


def documented_settings() -> set[str]:
    cells = first_cells(section(OPERATIONS, "Configuration").split("### ")[0])
    return {name for cell in cells for name in backticked(cell)}


@pytest.fixture(scope="module")
def served_routes() -> set[tuple[str, str]]:
    app = create_app(es_url=closed_port_url(), es_timeout=1, log_level="CRITICAL")
    return {
        (method, normal_route(rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }


def test_the_settings_are_found_in_the_code():
    read = environment_variables_read(SETTINGS_SOURCES[0])
    assert {"ES_URL", "NER_URL", "WEB_CONCURRENCY"} <= read and len(read) > 30


@pytest.mark.parametrize("source", SETTINGS_SOURCES, ids=lambda path: path.name)
def test_every_setting_read_has_a_row_in_the_configuration_table(source):
    missing = environment_variables_read(source) - documented_settings()
    assert not missing, f"docs/operations.md#configuration lacks {sorted(missing)}"


def test_the_configuration_table_names_only_settings_that_are_read():
    read = set().union(*(environment_variables_read(source) for source in SETTINGS_SOURCES))
    stale = documented_settings() - read
    assert not stale, f"docs/operations.md#configuration documents {sorted(stale)}, read nowhere"


def test_every_route_and_method_is_in_the_endpoint_table_of_docs_api(served_routes):
    listed = routes_listed(section(API, "Endpoints"))
    missing = served_routes - listed
    assert not missing, f"docs/api.md#endpoints lacks {sorted(missing)}"
    stale = listed - served_routes
    assert not stale, f"docs/api.md#endpoints lists {sorted(stale)}, which nothing serves"


def test_the_readme_endpoint_table_lists_only_served_routes(served_routes):
    listed = routes_listed(section(README, "Endpoints"))
    assert len(listed) >= 10
    stale = listed - served_routes
    assert not stale, f"README.md#endpoints lists {sorted(stale)}, which nothing serves"
