"""One person, every spelling, against the real node and NER server: the seeds in English,
German, French and Spanish that name the same people in their own spelling, and articles of
people who must stay apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from api.cli import read_articles
from api.extraction import identity
from api.services.articles import article_id
from tests.support.services import build_app, isolated_prefix

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# English seeds and the German, French and Spanish ones that name their people.
SEED_FILES = (
    "alaska-talks-pravda.txt",
    "alaska-gespraeche-witkoff.txt",
    "kharkiv-metro-schools.html",
    "kharkiv-ecole-souterraine.txt",
    "lublin-grain-border.json",
    "lublin-grano-frontera.txt",
)
# Articles of our own: people who must never be merged.
APART = [
    {
        "url": "https://apart.example/fidel",
        "language": "en",
        "text": "Fidel Castro spoke for four hours in Havana on Monday. "
        "Castro told the crowd that the revolution would go on.",
    },
    {
        "url": "https://apart.example/raul",
        "language": "en",
        "text": "Raúl Castro met the delegation in Havana on Tuesday. "
        "Castro said the talks had been useful.",
    },
    {
        "url": "https://apart.example/navalny",
        "language": "en",
        "text": "Alexei Navalny said on Monday that he would return to Moscow. "
        "Navalny added that he was not afraid.",
    },
    {
        "url": "https://apart.example/navalnaya",
        "language": "de",
        "text": "Julia Nawalnaja sagte am Montag in Berlin, sie werde weiterkämpfen. "
        "Nawalnaja sprach vor Journalisten.",
    },
]


def seed_id(name: str) -> str:
    (payload,) = list(read_articles(SEEDS / name))
    return article_id(payload)


@pytest.fixture(scope="module")
def seeded(es: Elasticsearch, ner) -> Iterator[Flask]:
    with isolated_prefix(es, "test-identity") as prefix:
        app = build_app(prefix, log_level="WARNING")
        paths = [str(SEEDS / name) for name in SEED_FILES]
        result = app.test_cli_runner().invoke(args=["ingest", *paths])
        assert result.exit_code == 0, result.output
        answer = app.test_client().post(
            "/articles/batch?refresh=wait_for", json={"articles": APART}
        )
        assert answer.status_code == 200
        assert all(item["status"] == 201 for item in answer.get_json()["items"])
        yield app


@pytest.fixture
def api(seeded: Flask) -> FlaskClient:
    return seeded.test_client()


def found(api: FlaskClient, **params: Any) -> set[str]:
    response = api.get("/articles", query_string={"per_page": 100, **params})
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def apart_id(api: FlaskClient, url: str) -> str:
    return article_id({"url": url})


@pytest.mark.parametrize("spelling", ["Vladimir Putin", "Wladimir Putin", "Putin", "Poutine"])
def test_person_finds_the_english_and_the_german_report_by_any_spelling(api, spelling):
    wanted = {seed_id("alaska-talks-pravda.txt"), seed_id("alaska-gespraeche-witkoff.txt")}
    assert found(api, person=spelling) == wanted


@pytest.mark.parametrize("spelling", ["Serhiy Bondar", "Serhiï Bondar", "Serhij Bondar"])
def test_person_finds_the_english_and_the_french_report(api, spelling):
    wanted = {seed_id("kharkiv-metro-schools.html"), seed_id("kharkiv-ecole-souterraine.txt")}
    assert found(api, person=spelling) == wanted


@pytest.mark.parametrize("spelling", ["Andriy Hnatenko", "Andrí Hnatenko", "Andrij Hnatenko"])
def test_person_finds_the_english_and_the_spanish_report(api, spelling):
    wanted = {seed_id("lublin-grain-border.json"), seed_id("lublin-grano-frontera.txt")}
    assert found(api, person=spelling) == wanted


def test_repeated_person_still_means_all_must_match(api):
    both = found(api, person=["Wladimir Putin", "Steven Witkoff"])
    assert both == {seed_id("alaska-talks-pravda.txt"), seed_id("alaska-gespraeche-witkoff.txt")}
    assert found(api, person=["Wladimir Putin", "Serhiy Bondar"]) == set()


def test_people_must_stay_apart(api):
    fidel, raul = (apart_id(api, f"https://apart.example/{n}") for n in ("fidel", "raul"))
    assert found(api, person="Fidel Castro") == {fidel}
    assert found(api, person="Raúl Castro") == {raul}
    navalny, navalnaya = (
        apart_id(api, f"https://apart.example/{n}") for n in ("navalny", "navalnaya")
    )
    assert found(api, person="Alexei Navalny") == {navalny}
    assert found(api, person="Navalny") == {navalny}
    assert found(api, person="Yulia Navalnaya") == {navalnaya}


def entry_named(entries: list[dict[str, Any]], spelling: str) -> list[dict[str, Any]]:
    return [e for e in entries if spelling in {s["name"] for s in e["spellings"]}]


def test_people_lists_one_entry_per_person_with_every_spelling(api):
    entries = api.get("/people", query_string={"limit": 100}).get_json()
    (putin,) = entry_named(entries, "Wladimir Putin")
    assert putin["name"] == "Vladimir Putin"  # as many articles each: the English spelling
    assert putin["articles"] == 2
    assert {s["name"]: s["languages"] for s in putin["spellings"]} == {
        "Vladimir Putin": {"en": 1},
        "Wladimir Putin": {"de": 1},
    }
    assert putin["id"] == identity.person_id("Vladimir Putin")
    assert not [e for e in entries if e["name"] == "Wladimir Putin"]
    (bondar,) = entry_named(entries, "Serhiï Bondar")
    assert bondar["articles"] == 2 and len(bondar["spellings"]) == 2
    castros = [e for e in entries if e["name"].endswith("Castro")]
    assert sorted(e["name"] for e in castros) == ["Fidel Castro", "Raúl Castro"]


@pytest.mark.parametrize(("param", "value"), [("prefix", "wlad"), ("q", "ladimir pu")])
def test_people_prefix_and_q_find_a_person_by_any_spelling(api, param, value):
    entries = api.get("/people", query_string={param: value}).get_json()
    assert [e["id"] for e in entries] == [identity.person_id("Vladimir Putin")]
    assert entries[0]["articles"] == 2


@pytest.mark.parametrize("spelling", ["Wladimir Putin", "Vladimir Putin", "Poutine", "Putin"])
def test_person_detail_answers_the_same_entry_for_any_spelling(api, spelling):
    detail = api.get(f"/people/{spelling}")
    assert detail.status_code == 200, detail.get_json()
    body = detail.get_json()
    listed = entry_named(api.get("/people", query_string={"limit": 100}).get_json(), spelling)
    expected = listed[0] if listed else None
    assert body["id"] == identity.person_id("Vladimir Putin")
    assert body["name"] == "Vladimir Putin" and body["articles"] == 2
    if expected:
        assert body["spellings"] == expected["spellings"]
    assert {"Vladimir Putin", "Wladimir Putin", "Putin"} <= set(body["aliases"])
    assert len(body["latest"]) == 2


def test_person_detail_keeps_apart_people_apart_and_knows_no_stranger(api):
    assert api.get("/people/Yulia Navalnaya").get_json()["name"] == "Julia Nawalnaja"
    assert api.get("/people/Alexei Navalny").get_json()["name"] == "Alexei Navalny"
    assert api.get("/people/Jane Nobody").status_code == 404


def test_the_people_facet_counts_a_person_once(api):
    response = api.get("/articles", query_string={"facets": "people", "per_page": 0})
    facet = response.get_json()["facets"]["people"]
    putin = [v for v in facet if v["id"] == identity.person_id("Vladimir Putin")]
    assert [(v["value"], v["count"]) for v in putin] == [("Vladimir Putin", 2)]
    assert not [v for v in facet if v["value"] == "Wladimir Putin"]


@pytest.mark.parametrize("page", ["/regions/UA", "/people/Steven Witkoff"])
def test_entity_pages_name_a_co_mentioned_person_once_whatever_the_spelling(api, page):
    people = api.get(page).get_json()["co_mentioned"]["people"]
    putin = [p for p in people if p["id"] == identity.person_id("Vladimir Putin")]
    assert [(p["name"], p["articles"]) for p in putin] == [("Vladimir Putin", 2)]
    assert not [p for p in people if p["name"] == "Wladimir Putin"]


def test_a_person_page_does_not_name_the_person_among_those_beside_them(api):
    people = api.get("/people/Wladimir Putin").get_json()["co_mentioned"]["people"]
    assert identity.person_id("Vladimir Putin") not in {p["id"] for p in people}
    assert "Steven Witkoff" in {p["name"] for p in people}


def test_an_article_keeps_its_spelling_and_gains_the_identity(api):
    article = api.get(f"/articles/{seed_id('alaska-gespraeche-witkoff.txt')}").get_json()
    (putin,) = [p for p in article["people"] if p["name"] == "Wladimir Putin"]
    assert putin["identity"] == {
        "id": identity.person_id("Vladimir Putin"),
        "name": "Vladimir Putin",
    }


@pytest.mark.parametrize("name", ["NATO", "OTAN", "Nato", "North Atlantic Treaty Organization"])
def test_organization_finds_a_listed_organisation_by_any_name(api, name):
    assert found(api, organization=name) == {
        seed_id("alaska-talks-pravda.txt"),
        seed_id("alaska-gespraeche-witkoff.txt"),
    }


def test_organisations_list_and_facet_show_a_listed_organisation_once(api):
    entries = api.get("/organizations", query_string={"limit": 100}).get_json()
    assert [e["articles"] for e in entries if e["name"] == "NATO"] == [2]
    assert not [e for e in entries if e["name"] == "Nato"]
    facet = api.get("/articles", query_string={"facets": "organizations", "per_page": 0})
    values = facet.get_json()["facets"]["organizations"]
    assert [v["count"] for v in values if v["value"] == "NATO"] == [2]
    assert api.get("/organizations/OTAN").get_json()["articles"] == 2


def test_identities_recompute_for_articles_stored_without_them(es: Elasticsearch, ner):
    """An article stored before identities existed (as `reindex` from mapping v3 leaves none
    of the v4 fields) is found by every spelling once `flask --app api identities` ran."""
    with isolated_prefix(es, "test-identity-recompute") as prefix:
        app = build_app(prefix, log_level="WARNING")
        api = app.test_client()
        article = {
            "url": "https://recompute.example/putin",
            "language": "de",
            "text": "Wladimir Putin sprach am Montag in Moskau. Putin kündigte Gespräche an.",
        }
        assert api.post("/articles?refresh=wait_for", json=article).status_code == 201
        index = app.extensions["article_index"]
        stored_id = article_id(article)
        # What the article looked like before: folded keys only, no identity fields.
        source = es.get(index=index.alias, id=stored_id)["_source"]
        source["person_keys"] = ["wladimir putin", "putin"]
        del source["person_ids"], source["person_spellings"]
        for person in source["people"]:
            del person["identity"]
        es.index(index=index.alias, id=stored_id, document=source, refresh=True)
        assert found(api, person="Vladimir Putin") == set()
        assert api.get("/people").get_json() == []
        result = app.test_cli_runner().invoke(args=["identities"])
        assert result.exit_code == 0, result.output
        assert "1 articles rewritten; 0 left" in result.output
        assert found(api, person="Vladimir Putin") == {stored_id}
        (entry,) = api.get("/people").get_json()
        assert entry["name"] == "Wladimir Putin" and entry["articles"] == 1
        person = api.get(f"/articles/{stored_id}").get_json()["people"][0]
        assert person["identity"]["id"] == identity.person_id("Vladimir Putin")


def test_a_written_article_is_answered_with_its_identities(client):
    article = {
        "url": "https://answer.example/putin",
        "language": "de",
        "text": "Wladimir Putin sprach am Montag mit der Nato. Putin kündigte Gespräche an.",
    }
    created = client.post("/articles", json=article).get_json()
    (putin,) = created["people"]
    assert putin["identity"]["id"] == identity.person_id("Vladimir Putin")
    assert {"name": "Nato", "mentions": 1, "identity": {"id": "nato", "name": "NATO"}} in created[
        "organizations"
    ]
    stored = client.get(f"/articles/{created['id']}").get_json()
    assert stored["people"] == created["people"]
