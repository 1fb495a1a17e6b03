"""The pure builders behind trends, timelines and related articles (api.store.insights)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.store import insights
from api.store.queries import Filters

START = dt.datetime(2025, 4, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("span", "interval"),
    [
        (dt.timedelta(hours=20), "hour"),
        (dt.timedelta(hours=98), "hour"),
        (dt.timedelta(hours=99), "day"),
        (dt.timedelta(days=98), "day"),
        (dt.timedelta(days=99), "week"),
        (dt.timedelta(weeks=98), "week"),
        (dt.timedelta(weeks=99), "month"),
        (dt.timedelta(days=365 * 50), "month"),
    ],
)
def test_auto_interval_is_the_finest_with_at_most_100_buckets(span, interval):
    assert insights.auto_interval(START, START + span) == interval
    if interval != "month":
        assert insights.bucket_count(START, START + span, interval) <= insights.AUTO_MAX_BUCKETS


def test_trend_score_compares_with_the_period_before_scaled_by_its_volume():
    assert insights.trend_score(7, 7, 14, 14) == 0
    assert insights.trend_score(4, 0, 18, 14) == 4
    # Twice the articles in the window: twice the count is what was expected.
    assert insights.trend_score(10, 5, 200, 100) == 0
    assert insights.trend_score(2, 8, 10, 10) < 0
    # Nothing before at all: the count itself is compared with 0.
    assert insights.trend_score(3, 0, 3, 0) == 3


def test_trends_body_counts_the_window_and_the_period_before_it():
    window = insights.Period(START, START + dt.timedelta(days=7))
    body = insights.trends_body("people", None, Filters(language="en"), window)
    period = body["query"]["bool"]["filter"][0]["range"]["published_at"]
    assert period == {"gte": "2025-04-01T00:00:00+00:00", "lt": "2025-04-15T00:00:00+00:00"}
    assert body["aggs"]["window_total"] == {"filter": window.range_clause()}
    assert body["aggs"]["before_total"] == {"filter": window.before().range_clause()}
    people = body["aggs"]["people"]
    assert people["aggs"]["in_window"] == {"filter": window.range_clause()}
    assert people["terms"]["order"][0] == {"in_window": "desc"}
    assert {"term": {"language": "en"}} in body["query"]["bool"]["must"][0]["bool"]["filter"]


def test_related_body_excludes_the_article_and_its_story_and_matches_in_its_language():
    article = {
        "id": "a" * 32,
        "title": "Streik legt Trambahn lahm",
        "text": "Die Fahrer streikten.",
        "language": "de",
        "story": {"id": "b" * 32},
        "people": [{"name": "Jörg Maier"}],
        "regions": [{"name": "Bayern", "code": "DE-BY"}, {"name": "Dorf", "code": None}],
    }
    body = insights.related_body(article, 5)
    query = body["query"]["bool"]
    assert query["must_not"] == [
        {"ids": {"values": ["a" * 32]}},
        {"term": {"story.id": "b" * 32}},
    ]
    like = query["must"][0]["more_like_this"]
    assert like["fields"] == ["title_de", "text_de"]
    assert like["like"] == [{"doc": {"title_de": article["title"], "text_de": article["text"]}}]
    keys = {next(iter(clause["terms"])): clause["terms"] for clause in query["should"]}
    assert keys["person_keys"]["boost"] == insights.SHARED_ENTITY_BOOST
    assert [v for k, v in keys["person_keys"].items() if k != "boost"] == [["jorg maier"]]
    assert [v for k, v in keys["region_keys"].items() if k != "boost"] == [["de-by", "dorf"]]


def test_related_text_falls_back_to_the_folded_fields_without_a_language():
    fields = insights.related_text_fields({"title": "Ça va", "text": "Élan", "language": "pt"})
    assert fields == {"title_folded": "ca va", "text_folded": "elan"}


def test_shared_entities_name_people_by_name_and_regions_by_code():
    article = {
        "people": [{"name": "Ana Costa"}],
        "regions": [{"name": "Brazil", "code": "BR"}, {"name": "Nowhere", "code": None}],
    }
    other = {
        "people": [{"name": "ANA COSTA"}, {"name": "Luis Prado"}],
        "regions": [
            {"name": "Brasil", "code": "BR"},
            {"name": "Nowhere", "code": None},
            {"name": "Peru", "code": "PE"},
        ],
    }
    assert insights.shared_entities(article, other) == {
        "people": ["ANA COSTA"],
        "regions": [{"name": "Brasil", "code": "BR"}, {"name": "Nowhere", "code": None}],
    }
