"""The table of entity kinds drives the routes, filters, facets and cursor identity."""

import pytest

from api import create_app
from api.entities import ENTITY_KINDS
from api.services.search_parser import IDENTITY_PARAMS
from schemas.search import FACETS, ArticleQueryArgsSchema, FacetsSchema
from tests.support.services import closed_port_url


@pytest.fixture(scope="module")
def routes() -> set[str]:
    app = create_app(es_url=closed_port_url(), es_timeout=1, log_level="CRITICAL")
    return {rule.rule for rule in app.url_map.iter_rules()}


@pytest.mark.parametrize("kind", ENTITY_KINDS, ids=lambda kind: kind.name)
def test_each_kind_has_its_routes_filter_facet_and_place_in_a_cursors_identity(kind, routes):
    assert {f"/{kind.name}", f"/{kind.name}/<string:name>"} <= routes
    assert kind.filter in ArticleQueryArgsSchema().fields
    assert kind.name in FACETS and kind.name in FacetsSchema().fields
    assert kind.filter in IDENTITY_PARAMS


def test_repeatable_filters_take_every_value_and_single_ones_one():
    loaded = ArticleQueryArgsSchema().load(
        {"person": ["putin", "trump"], "region": ["UA"], "author": "dpa"}
    )
    assert loaded["person"] == ["putin", "trump"] and loaded["author"] == "dpa"
