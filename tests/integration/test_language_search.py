"""Search that understands the language it searches (mapping v4), against the real node with the
real analysis plugin: inflections, every language at once, highlights in the article's words,
relevance, the migration from v3 and the start-up check of the node's analysis.

The articles are indexed directly (not extracted), so that these tests depend on search alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from api.store.index import ArticleIndex, MissingAnalysis
from tests.support.services import app_with_articles, build_app, isolated_prefix

TODAY = dt.date.today()


def article(number: int, language: str, title: str, text: str, days_old: int = 30) -> dict:
    return {
        "id": f"lang-{number:02d}",
        "url": f"https://lang.example/{number}",
        "title": title,
        "text": text,
        "language": language,
        "published_at": (TODAY - dt.timedelta(days=days_old)).isoformat(),
        "outlet": {"name": "Lang Test", "domain": "lang.example"},
        "people": [],
        "regions": [],
        "organizations": [],
    }


ARTICLES = [
    article(1, "en", "Dockers walk out", "The union said wage talks with the port had failed."),
    article(
        2, "de", "Streik im Hafen", "Die Gewerkschaft schaffte es, die Verhandlungen zu retten."
    ),
    article(3, "fr", "Grève au port", "Les négociations salariales reprendront lundi au port."),
    article(4, "es", "Huelga en el puerto", "Los trabajadores del puerto votaron la huelga."),
    # Relevance: the same words in the title or in the body, together or scattered, new or old.
    article(10, "en", "Ferry timetable", "A ferry timetable change was announced for winter."),
    article(11, "en", "Winter notice", "The ferry will keep its timetable, the council said."),
    article(
        12, "en", "Winter notice", "A ferry sailed. Weeks later the council changed the timetable."
    ),
    article(20, "en", "Glacier survey", "The glacier survey ended.", days_old=3),
    article(21, "en", "Glacier survey", "The glacier survey ended.", days_old=900),
]


@pytest.fixture(scope="module")
def language_app(es: Elasticsearch) -> Iterator[Flask]:
    with app_with_articles(es, "test-language", ARTICLES) as app:
        yield app


@pytest.fixture
def search(language_app: Flask) -> FlaskClient:
    return language_app.test_client()


def hits(client: FlaskClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/articles", query_string={"per_page": 50, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def found(client: FlaskClient, q: str, **params: Any) -> set[str]:
    return {item["id"] for item in hits(client, q=q, **params)}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("talk", "lang-01"),  # the article writes "talks"
        ("docker walks", "lang-01"),  # both words inflected
        ("Streiks", "lang-02"),  # "Streik"
        ("schaffen Verhandlung", "lang-02"),  # a verb form no stemmer joins: "schaffte"
        ("négociation", "lang-03"),  # "négociations"
        ("negociation salariale", "lang-03"),  # without accents, and inflected
        ("trabajador", "lang-04"),  # "trabajadores"
        ("huelgas", "lang-04"),
    ],
)
def test_a_word_in_another_inflection_finds_the_article_in_any_of_four_languages(
    search, q, expected
):
    assert expected in found(search, q)


def test_the_words_as_written_still_find_only_their_article(search):
    assert found(search, "trabajadores puerto") == {"lang-04"}
    assert found(search, "trabajadores Gewerkschaft") == set()


def test_the_language_filter_still_filters(search):
    assert found(search, "port", language="fr") == {"lang-03"}
    assert "lang-01" in found(search, "port", language="en")


def test_phrases_keep_their_word_order(search):
    assert found(search, '"wage talks"') == {"lang-01"}
    assert found(search, '"talks wage"') == set()


def test_highlights_mark_the_inflection_the_article_writes(search):
    (item,) = hits(search, q="talk", highlight="true")
    assert "<mark>talks</mark>" in item["highlights"]["text"][0]
    (item,) = hits(search, q="Streiks", highlight="true")
    assert item["highlights"]["title"] == ["<mark>Streik</mark> im Hafen"]


@pytest.mark.parametrize("q", ['"(', "talk -", "négociation | ", "+++"])
def test_odd_syntax_is_searched_not_refused(search, q):
    assert search.get("/articles", query_string={"q": q}).status_code == 200


def test_a_title_match_ranks_above_a_body_match(search):
    ranked = [item["id"] for item in hits(search, q="timetable")]
    assert ranked.index("lang-10") < ranked.index("lang-11")


def test_words_close_together_rank_above_scattered_words(search):
    ranked = [item["id"] for item in hits(search, q="council timetable")]
    assert ranked[:2] == ["lang-11", "lang-12"]


def test_of_two_equally_relevant_articles_the_recent_one_ranks_first(search):
    ranked = [item["id"] for item in hits(search, q="glacier survey")]
    assert ranked == ["lang-20", "lang-21"]


# --- migration and the node's analysis ----------------------------------------------------------


def test_reindex_from_v3_makes_existing_articles_searchable_by_inflection(es: Elasticsearch):
    """Articles stored before v4 (no language fields) moved by `flask --app api reindex`: the
    copy computes the new fields from the stored article, with no extraction."""
    with isolated_prefix(es, "test-language-v3") as prefix:
        alias, old = f"{prefix}articles", f"{prefix}articles-v3"
        es.indices.create(index=old, aliases={alias: {"is_write_index": True}})
        es.index(index=old, id=ARTICLES[0]["id"], document=ARTICLES[0], refresh=True)
        app = build_app(prefix)
        result = app.test_cli_runner().invoke(args=["reindex"])
        assert result.exit_code == 0, result.output
        assert app.extensions["article_index"].concrete_indices() == [f"{prefix}articles-v4"]
        assert found(app.test_client(), "talk") == {"lang-01"}


def test_a_node_lacking_the_analysis_fails_the_check_naming_what_is_missing(es: Elasticsearch):
    """The check tries every analyzer's chain on the node: the mapping's own pass (the plugin is
    installed), and one naming a filter the node does not have fails with a clear message."""
    lacking = {
        "filter": {},
        "analyzer": {
            "article_xx": {"type": "custom", "tokenizer": "standard", "filter": ["no_such"]}
        },
    }
    with isolated_prefix(es, "test-language-check") as prefix:
        index: ArticleIndex = build_app(prefix).extensions["article_index"]
        index.check_analysis()
        with pytest.raises(MissingAnalysis, match="no_such.*scripts/elasticsearch start"):
            index.check_analysis(lacking)
