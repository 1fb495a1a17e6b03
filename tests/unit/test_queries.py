"""The query builders as pure functions: the bodies they build, with no node to ask."""

import datetime as dt

import pytest

from api.store import queries
from api.store.languages import LANGUAGES, LEMMATIZED_LANGUAGES
from api.store.queries import Filters, Highlighting, SearchSpec
from api.textanalysis import lemmatize


def spec(**fields) -> SearchSpec:
    return SearchSpec(
        **{"q": None, "filters": Filters(), "sort": "-published_at", "size": 20, **fields}
    )


def test_entity_filters_match_their_key_fields_and_alternatives_match_any():
    filters = Filters(
        entities=(
            ("people", ("putin",)),
            ("regions", ("kyiv", "ua-30", "ua")),
            ("outlets", ("pravda.ru",)),
            ("authors", ("dpa",)),
            ("organizations", ("nato",)),
        ),
        language="en",
    )
    assert queries.filter_clauses(filters) == [
        {"term": {"person_keys": "putin"}},
        {"terms": {"region_keys": ["kyiv", "ua-30", "ua"]}},
        {"term": {"outlet_keys": "pravda.ru"}},
        {"term": {"author_keys": "dpa"}},
        {"term": {"organization_keys": "nato"}},
        {"term": {"language": "en"}},
    ]


def test_focus_moves_region_filters_to_the_focus_keys_only():
    filters = Filters(entities=(("regions", ("ua",)), ("people", ("putin",))), focus=True)
    assert queries.filter_clauses(filters) == [
        {"term": {"focus_region_keys": "ua"}},
        {"term": {"person_keys": "putin"}},
    ]


def test_date_bounds_are_whole_inclusive_days():
    filters = Filters(published_from=dt.date(2025, 1, 1), published_to=dt.date(2025, 1, 31))
    assert queries.filter_clauses(filters) == [
        {"range": {"published_at": {"gte": "2025-01-01||/d", "lte": "2025-01-31||/d"}}}
    ]


def _text_clauses(body: dict) -> list[dict]:
    """The simple_query_string clauses of a search body, any of which may match."""
    (must,) = body["query"]["function_score"]["query"]["bool"]["must"]
    return [clause["simple_query_string"] for clause in must["bool"]["should"]]


def test_text_is_folded_and_weighs_titles_more():
    body = queries.search_body(spec(q="Zürich ÉTÉ", sort="relevance"))
    exact = _text_clauses(body)[0]
    assert exact["query"] == "zurich ete"
    assert exact["fields"] == [f"title_folded^{queries.TITLE_BOOST}", "text_folded"]
    assert body["sort"][0] == "_score" and body["sort"][-1] == queries.TIE_BREAKER


def test_text_searches_every_language_as_written_and_as_lemmas_with_titles_weighing_more():
    clauses = _text_clauses(queries.search_body(spec(q="negotiations", sort="relevance")))
    written = clauses[1]
    assert written["query"] == "negotiations"
    for language in LANGUAGES:
        assert f"title_{language}^{queries.TITLE_BOOST}" in written["fields"]
        assert f"text_{language}" in written["fields"]
    lemmas = {clause["fields"][1]: clause for clause in clauses[2:]}
    assert set(lemmas) == {f"text_{language}_lemmas" for language in LEMMATIZED_LANGUAGES}
    assert lemmas["text_en_lemmas"]["query"] == lemmatize("negotiations", "en") != "negotiations"
    assert all(clause["default_operator"] == "and" for clause in clauses)


def test_words_near_each_other_add_score_without_filtering():
    inner = queries.search_body(spec(q="port strike"))["query"]["function_score"]["query"]
    (proximity,) = inner["bool"]["should"]
    assert proximity["multi_match"]["type"] == "phrase"
    assert proximity["multi_match"]["slop"] == queries.PROXIMITY_SLOP
    assert "minimum_should_match" not in inner["bool"]


def test_recent_articles_get_a_bounded_bonus_that_stays_put_within_a_day():
    scored = queries.search_body(spec(q="port"))["query"]["function_score"]
    floor, decay = scored["functions"]
    assert floor == {"weight": queries.RECENCY_FLOOR}
    assert decay["weight"] == pytest.approx(1 - queries.RECENCY_FLOOR)
    assert decay["exp"]["published_at"]["origin"] == "now/d"
    assert scored["score_mode"] == "sum" and scored["boost_mode"] == "multiply"


def test_a_blank_query_searches_everything():
    assert queries.search_body(spec(q="   "))["query"] == {"bool": {"must": [], "filter": []}}


def test_a_page_body_leaves_out_text_and_internal_fields_unless_text_is_asked_for():
    excludes = queries.search_body(spec())["_source"]["excludes"]
    assert {"text", "content_hash", "person_keys", "people_entities"} <= set(excludes)
    with_text = queries.search_body(spec(include_text=True))["_source"]["excludes"]
    assert "text" not in with_text


def test_search_after_replaces_from_and_a_point_in_time_is_kept_alive():
    body = queries.search_body(spec(offset=40, search_after=["2025-01-01", "abc"], pit_id="P"))
    assert body["search_after"] == ["2025-01-01", "abc"] and "from" not in body
    assert body["pit"] == {"id": "P", "keep_alive": queries.PIT_KEEP_ALIVE}
    assert queries.search_body(spec(offset=40))["from"] == 40


def test_highlights_only_with_a_query_and_with_the_configured_tags():
    tags = Highlighting("<em>", "</em>")
    assert "highlight" not in queries.search_body(spec(highlight=tags))
    highlight = queries.search_body(spec(q="port", highlight=tags))["highlight"]
    assert highlight["pre_tags"] == ["<em>"] and highlight["post_tags"] == ["</em>"]
    assert highlight["encoder"] == "html"


def test_facets_aggregate_entity_strings_person_ids_and_dates():
    body = queries.search_body(
        spec(facets=("organizations", "people", "published_at"), facet_size=3, interval="week")
    )
    assert body["aggs"]["organizations"] == {"terms": {"field": "organization_entities", "size": 3}}
    # A person is one bucket whatever the spellings; one article names it.
    assert body["aggs"]["people"]["terms"] == {"field": "person_ids", "size": 3}
    assert body["aggs"]["people"]["aggs"]["person"]["top_hits"]["size"] == 1
    histogram = body["aggs"]["published_at"]["date_histogram"]
    assert histogram["calendar_interval"] == "week" and histogram["min_doc_count"] == 1


def test_facet_buckets_are_parsed_by_kind():
    aggregations = {
        "organizations": {"buckets": [{"key": "nato|NATO", "doc_count": 2}]},
        "people": {
            "buckets": [
                {
                    "key": "p-1",
                    "doc_count": 2,
                    "person": {
                        "hits": {
                            "hits": [
                                {
                                    "_source": {
                                        "people": [
                                            {"name": "Bo", "identity": {"id": "p-2", "name": "Bo"}},
                                            {
                                                "name": "Ana Ruíz",
                                                "identity": {"id": "p-1", "name": "Ana Ruiz"},
                                            },
                                        ]
                                    }
                                }
                            ]
                        }
                    },
                }
            ]
        },
        "authors": {"buckets": [{"key": "dpa|organization|dpa", "doc_count": 1}]},
        "regions": {"buckets": [{"key": "bavaria|DE-BY|admin1|DE|DE|Bavaria", "doc_count": 4}]},
        "published_at": {"buckets": [{"key_as_string": "2025-01-01", "doc_count": 5}]},
    }
    assert queries.parse_facets(aggregations) == {
        "organizations": [{"value": "NATO", "count": 2}],
        "people": [{"value": "Ana Ruiz", "id": "p-1", "count": 2}],
        "authors": [{"value": "dpa", "type": "organization", "count": 1}],
        "regions": [{"value": "Bavaria", "code": "DE-BY", "type": "admin1", "count": 4}],
        "published_at": [{"value": "2025-01-01", "count": 5}],
    }


def test_a_hit_shows_the_highlights_of_its_language_field_in_place_of_the_exact_ones():
    hit = {
        "_source": {"id": "a"},
        "highlight": {"title": ["t"], "text": ["exact"], "text_de": ["inflected"]},
    }
    assert queries.parse_hit(hit)["highlights"] == {"title": ["t"], "text": ["inflected"]}


def test_a_hit_keeps_only_title_and_text_highlights():
    hit = {"_source": {"id": "a"}, "highlight": {"title": ["t"], "text_folded": ["x"]}}
    assert queries.parse_hit(hit) == {"id": "a", "highlights": {"title": ["t"]}}


def test_autocomplete_matches_a_word_prefix_of_the_folded_head_and_escapes_the_rest():
    assert queries.entity_include("Zél", None) == "([^|]* )?zel[^|]*\\|.*"
    assert queries.entity_include(None, "a.b") == "[^|]*a\\.b[^|]*\\|.*"
    assert queries.entity_include(None, None, "person") == "[^|]*\\|person\\|.*"
    assert queries.entity_include(None, None) is None


def test_entity_list_and_detail_bodies_use_the_kinds_fields():
    body = queries.entity_list_body("authors", 5, prefix="re", entity_type="organization")
    terms = body["aggs"]["entities"]["terms"]
    assert terms["field"] == "author_entities" and terms["size"] == 5
    assert terms["include"] == "([^|]* )?re[^|]*\\|organization\\|.*"
    detail = queries.entity_detail_body("outlets", ["pravda.ru"], co_size=10, latest=5)
    assert detail["query"] == {"bool": {"filter": [{"terms": {"outlet_keys": ["pravda.ru"]}}]}}
    assert set(detail["aggs"]) == {
        "co_mentioned_people",
        "regions",
        "outlets",
        "authors",
        "organizations",
    }
    # People beside the entity are counted by identity, not by spelling.
    assert detail["aggs"]["co_mentioned_people"]["terms"]["field"] == "person_ids"


def test_collapse_by_story_pages_by_offset_and_counts_stories_in_facets():
    spec = SearchSpec(
        q=None,
        filters=Filters(),
        sort="-published_at",
        size=5,
        offset=10,
        facets=("outlets",),
        pit_id="pit",
        collapse_story=True,
    )
    body = queries.search_body(spec)
    assert body["collapse"] == {"field": "story.id"}
    assert body["from"] == 10 and "search_after" not in body
    assert body["aggs"]["story_total"]["cardinality"]["field"] == "story.id"
    assert body["aggs"]["outlets"]["aggs"]["stories"]["cardinality"]["field"] == "story.id"
    parsed = queries.parse_facets(
        {
            "story_total": {"value": 1},
            "outlets": {
                "buckets": [
                    {
                        "key": "nord post|n.example|Nord Post",
                        "doc_count": 3,
                        "stories": {"value": 1},
                    }
                ]
            },
        }
    )
    assert parsed == {"outlets": [{"value": "Nord Post", "count": 3, "stories": 1}]}


def test_story_candidates_are_one_query_on_the_bands_or_the_story_ids():
    body = queries.story_candidates_body(["0:ab", "1:cd"], ["a1"], 50)
    should = body["query"]["bool"]["should"]
    assert should == [{"terms": {"story_bands": ["0:ab", "1:cd"]}}, {"terms": {"story.id": ["a1"]}}]
    assert body["seq_no_primary_term"] is True
    assert "story_signature" in body["_source"]["includes"]
