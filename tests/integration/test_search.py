"""Search and entity endpoints against the real node, on the corpus of tests/search_corpus.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from api.store.index import ArticleIndex
from tests.search_corpus import corpus
from tests.support.services import app_with_articles, build_app

TOTAL = len(corpus())
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def corpus_app(es):
    with app_with_articles(es, "test-search", corpus()) as app:
        yield app


@pytest.fixture
def search(corpus_app) -> Iterator[FlaskClient]:
    yield corpus_app.test_client()


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def found(client, query: str) -> set[str]:
    return set(ids(client.get(f"/articles?per_page=100&{query}")))


def numbered(*numbers: int) -> set[str]:
    return {f"corpus-{number:03d}" for number in numbers}


FILLERS = numbered(*range(16, 34))


# --- defaults, text and sorting -------------------------------------------------------------


def test_without_parameters_everything_comes_newest_first(search):
    body = search.get("/articles").get_json()
    assert body["total"] == {"value": TOTAL, "relation": "eq"}
    dates = [item["published_at"] for item in body["items"]]
    assert dates == sorted(dates, reverse=True)
    assert len(body["items"]) == 20
    assert "text" not in body["items"][0]


def test_fields_text_adds_the_full_text(search):
    item = search.get("/articles?fields=text&per_page=1").get_json()["items"][0]
    assert item["text"].startswith("The harbour bulletin")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=security+guarantees", numbered(5)),
        ('q="guarantees for Ukraine"', numbered(5)),
        ('q="Ukraine guarantees"', set()),
        ("q=harbour+-calm", set()),
        ("q=rodeo+|+marathon", numbered(7, 8)),
        ("q=rode*", numbered(7)),
        ("q=muller", numbered(8, 9)),
        ("q=Sao+Paulo", numbered(10)),
    ],
)
def test_full_text_uses_simple_query_syntax_and_folds_accents(search, query, expected):
    assert found(search, query) == expected


def test_title_matches_rank_first(search):
    assert ids(search.get("/articles?q=kharkiv"))[0] == "corpus-001"


@pytest.mark.parametrize("q", [")", '{"match_all":{}}', "*:*", '"unbalanced', "a" * 900, "&&||"])
def test_malformed_queries_are_searched_not_refused(search, q):
    response = search.get("/articles", query_string={"q": q})
    assert response.status_code == 200


def test_sort_oldest_first(search):
    assert ids(search.get("/articles?sort=published_at&per_page=1")) == ["corpus-001"]


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("person=putin", numbered(3, 4, 13)),
        ("person=Vladimir+Putin", numbered(3, 4, 13)),
        ("person=PUTIN&person=trump", numbered(3, 4)),
        ("person=zoe+muller", numbered(9)),
        ("person=Müller", numbered(8, 9)),
        ("person=Lula", numbered(10)),
        ("person=Nobody", set()),
    ],
)
def test_person_matches_name_or_alias_ignoring_case_and_accents(search, query, expected):
    assert found(search, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=UA", numbered(1, 2, 3, 5, 12, 15)),
        ("region=Ukraine", numbered(1, 2, 3, 5, 12, 15)),
        ("region=ukraine", numbered(1, 2, 3, 5, 12, 15)),
        ("region=UA-63", numbered(1, 2)),
        ("region=Kharkiv", numbered(1, 2)),
        ("region=Bavaria", numbered(8, 9)),
        ("region=DE", numbered(8, 9, 15) | FILLERS),
        ("region=US-TX", numbered(7)),
        ("region=FR", numbered(6, 15)),
        ("region=UA&region=RU", numbered(3)),
        ("region=UA&focus=true", numbered(1, 2, 3, 5, 12)),
        ("region=Atlantis", set()),
    ],
)
def test_region_matches_codes_names_and_the_hierarchy(search, query, expected):
    assert found(search, query) == expected


def test_an_ambiguous_place_name_matches_every_place_of_that_name(search):
    assert found(search, "region=Paris") == numbered(6, 7)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("author=olena+bondar", numbered(1, 2, 12)),
        ("author=Sara+Lind", numbered(4, 5, 14)),
        ("outlet=Kyiv+Ledger", numbered(1, 2, 12)),
        ("outlet=kyivledger.example", numbered(1, 2, 12)),
        ("outlet=www.kyivledger.example", numbered(1, 2, 12)),
        ("organization=kremlin", numbered(3, 13)),
        ("organization=NATO&organization=Kremlin", set()),
        ("language=en&person=lula", numbered(10)),
        ("language=de", set()),
        ("published_from=2025-02-01&published_to=2025-02-15", numbered(3, 4, 5)),
        ("published_from=2025-06-18", numbered(33)),
        ("person=putin&region=US-AK", numbered(4)),
        ("q=Putin&published_to=2025-02-01", numbered(3)),
    ],
)
def test_other_filters_and_combinations(search, query, expected):
    assert found(search, query) == expected


# --- paging --------------------------------------------------------------------------------


def test_page_paging(search):
    everything = ids(search.get("/articles?per_page=100"))
    assert ids(search.get("/articles?per_page=5&page=3")) == everything[10:15]


def test_paging_past_ten_thousand_results_points_to_cursors(search):
    response = search.get("/articles?per_page=100&page=101")
    assert response.status_code == 400
    body = response.get_json()
    assert body["type"].endswith("page-too-deep")
    assert "cursor" in body["detail"]
    assert "page" in body["errors"]


def walk(client, first_query: str, between_pages=None) -> list[str]:
    response = client.get(f"/articles?{first_query}")
    seen = ids(response)
    cursor = response.get_json()["next_cursor"]
    while cursor:
        if between_pages:
            between_pages()
        response = client.get("/articles", query_string={"cursor": cursor, "per_page": 7})
        seen += ids(response)
        cursor = response.get_json()["next_cursor"]
    return seen


def test_cursor_walk_visits_every_article_once(search):
    seen = walk(search, "per_page=7")
    assert len(seen) == len(set(seen)) == TOTAL


def _inserter(index: ArticleIndex, inserted: list[str], dates: list[str]):
    """Adds one harbour bulletin per call, dated before, inside and after the corpus."""

    def insert() -> None:
        number = len(inserted)
        article = corpus()[15] | {
            "id": f"inserted-{uuid.uuid4().hex[:8]}",
            "published_at": dates[number % len(dates)],
        }
        index.bulk_write(
            [{"op": "create", "article": article, "content_hash": "h"}], refresh="true"
        )
        inserted.append(article["id"])

    return insert


@pytest.mark.parametrize(
    "query", ["per_page=7", "per_page=7&q=harbour", "per_page=7&sort=published_at"]
)
def test_cursor_walk_while_articles_arrive_misses_nothing_and_repeats_nothing(
    corpus_app, search, query
):
    before = found(search, query.replace("per_page=7", ""))
    index: ArticleIndex = corpus_app.extensions["article_index"]
    inserted: list[str] = []
    insert = _inserter(index, inserted, ["2024-01-01", "2025-06-10", "2026-01-01"])
    try:
        seen = walk(search, query, between_pages=insert)
    finally:
        for article_id in inserted:
            index.delete(article_id, refresh="true")
    assert inserted
    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_a_cursor_alone_continues_its_query(search):
    first = search.get("/articles?person=putin&per_page=2").get_json()
    rest = search.get("/articles", query_string={"cursor": first["next_cursor"]})
    assert ids(rest) == ["corpus-003"]
    assert rest.get_json()["next_cursor"] is None


def test_a_cursor_with_a_different_query_is_refused(search):
    first = search.get("/articles?person=putin&per_page=2").get_json()
    response = search.get(
        "/articles", query_string={"cursor": first["next_cursor"], "person": "trump"}
    )
    assert response.status_code == 400
    assert "cursor" in response.get_json()["errors"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ2IjoyfQ", "%%%", "e30"])
def test_an_unparseable_cursor_is_400_naming_it(search, cursor):
    response = search.get("/articles", query_string={"cursor": cursor})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "cursor" in response.get_json()["errors"]


# --- highlights and facets -----------------------------------------------------------------


def test_highlights_mark_matches_and_escape_everything_else(search):
    body = search.get("/articles?q=markets&highlight=true").get_json()
    (item,) = body["items"]
    assert item["highlights"]["title"] == ["Tokyo <mark>markets</mark> rally"]
    (fragment,) = item["highlights"]["text"]
    assert "<mark>markets</mark>" in fragment
    assert "&amp;" in fragment and "&lt;D&gt;" in fragment


def test_highlight_tag_is_configurable(corpus_app, es):
    index = corpus_app.extensions["article_index"]
    app = build_app(index.alias.removesuffix("articles"), highlight_tag="em", log_level="WARNING")
    item = app.test_client().get("/articles?q=markets&highlight=true").get_json()["items"][0]
    assert item["highlights"]["title"] == ["Tokyo <em>markets</em> rally"]


def test_facets_count_within_the_filters(search):
    body = search.get(
        "/articles?region=UA&facets=people,regions,outlets,authors,organizations,published_at"
    ).get_json()
    facets = body["facets"]
    assert {f["value"]: f["count"] for f in facets["outlets"]} == {
        "Kyiv Ledger": 3,
        "Daily Courier": 1,
        "Nord Post": 1,
        "Le Monde Libre": 1,
    }
    assert {f["value"]: f["count"] for f in facets["authors"]}["Olena Bondar"] == 3
    regions = {f["code"]: f for f in facets["regions"]}
    assert regions["UA"]["count"] == 4
    assert regions["UA-63"]["type"] == "admin1"
    assert regions["UA-63"]["value"] == "Kharkiv Oblast"
    assert {f["value"] for f in facets["people"]} >= {"Volodymyr Zelensky", "Olaf Scholz"}
    assert {f["value"]: f["count"] for f in facets["organizations"]}["NATO"] == 1
    assert facets["published_at"] == [
        {"value": "2025-01-01", "count": 2},
        {"value": "2025-02-01", "count": 2},
        {"value": "2025-04-01", "count": 1},
        {"value": "2025-05-01", "count": 1},
    ]


def test_facet_size_and_interval(search):
    body = search.get("/articles?facets=outlets,published_at&facet_size=1&interval=week").get_json()
    assert body["facets"]["outlets"] == [{"value": "Nord Post", "count": 22}]
    assert all(bucket["count"] >= 1 for bucket in body["facets"]["published_at"])
    assert len(body["facets"]["published_at"]) > 10


@pytest.mark.parametrize("query", ["facets=outlets,published_at", "q=harbour&facets=people"])
def test_per_page_zero_counts_and_facets_without_items(search, query):
    """Dashboards ask for totals and histograms only."""
    full = search.get(f"/articles?per_page=100&{query}").get_json()
    counted = search.get(f"/articles?per_page=0&{query}")
    assert counted.status_code == 200
    body = counted.get_json()
    assert body["items"] == []
    assert body["next_cursor"] is None
    assert body["total"] == full["total"] and body["total"]["value"] > 0
    assert body["facets"] == full["facets"]


def test_the_openapi_document_states_what_search_checks_across_parameters(search):
    parameters = {
        p["name"]: p
        for p in search.get("/openapi.json").get_json()["paths"]["/articles"]["get"]["parameters"]
    }
    assert "Not together with cursor" in parameters["page"]["description"]
    assert "Not together with page" in parameters["cursor"]["description"]
    assert "not before published_from" in parameters["published_to"]["description"]
    assert parameters["per_page"]["schema"]["minimum"] == 0


# --- invalid parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("sort=bogus", "sort"),
        ("facets=people,bogus", "facets"),
        ("per_page=1000", "per_page"),
        ("per_page=-5", "per_page"),
        ("page=0", "page"),
        ("published_from=2025-13-01", "published_from"),
        ("published_to=yesterday", "published_to"),
        ("published_from=2025-03-01&published_to=2025-02-01", "published_to"),
        ("interval=year", "interval"),
        ("facet_size=500", "facet_size"),
        ("fields=everything", "fields"),
        ("page=2&cursor=abc", "page"),
        ("focus=perhaps", "focus"),
        ("q=" + "x" * 1001, "q"),
    ],
)
def test_invalid_parameters_are_422_naming_the_parameter(search, query, parameter):
    response = search.get(f"/articles?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert parameter in response.get_json()["errors"]


# --- entities ------------------------------------------------------------------------------


def test_people_by_article_count(search):
    people = search.get("/people").get_json()
    assert (people[0]["name"], people[0]["articles"]) == ("Ivo Petrov", 18)
    counts = {person["name"]: person["articles"] for person in people}
    assert counts["Vladimir Putin"] == 3
    assert search.get("/people?limit=2").get_json()[1]["articles"] <= 18
    assert len(search.get("/people?limit=2").get_json()) == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("prefix=zel", {"Volodymyr Zelensky"}),
        ("prefix=mul", {"Hans Müller", "Zoë Müller"}),
        ("prefix=ZOE", {"Zoë Müller"}),
        ("prefix=da", {"Lula da Silva"}),
        ("prefix=ilva", set()),
        ("q=acro", {"Emmanuel Macron"}),
        ("prefix=.*", set()),
    ],
)
def test_people_autocomplete_matches_any_word(search, query, expected):
    assert {p["name"] for p in search.get(f"/people?{query}").get_json()} == expected


def test_person_detail(search):
    body = search.get("/people/putin").get_json()
    assert body["name"] == "Vladimir Putin"
    assert body["articles"] == 3
    assert set(body["aliases"]) == {"Vladimir Putin", "Putin"}
    assert {p["name"] for p in body["co_mentioned"]["people"]} == {"Donald Trump"}
    assert "RU" in {r["code"] for r in body["co_mentioned"]["regions"]}
    assert [item["id"] for item in body["latest"]] == ["corpus-013", "corpus-004", "corpus-003"]


def test_unknown_entity_is_404_problem(search):
    response = search.get("/people/Nobody%20Atall")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_region_detail_lists_subregions(search):
    body = search.get("/regions/UA").get_json()
    assert (body["name"], body["code"], body["type"]) == ("Ukraine", "UA", "country")
    assert body["articles"] == 6
    subregions = {r["code"]: r["articles"] for r in body["subregions"]}
    assert subregions == {"UA-63": 1, "UA-46": 1, "geonames:706483": 1}


def test_region_list_and_autocomplete(search):
    regions = search.get("/regions?prefix=bav").get_json()
    assert regions == [
        {"name": "Bavaria", "code": "DE-BY", "type": "admin1", "country": "DE", "articles": 1}
    ]


def test_outlets_authors_and_organizations(search):
    assert search.get("/outlets?prefix=nord").get_json() == [
        {"name": "Nord Post", "domain": "nordpost.example", "articles": 22}
    ]
    assert search.get("/outlets/nordpost.example").get_json()["name"] == "Nord Post"
    assert search.get("/authors/olena%20bondar").get_json()["articles"] == 3
    assert search.get("/organizations?prefix=kre").get_json() == [
        {"name": "Kremlin", "articles": 2}
    ]


def test_entity_list_parameters_are_validated(search):
    response = search.get("/people?limit=0")
    assert response.status_code == 422
    assert "limit" in response.get_json()["errors"]


# --- the seed article, through real extraction ----------------------------------------------


SEED_QUERIES = [
    "person=Zelensky",
    "person=putin",
    "region=Kharkiv",
    "region=UA-63",
    "region=Ukraine",
    "region=US-AK",
    "outlet=pravda.ru",
    "author=Petr Ermilin",
    "q=security guarantees",
]


def test_the_seed_article_is_found_by_every_documented_query(client):
    seed = SEEDS / "alaska-talks-pravda.txt"
    created = client.post("/articles?refresh=wait_for", json={"text": seed.read_text("utf-8")})
    assert created.status_code == 201
    seed_id = created.get_json()["id"]
    for query in SEED_QUERIES:
        name, _, value = query.partition("=")
        response = client.get("/articles", query_string={name: value})
        assert ids(response) == [seed_id], query
    assert ids(client.get("/articles?person=Sumy")) == []


def test_a_cursor_walk_keeps_its_date_filter_across_many_pages(search):
    seen = walk(search, "per_page=3&published_from=2025-06-01&published_to=2025-06-15")
    assert len(seen) == len(set(seen)) == 15
    assert set(seen) <= FILLERS


def test_an_admin1_region_finds_articles_that_name_only_its_cities(client):
    text = "Flooding closed roads across Munich on Tuesday, the fire brigade said."
    assert client.post("/articles?refresh=wait_for", json={"text": text}).status_code == 201
    for query in ("region=DE-BY", "region=Bavaria", "region=DE"):
        assert client.get(f"/articles?{query}").get_json()["total"]["value"] == 1, query
    assert client.get("/articles?region=DE-BE").get_json()["total"]["value"] == 0


def test_a_region_in_any_language_finds_articles_in_every_language(client):
    """Extraction through the real NER server: a German and an English article about Munich
    answer to the region's English and German names alike."""
    articles = [
        {"text": "Der Stadtrat in München beschloss am Montag neue Radwege.", "language": "de"},
        {"text": "The city council in Munich approved new cycle lanes on Monday."},
        {"text": "Der Stadtrat in Hamburg beschloss am Montag neue Radwege.", "language": "de"},
    ]
    created = client.post("/articles/batch?refresh=wait_for", json={"articles": articles})
    assert created.status_code == 200
    munich = {item["id"] for item in created.get_json()["items"][:2]}
    for name in ("Bayern", "Bavaria", "DE-BY", "München", "Munich"):
        found = client.get("/articles", query_string={"region": name}).get_json()
        assert {item["id"] for item in found["items"]} == munich, name
