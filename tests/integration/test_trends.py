"""GET /trends against the real node: a flat corpus trends nothing, a sudden name trends with
its counts, the search filters apply, and bad parameters are 422 problem+json."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.search_corpus import resource
from tests.support.services import app_with_articles


def _row(day: str, title: str, people: list[str], regions: list[str]) -> tuple[Any, ...]:
    return (
        title,
        f"{title}. " + " ".join(f"{name} spoke." for name in people),
        day,
        "Nord Post",
        ["Ivo Petrov"],
        {name: [name] for name in people},
        regions,
        [],
        [],
    )


def _flat_fortnight(month: int) -> list[tuple[Any, ...]]:
    """Two articles a day for 14 days, the same two people and countries every day."""
    rows = []
    for day in range(1, 15):
        date = f"2025-{month:02d}-{day:02d}"
        rows.append(_row(date, f"Budget talks day {day}", ["Anna Flat"], ["Germany"]))
        rows.append(_row(date, f"Harbour works day {day}", ["Boris Level"], ["France"]))
    return rows


# March: flat. April: flat, and from the 10th a name that was never there, in Bavaria.
SUDDEN_DAYS = ("2025-04-10", "2025-04-11", "2025-04-12", "2025-04-13")
ROWS = (
    _flat_fortnight(3)
    + _flat_fortnight(4)
    + [_row(day, "Strike spreads", ["Cora Sudden"], ["Bavaria"]) for day in SUDDEN_DAYS]
)


@pytest.fixture(scope="module")
def trends_app(es):
    articles = [resource(number, row) for number, row in enumerate(ROWS, start=1)]
    with app_with_articles(es, "test-trends", articles) as app:
        yield app


@pytest.fixture
def client(trends_app) -> Iterator[FlaskClient]:
    yield trends_app.test_client()


def trends(client: FlaskClient, query: str) -> dict[str, Any]:
    response = client.get(f"/trends?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("kind", ["people", "regions", "outlets", "authors", "organizations"])
def test_a_flat_corpus_trends_nothing(client, kind):
    body = trends(client, f"kind={kind}&from=2025-03-08&to=2025-03-14")
    assert body["items"] == []
    assert body["window"] == {
        "from": "2025-03-08T00:00:00Z",
        "to": "2025-03-15T00:00:00Z",
        "articles": 14,
    }
    assert body["before"] == {
        "from": "2025-03-01T00:00:00Z",
        "to": "2025-03-08T00:00:00Z",
        "articles": 14,
    }


def test_a_sudden_name_trends_with_its_counts(client):
    body = trends(client, "from=2025-04-08&to=2025-04-14")
    assert body["window"]["articles"] == 14 + len(SUDDEN_DAYS)
    assert body["before"]["articles"] == 14
    assert [(i["value"], i["count"], i["before"]) for i in body["items"]] == [("Cora Sudden", 4, 0)]
    assert body["items"][0]["score"] >= 3


def test_a_sudden_region_trends_by_name_and_code(client):
    items = trends(client, "kind=regions&from=2025-04-08&to=2025-04-14")["items"]
    assert [(i["value"], i["code"], i["count"], i["before"]) for i in items] == [
        ("Bavaria", "DE-BY", 4, 0)
    ]


def test_the_window_may_cross_from_flat_to_busy(client):
    """The period before the sudden days holds none of them: only the window does."""
    items = trends(client, "from=2025-04-10&to=2025-04-13")["items"]
    assert [(i["value"], i["count"], i["before"]) for i in items] == [("Cora Sudden", 4, 0)]


@pytest.mark.parametrize(
    ("query", "trending"),
    [
        ("region=DE", ["Cora Sudden"]),
        ("region=Bavaria", ["Cora Sudden"]),
        ("region=FR", []),
        ("q=strike", ["Cora Sudden"]),
        ("q=harbour", []),
        ("person=Boris+Level", []),
        ("language=de", []),
    ],
)
def test_trends_take_the_search_filters(client, query, trending):
    items = trends(client, f"from=2025-04-08&to=2025-04-14&{query}")["items"]
    assert [item["value"] for item in items] == trending


def test_a_name_that_stops_does_not_trend(client):
    """The day after: Cora Sudden is gone again, and a fall is not a trend."""
    assert trends(client, "from=2025-04-14&to=2025-04-14")["items"] == []


def test_window_counts_back_from_now(es):
    """A steady name every six hours for sixteen days; another in the last two days only."""
    now = dt.datetime.now(dt.UTC)

    def at(hours: float, person: str) -> tuple[Any, ...]:
        return _row((now - dt.timedelta(hours=hours)).isoformat(), "Flood", [person], ["Japan"])

    rows = [at(3 + 6 * step, "Eli Steady") for step in range(64)]
    rows += [at(hours, "Dara Now") for hours in (1, 2, 5, 9, 30, 33, 37, 40)]
    articles = [resource(n, row) for n, row in enumerate(rows, start=1)]
    with app_with_articles(es, "test-trends-now", articles) as app:
        client = app.test_client()
        # The last 24 hours against the 24 before: Dara Now was there already.
        day = trends(client, "window=24h")
        assert day["window"]["articles"] == 4 + 4 and day["before"]["articles"] == 4 + 4
        assert day["items"] == []
        # The last 7 days against the 7 before: Dara Now is new.
        week = trends(client, "window=7d")
        assert [(i["value"], i["count"], i["before"]) for i in week["items"]] == [
            ("Dara Now", 8, 0)
        ]
        assert trends(client, "window=168h")["items"] == week["items"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kind=planets", "kind"),
        ("window=0h", "window"),
        ("window=24", "window"),
        ("window=1w", "window"),
        ("window=1000d", "window"),
        ("window=10000h", "window"),
        ("from=2025-04-01", "to"),
        ("to=2025-04-01", "from"),
        ("from=2025-04-02&to=2025-04-01", "to"),
        ("from=2025-04-01T10:00:00Z&to=2025-04-01T09:00:00Z", "to"),
        ("from=2025-02-30&to=2025-03-01", "from"),
        ("from=2020-01-01&to=2025-03-01", "to"),
        ("from=0001-01-01&to=0001-01-02", "from"),
        ("size=0", "size"),
        ("size=101", "size"),
        ("language=english", "language"),
    ],
)
def test_bad_parameters_are_422_problems_naming_them(client, query, parameter):
    response = client.get(f"/trends?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert parameter in response.get_json()["errors"]
