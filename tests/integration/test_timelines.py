"""The published_at facet as a timeline (issue #26): interval=auto and zero-filled buckets,
against the real node on the corpus of tests/search_corpus.py."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.search_corpus import corpus
from tests.support.services import app_with_articles


@pytest.fixture(scope="module")
def corpus_app(es):
    with app_with_articles(es, "test-timelines", corpus()) as app:
        yield app


@pytest.fixture
def search(corpus_app) -> Iterator[FlaskClient]:
    yield corpus_app.test_client()


def timeline(client: FlaskClient, query: str) -> dict[str, Any]:
    response = client.get(f"/articles?per_page=0&facets=published_at&{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("dates", "interval", "buckets"),
    [
        ("", "week", None),  # the corpus spans January to June: over 100 days
        ("&published_from=2025-06-01&published_to=2025-06-18", "day", 18),
        ("&published_from=2025-06-03&published_to=2025-06-04", "hour", 48),
        ("&published_from=2020-01-01&published_to=2025-12-31", "month", 72),
    ],
)
def test_interval_auto_is_the_finest_with_at_most_about_100_buckets(
    search, dates, interval, buckets
):
    body = timeline(search, f"interval=auto&zero_fill=true{dates}")
    assert body["interval"] == interval
    facet = body["facets"]["published_at"]
    assert len(facet) <= 100
    if buckets is not None:
        assert len(facet) == buckets
    assert sum(bucket["count"] for bucket in facet) == body["total"]["value"]


def test_interval_auto_without_dates_spans_the_matching_articles(search):
    """The harbour bulletins fill 18 days of June: days, not the whole corpus's weeks."""
    body = timeline(search, "q=harbour+bulletin&interval=auto")
    assert body["interval"] == "day"
    assert [bucket["value"] for bucket in body["facets"]["published_at"]] == [
        f"2025-06-{day:02d}" for day in range(1, 19)
    ]


def test_zero_fill_lists_every_bucket_of_the_dates_asked(search):
    dates = "published_from=2025-05-25&published_to=2025-06-20"
    sparse = timeline(search, f"interval=day&{dates}")["facets"]["published_at"]
    filled = timeline(search, f"interval=day&zero_fill=true&{dates}")["facets"]["published_at"]
    first = dt.date(2025, 5, 25)
    assert [bucket["value"] for bucket in filled] == [
        (first + dt.timedelta(days=n)).isoformat() for n in range(27)
    ]
    counts = {bucket["value"]: bucket["count"] for bucket in sparse}
    assert all(count >= 1 for count in counts.values())
    assert [bucket["count"] for bucket in filled] == [
        counts.get(bucket["value"], 0) for bucket in filled
    ]
    assert 0 in [bucket["count"] for bucket in filled]


def test_zero_fill_without_dates_runs_from_the_first_article_to_the_last(search):
    filled = timeline(search, "interval=week&zero_fill=true")["facets"]["published_at"]
    sparse = timeline(search, "interval=week")["facets"]["published_at"]
    assert filled[0] == sparse[0] and filled[-1] == sparse[-1]
    assert len(filled) > len(sparse)
    weeks = [dt.date.fromisoformat(bucket["value"]) for bucket in filled]
    assert all(
        later - earlier == dt.timedelta(days=7) for earlier, later in itertools.pairwise(weeks)
    )


def test_without_zero_fill_empty_buckets_stay_out(search):
    facet = timeline(search, "interval=day")["facets"]["published_at"]
    assert all(bucket["count"] >= 1 for bucket in facet)


def test_hour_buckets_carry_the_time(search):
    facet = timeline(
        search, "interval=hour&zero_fill=true&published_from=2025-06-03&published_to=2025-06-03"
    )["facets"]["published_at"]
    assert [bucket["value"] for bucket in facet][:2] == [
        "2025-06-03T00:00:00Z",
        "2025-06-03T01:00:00Z",
    ]
    assert len(facet) == 24 and facet[0]["count"] == 1 and sum(b["count"] for b in facet) == 1


def test_a_search_without_dated_matches_has_an_empty_timeline(search):
    body = timeline(search, "q=nothingmatchesthis&interval=auto&zero_fill=true")
    assert body["facets"]["published_at"] == []
    assert body["interval"] == "day"


def test_too_many_filled_buckets_is_a_422_naming_zero_fill(search):
    response = search.get(
        "/articles?facets=published_at&interval=hour&zero_fill=true"
        "&published_from=2000-01-01&published_to=2025-12-31"
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "zero_fill" in response.get_json()["errors"]


@pytest.mark.parametrize("query", ["interval=fortnight", "zero_fill=maybe"])
def test_bad_timeline_parameters_are_422(search, query):
    response = search.get(f"/articles?facets=published_at&{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
